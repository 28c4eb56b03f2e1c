#include "common/model/names.h"

#include <cctype>
#include <set>

#include "common/base/strings.h"

namespace ij {
namespace {

Error invalid(std::string message) { return make_error(Errc::invalid_argument, std::move(message)); }

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

Status validate_bmc_name(std::string_view name) {
  const std::string shown = "'" + quote_for_message(name) + "'";
  if (name.empty()) return invalid("BMC name is empty");
  if (name.size() > kMaxBmcNameLength)
    return invalid("BMC name " + shown + " is longer than " + std::to_string(kMaxBmcNameLength) + " characters");
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!is_lower_alnum(c) && c != '-')
      return invalid("BMC name " + shown + ": character " + std::to_string(i + 1) +
                     " is not a lowercase letter, digit or '-'");
  }
  if (name.front() == '-' || name.back() == '-')
    return invalid("BMC name " + shown + " must start and end with a letter or digit");
  return ok_status();
}

Status validate_user_name(std::string_view name) {
  const std::string shown = "'" + quote_for_message(name) + "'";
  if (name.empty()) return invalid("user name is empty");
  if (name.size() > kMaxUserNameLength)
    return invalid("user name " + shown + " is longer than " + std::to_string(kMaxUserNameLength) + " characters");
  if (name[0] < 'a' || name[0] > 'z') return invalid("user name " + shown + " must start with a lowercase letter");
  for (size_t i = 1; i < name.size(); ++i) {
    char c = name[i];
    if (!is_lower_alnum(c) && c != '-' && c != '_')
      return invalid("user name " + shown + ": character " + std::to_string(i + 1) +
                     " is not a lowercase letter, digit, '-' or '_'");
  }
  return ok_status();
}

Status validate_vlan(long vid) {
  if (vid < static_cast<long>(kMinVlan) || vid > static_cast<long>(kMaxVlan))
    return invalid("VLAN ID " + std::to_string(vid) + " is outside 1-4094");
  return ok_status();
}

Status validate_ifname(std::string_view name) {
  const std::string shown = "'" + quote_for_message(name) + "'";
  if (name.empty()) return invalid("interface name is empty");
  if (name.size() > kMaxIfnameLength) return invalid("interface name " + shown + " is longer than 15 characters");
  if (name == "." || name == "..") return invalid("interface name " + shown + " is not allowed");
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '/' || c == ':')
      return invalid("interface name " + shown + " contains a character that is not allowed");
  }
  return ok_status();
}

Result<std::string> vlan_link_name(std::string_view trunk, unsigned vid) {
  std::string name = std::string(trunk) + "." + std::to_string(vid);
  if (name.size() > kMaxIfnameLength)
    return make_error(Errc::invalid_argument, "VLAN link name '" + name +
                                                  "' is longer than 15 characters: rename the trunk interface");
  return name;
}

Result<std::vector<unsigned>> parse_ports(std::string_view text) {
  std::vector<unsigned> ports;
  for (const std::string& field : split(text, ',')) {
    unsigned long port = 0;
    if (!parse_uint(trim(field), 1, 65535, &port))
      return make_error(Errc::invalid_argument,
                        "port '" + quote_for_message(field) + "' is not a number in 1-65535");
    ports.push_back(static_cast<unsigned>(port));
  }
  IJ_TRY(validate_ports(ports));
  return ports;
}

Status validate_ports(const std::vector<unsigned>& ports) {
  if (ports.empty()) return invalid("the port list is empty");
  if (ports.size() > 16) return invalid("more than 16 ports");
  std::set<unsigned> seen;
  for (unsigned p : ports) {
    if (p < 1 || p > 65535) return invalid("port " + std::to_string(p) + " is outside 1-65535");
    if (!seen.insert(p).second) return invalid("port " + std::to_string(p) + " is listed twice");
  }
  return ok_status();
}

std::string bmc_host_name(std::string_view bmc_name) { return std::string(bmc_name) + "-ipmi"; }

Status validate_switch_port(std::string_view port) {
  if (port.empty() || port.size() > 64) return invalid("switch port '" + quote_for_message(port) + "' must be 1-64 characters");
  for (char c : port)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == ':' || c == '.' || c == '_' || c == '-'))
      return invalid("switch port '" + quote_for_message(port) + "' may contain only letters, digits and / : . _ -");
  if (port[0] == '-') return invalid("switch port '" + quote_for_message(port) + "' must not start with '-'");
  return ok_status();
}

}  // namespace ij
