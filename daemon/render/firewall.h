// The daemon's nftables table.
//
// Toward the jumphost (input): on BMC links it accepts only traffic the
// jumphost started (established/related, which includes the ICMP errors
// about it) and drops everything a BMC starts. Through it (forward):
// nothing to or from a BMC link.
//
// From the jumphost (output): a tenant's processes (in practice sshd's
// session process, which opens the tenant's -L forwards with the tenant's
// uid) may open TCP connections only to their own BMCs' ports; nothing else
// anywhere. On BMC links only root (the daemon) and those forwards may
// start anything. This is the tenant's host:port limit below sshd, so that
// it holds even if the keys file or sshd's configuration were wrong.
//
// The script replaces the table in one transaction (nft -f applies a file
// atomically).
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "daemon/model/enrollment.h"

namespace ij {

inline constexpr const char* kFirewallFamily = "inet";
inline constexpr const char* kFirewallTable = "ipmi_jumphost";

// `uids` maps tenant user names to their uids; a tenant missing from it
// (no such user yet) gets no rule and so can open nothing. Nothing enters,
// crosses or leaves the `closed_trunks` untagged (802.1Q frames arrive on
// their VLAN links, not on the trunk): a host on the switch's native VLAN
// reaches nothing of the jumphost.
std::string render_firewall(const State& state, const std::map<std::string, uid_t>& uids,
                            const std::vector<std::string>& closed_trunks);

}  // namespace ij
