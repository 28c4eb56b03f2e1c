// Per-BMC IPMI session settings: privilege, cipher suite and the FreeIPMI
// workarounds real BMCs (and the simulator) need. Names are FreeIPMI's own
// (ipmipower(8) and ipmiconsole(8) "-W"), so operators can copy them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace ij {

struct IpmiSettings {
  std::string privilege = "admin";        // user, operator or admin
  unsigned cipher_suite = 3;              // RMCP+ cipher suite ID
  std::vector<std::string> workarounds;   // FreeIPMI -W names, validated
  bool operator==(const IpmiSettings&) const = default;
};

Status validate_privilege(std::string_view privilege);
Status validate_cipher_suite(long id);
// "a,b,c" → names; refuses unknown names and repeats.
Result<std::vector<std::string>> parse_workarounds(std::string_view text);
Status validate_ipmi_settings(const IpmiSettings& s);

// FreeIPMI flag values for the names (ipmi-api.h, ipmiconsole.h).
unsigned freeipmi_workaround_flags(const std::vector<std::string>& names);
unsigned ipmiconsole_workaround_flags(const std::vector<std::string>& names);


}  // namespace ij
