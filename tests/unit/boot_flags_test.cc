#include "daemon/ipmi/boot_flags.h"

#include <freeipmi/freeipmi.h>
#include <gtest/gtest.h>

#include <vector>

namespace ij {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes encoded(BootDevice d, bool persistent = false, bool efi = false) {
  const auto a = encode_boot_flags(BootSetting{d, persistent, efi});
  return Bytes(a.begin(), a.end());
}

std::string words(const Result<BootSetting>& r) {
  if (!r) return "error: " + r.error().message;
  return std::string(boot_device_name(r->device)) + (r->persistent ? " persistent" : "") + (r->efi ? " efi" : "");
}

std::string decoded(Bytes b) { return words(decode_boot_flags(b)); }

TEST(BootFlags, EncodeTable28_14) {
  EXPECT_EQ(encoded(BootDevice::pxe), (Bytes{0x80, 0x04, 0, 0, 0}));
  EXPECT_EQ(encoded(BootDevice::disk, true), (Bytes{0xc0, 0x08, 0, 0, 0}));
  EXPECT_EQ(encoded(BootDevice::cdrom, false, true), (Bytes{0xa0, 0x14, 0, 0, 0}));
  EXPECT_EQ(encoded(BootDevice::bios, true, true), (Bytes{0xe0, 0x18, 0, 0, 0}));
  // "none": valid flags that say no override (as ipmitool's bootdev none).
  EXPECT_EQ(encoded(BootDevice::none), (Bytes{0x80, 0x00, 0, 0, 0}));
}

TEST(BootFlags, Decode) {
  EXPECT_EQ(decoded({0x80, 0x04, 0, 0, 0}), "pxe");
  EXPECT_EQ(decoded({0xc0, 0x08, 0, 0, 0}), "disk persistent");
  EXPECT_EQ(decoded({0x80, 0x0c, 0, 0, 0}), "disk");  // hard drive, safe mode
  EXPECT_EQ(decoded({0xa0, 0x14, 0, 0, 0}), "cdrom efi");
  EXPECT_EQ(decoded({0x80, 0x18, 0, 0, 0}), "bios");
  EXPECT_EQ(decoded({0x80, 0x00, 0, 0, 0}), "none");
  // Not valid (used, timed out, or never set; ipmi_sim always answers so):
  // no override, whatever the selector says.
  EXPECT_EQ(decoded({0x00, 0x04, 0, 0, 0}), "none");
  EXPECT_EQ(decoded({0x60, 0x18, 0, 0, 0}), "none");
  // The other bits of data 2 (CMOS clear, lock keyboard, ...) do not matter.
  EXPECT_EQ(decoded({0x80, 0xc7, 0, 0, 0}), "pxe");
}

TEST(BootFlags, DecodeErrors) {
  EXPECT_EQ(decoded({0x80, 0x10, 0, 0, 0}),
            "error: the boot device is set to diagnostic partition, which is not one of pxe, disk, cdrom, bios");
  EXPECT_EQ(decoded({0x80, 0x20, 0, 0, 0}),
            "error: the boot device is set to remotely connected CD/DVD, which is not one of pxe, disk, cdrom, bios");
  EXPECT_EQ(decoded({0x80, 0x28, 0, 0, 0}),
            "error: the boot device selector is 10, which the IPMI specification does not define");
  EXPECT_EQ(decoded({0x80}), "error: boot flags of 1 bytes (at least 2 expected)");
}

TEST(BootFlags, RoundTrip) {
  for (BootDevice d : {BootDevice::none, BootDevice::pxe, BootDevice::disk, BootDevice::cdrom, BootDevice::bios})
    for (bool persistent : {false, true})
      for (bool efi : {false, true}) {
        const auto r = decode_boot_flags(encoded(d, persistent, efi));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->device, d);
        EXPECT_EQ(r->persistent, persistent);
        EXPECT_EQ(r->efi, efi);
      }
}

// The library boundary: the bytes the Bmc sends (generic Set System Boot
// Options with encode_boot_flags) are the bytes of FreeIPMI's own boot-flags
// request (what ipmi-chassis sends), and a boot-flags answer read through
// FreeIPMI's template says what decode_boot_flags says.
class FreeIpmiBootFlags : public ::testing::Test {
 protected:
  static Bytes all(fiid_obj_t obj) {
    Bytes b(64);
    const int n = fiid_obj_get_all(obj, b.data(), static_cast<unsigned>(b.size()));
    EXPECT_GT(n, 0);
    b.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return b;
  }
};

