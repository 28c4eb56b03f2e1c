// The daemon's nftables table: on BMC links the jumphost accepts only
// traffic it started (established/related, which includes the ICMP errors
// about it) and drops everything a BMC starts toward it; nothing is
// forwarded to or from a BMC link. The script replaces the table in one
// transaction (nft -f applies a file atomically).
#pragma once

#include <string>

#include "common/model/enrollment.h"

namespace ij {

inline constexpr const char* kFirewallFamily = "inet";
inline constexpr const char* kFirewallTable = "ipmi_jumphost";

std::string render_firewall(const State& state);

}  // namespace ij
