// Per-BMC IPMI session settings: privilege, cipher suite and the FreeIPMI
// workarounds real BMCs (and the simulator) need. Names are FreeIPMI's own
// (ipmipower(8) and ipmiconsole(8) "-W"), so operators can copy them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace ij {

// IPMI 2.0 section 6.8, the privilege a session asks for.
enum class IpmiPrivilege { user, operator_, admin };
const char* privilege_name(IpmiPrivilege p);  // "user", "operator", "admin"
Result<IpmiPrivilege> parse_privilege(std::string_view word);

struct IpmiSettings {
  IpmiPrivilege privilege = IpmiPrivilege::admin;
  unsigned cipher_suite = 3;              // RMCP+ cipher suite ID
  std::vector<std::string> workarounds;   // FreeIPMI -W names, validated
  bool operator==(const IpmiSettings&) const = default;
};

// Refuses 0 (no authentication) and suites FreeIPMI does not know.
Status validate_cipher_suite(long id);
// What is weak about a valid suite (the daemon warns), nullptr for 3 and 17.
const char* cipher_suite_weakness(unsigned id);
// Refuses unknown names and repeats.
Status validate_workarounds(const std::vector<std::string>& names);
// "a, b,c" → names, validated.
Result<std::vector<std::string>> parse_workarounds(std::string_view text);
Status validate_ipmi_settings(const IpmiSettings& s);

// What /etc/freeipmi/libipmiconsole.conf sets (`text`, its content): the
// library reads it when its engine starts, for the defaults of every
// context. Its "lockmemory" engine flag makes the library allocate each
// context locked (mmap) and free it with free() when the context's own
// flags do not lock, as the daemon's do not (freeipmi_bmc.cc): a crash at
// the first console that closes. So the daemon starts no console with it.
struct ConsoleLibraryDefaults {
  bool lock_memory = false;
  std::vector<std::string> keys;  // every setting it has, in order
};
ConsoleLibraryDefaults read_libipmiconsole_conf(std::string_view text);

// FreeIPMI flag values for the names (ipmi-api.h, ipmiconsole.h,
// ipmi_monitoring.h): each library has its own constants.
unsigned freeipmi_workaround_flags(const std::vector<std::string>& names);
unsigned ipmiconsole_workaround_flags(const std::vector<std::string>& names);
unsigned ipmimonitoring_workaround_flags(const std::vector<std::string>& names);

}  // namespace ij