TEST_F(FreeIpmiBootFlags, RequestBytesAreFreeIpmis) {
  struct Case {
    BootSetting s;
    uint8_t device;
  };
  const Case cases[] = {
      {{BootDevice::pxe, false, false}, IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_FORCE_PXE},
      {{BootDevice::disk, true, false}, IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_FORCE_HARD_DRIVE},
      {{BootDevice::cdrom, false, true}, IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_FORCE_CD_DVD},
      {{BootDevice::bios, true, true}, IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_FORCE_BIOS_SETUP},
      {{BootDevice::none, false, false}, IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_NO_OVERRIDE},
  };
  for (const Case& c : cases) {
    fiid_obj_t ours = fiid_obj_create(tmpl_cmd_set_system_boot_options_rq);
    fiid_obj_t theirs = fiid_obj_create(tmpl_cmd_set_system_boot_options_boot_flags_rq);
    ASSERT_TRUE(ours && theirs);
    const auto data = encode_boot_flags(c.s);
    ASSERT_EQ(fill_cmd_set_system_boot_options(kBootFlagsParameter, IPMI_SYSTEM_BOOT_OPTIONS_PARAMETER_VALID_UNLOCKED,
                                               data.data(), data.size(), ours),
              0);
    ASSERT_EQ(fill_cmd_set_system_boot_options_boot_flags(
                  IPMI_SYSTEM_BOOT_OPTIONS_PARAMETER_VALID_UNLOCKED,
                  c.s.efi ? IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_TYPE_EFI
                          : IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_TYPE_PC_COMPATIBLE,
                  c.s.persistent ? IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID_PERSISTENTLY
                                 : IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID_FOR_NEXT_BOOT,
                  IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID, 0, 0, c.device, 0, 0,
                  IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_CONSOLE_REDIRECTION_DEFAULT, 0, 0, 0, 0, 0, 0, 0, 0, theirs),
              0);
    EXPECT_EQ(all(ours), all(theirs)) << boot_device_name(c.s.device);
    fiid_obj_destroy(ours);
    fiid_obj_destroy(theirs);
  }
}

TEST_F(FreeIpmiBootFlags, AnswerReadThroughFreeIpmisTemplate) {
  // Get System Boot Options answer: command 09h, completion code 0,
  // parameter version 1, parameter 5, then the five bytes.
  const Bytes datas[] = {{0x80, 0x04, 0, 0, 0}, {0xc0, 0x08, 0, 0, 0}, {0xa0, 0x14, 0, 0, 0},
                         {0xe0, 0x18, 0, 0, 0}, {0x00, 0x04, 0, 0, 0}, {0x80, 0x00, 0, 0, 0}};
  for (const Bytes& data : datas) {
    Bytes answer{IPMI_CMD_GET_SYSTEM_BOOT_OPTIONS, 0x00, 0x01, kBootFlagsParameter};
    answer.insert(answer.end(), data.begin(), data.end());
    fiid_obj_t typed = fiid_obj_create(tmpl_cmd_get_system_boot_options_boot_flags_rs);
    fiid_obj_t generic = fiid_obj_create(tmpl_cmd_get_system_boot_options_rs);
    ASSERT_TRUE(typed && generic);
    ASSERT_GT(fiid_obj_set_all(typed, answer.data(), static_cast<unsigned>(answer.size())), 0);
    ASSERT_GT(fiid_obj_set_all(generic, answer.data(), static_cast<unsigned>(answer.size())), 0);
    uint8_t raw[64];
    const int n = fiid_obj_get_data(generic, "configuration_parameter_data", raw, sizeof raw);
    ASSERT_EQ(n, 5);
    const auto ours = decode_boot_flags(std::span<const uint8_t>(raw, static_cast<size_t>(n)));
    ASSERT_TRUE(ours.ok());
    uint64_t valid = 0, persistent = 0, type = 0, device = 0;
    ASSERT_EQ(fiid_obj_get(typed, "boot_flags_valid", &valid), 1);
    ASSERT_EQ(fiid_obj_get(typed, "boot_flags_persistent", &persistent), 1);
    ASSERT_EQ(fiid_obj_get(typed, "bios_boot_type", &type), 1);
    ASSERT_EQ(fiid_obj_get(typed, "boot_device", &device), 1);
    if (!valid) {
      EXPECT_EQ(ours->device, BootDevice::none);
    } else {
      EXPECT_EQ(ours->persistent, persistent == IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID_PERSISTENTLY);
      EXPECT_EQ(ours->efi, type == IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_TYPE_EFI);
      EXPECT_EQ(encode_boot_flags(*ours)[1] >> 2, device);
    }
    fiid_obj_destroy(typed);
    fiid_obj_destroy(generic);
  }
}

}  // namespace
}  // namespace ij
