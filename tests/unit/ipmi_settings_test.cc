#include "daemon/ipmi/settings.h"
#include "common/ipmi/power.h"

#include <gtest/gtest.h>
#include <ipmi_monitoring.h>
#include <ipmiconsole.h>

namespace ij {
namespace {

TEST(IpmiSettings, Workarounds) {
  auto w = parse_workarounds("opensesspriv, solchannelsupport,solpayloadsize");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(*w, (std::vector<std::string>{"opensesspriv", "solchannelsupport", "solpayloadsize"}));
  EXPECT_EQ(ipmiconsole_workaround_flags(*w), unsigned{IPMICONSOLE_WORKAROUND_OPEN_SESSION_PRIVILEGE |
                                                       IPMICONSOLE_WORKAROUND_SKIP_CHANNEL_PAYLOAD_SUPPORT |
                                                       IPMICONSOLE_WORKAROUND_IGNORE_SOL_PAYLOAD_SIZE});
  EXPECT_EQ(freeipmi_workaround_flags(*w), 0x10u);  // only opensesspriv means something to ipmi_ctx_open
  EXPECT_TRUE(parse_workarounds("")->empty());
  EXPECT_EQ(parse_workarounds("opensesspriv,bogus").error().message.rfind("unknown IPMI workaround 'bogus' (known: authcap,", 0),
            0u);
  EXPECT_EQ(parse_workarounds("sun20,sun20").error().message, "IPMI workaround 'sun20' is listed twice");
}

TEST(IpmiSettings, WorkaroundsForLibipmimonitoring) {
  // Each name has its libipmimonitoring bit; the SOL-only ones have none
  // (the library refuses bits it does not know).
  auto w = parse_workarounds("authcap,intel20,supermicro20,sun20,opensesspriv,integritycheckvalue,nochecksumcheck");
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(ipmimonitoring_workaround_flags(*w),
            unsigned{IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_AUTHENTICATION_CAPABILITIES |
                     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_INTEL_2_0_SESSION |
                     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_SUPERMICRO_2_0_SESSION |
                     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_SUN_2_0_SESSION |
                     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_OPEN_SESSION_PRIVILEGE |
                     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_NON_EMPTY_INTEGRITY_CHECK_VALUE |
                     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_NO_CHECKSUM_CHECK});
  EXPECT_EQ(ipmimonitoring_workaround_flags({"nochecksumcheck"}),
            unsigned{IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_NO_CHECKSUM_CHECK});
  EXPECT_EQ(ipmimonitoring_workaround_flags({"solchannelsupport", "solpayloadsize", "solport", "solstatus",
                                             "solpacketseq", "serialalertsdeferred"}),
            0u);
}

TEST(IpmiSettings, PrivilegeCipherAndActions) {
  EXPECT_EQ(*parse_privilege("operator"), IpmiPrivilege::operator_);
  EXPECT_STREQ(privilege_name(IpmiPrivilege::operator_), "operator");
  EXPECT_EQ(parse_privilege("root").error().message, "IPMI privilege 'root' is not one of user, operator, admin");
  EXPECT_TRUE(validate_cipher_suite(17).ok());
  EXPECT_FALSE(validate_cipher_suite(4).ok());
  EXPECT_EQ(validate_cipher_suite(0).error().message,
            "cipher suite 0 has no authentication at all and is refused: use 3 or 17");
  EXPECT_EQ(cipher_suite_weakness(3), nullptr);
  EXPECT_EQ(cipher_suite_weakness(17), nullptr);
  EXPECT_STREQ(cipher_suite_weakness(2), "does not encrypt");
  EXPECT_EQ(*parse_power_action("cycle"), PowerAction::cycle);
  EXPECT_FALSE(parse_power_action("explode").ok());
  EXPECT_STREQ(power_action_name(PowerAction::soft), "soft");
}

// libipmiconsole's site file: its lockmemory engine flag (any case, among
// others) is found; a comment or another key's value is not it.
TEST(IpmiSettings, LibipmiconsoleConf) {
  auto d = read_libipmiconsole_conf(
      "# libipmiconsole-context-engine-flags lockmemory\n"
      "libipmiconsole-context-behavior-flags lockmemory\n"
      "\tLIBIPMICONSOLE-CONTEXT-K_G  0x01 # a key\n\n");
  EXPECT_FALSE(d.lock_memory);
  EXPECT_EQ(d.keys, (std::vector<std::string>{"libipmiconsole-context-behavior-flags", "libipmiconsole-context-k_g"}));
  EXPECT_TRUE(read_libipmiconsole_conf("libipmiconsole-context-engine-flags closefd\tLockMemory\n").lock_memory);
  EXPECT_TRUE(read_libipmiconsole_conf("").keys.empty());
  // What FreeIPMI's conffile also takes for it: CRLF lines, a line joined
  // to the next, quotes, escapes, other white space.
  const char* engine = "libipmiconsole-context-engine-flags";
  for (std::string tail : {" lockmemory\r\n", " closefd \\\n  lockmemory\n", " closefd \\\r\nlockmemory",
                           " \"lockmemory\"\n", " lock\"memory\"", " a\\#b lockmemory", "\vlockmemory\f\n",
                           " \"# not a comment\" lockmemory"}) {
    auto found = read_libipmiconsole_conf(engine + tail);
    EXPECT_TRUE(found.lock_memory) << tail;
    EXPECT_EQ(found.keys, std::vector<std::string>{engine}) << tail;
  }
  EXPECT_FALSE(read_libipmiconsole_conf(std::string(engine) + " closefd # lockmemory\n").lock_memory);
  EXPECT_FALSE(read_libipmiconsole_conf(std::string(engine) + " closefd\nlockmemory\n").lock_memory);
}

}  // namespace
}  // namespace ij
