// Validation of the names an operator gives: BMC names, Unix user names, VLAN IDs, ports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace ij {

// A BMC name becomes the host name "NAME-ipmi" in /etc/hosts and in sshd's
// PermitOpen, so it must be one DNS label: lowercase letters, digits, '-'.
constexpr size_t kMaxBmcNameLength = 32;
Status validate_bmc_name(std::string_view name);

// A tenant's Unix user name: the portable subset that useradd accepts on
// Debian (NAME_REGEX "^[a-z][-a-z0-9_]*$"), at most 32 characters (utmp).
constexpr size_t kMaxUserNameLength = 32;
Status validate_user_name(std::string_view name);

// IEEE 802.1Q: VID 0 means "no VLAN" and 4095 is reserved, so 1..4094.
constexpr unsigned kMinVlan = 1;
constexpr unsigned kMaxVlan = 4094;
Status validate_vlan(long vid);

// A Linux interface name: at most IFNAMSIZ-1 = 15 bytes, no '/', ':' or spaces.
constexpr size_t kMaxIfnameLength = 15;
Status validate_ifname(std::string_view name);
// The VLAN link's name "TRUNK.VID", checked to fit IFNAMSIZ.
Result<std::string> vlan_link_name(std::string_view trunk, unsigned vid);

// A comma-separated TCP port list "22,80,443,5900": each 1..65535, no repeats.
Result<std::vector<unsigned>> parse_ports(std::string_view text);
Status validate_ports(const std::vector<unsigned>& ports);

// A switch port as the switch's own CLI names it ("7", "1/1/7",
// "GigabitEthernet1/0/7", "ge-0/0/7", "swp7"): 1-64 of [A-Za-z0-9/:._-].
Status validate_switch_port(std::string_view port);

// The /etc/hosts name a BMC is reached by.
std::string bmc_host_name(std::string_view bmc_name);

}  // namespace ij
