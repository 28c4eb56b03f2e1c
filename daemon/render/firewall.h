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
// The chains never change; what follows the enrollments is five named
// sets. The table is written whole (in one transaction) when it is missing
// or was changed; an enroll, a revoke or a set adds and deletes only the
// elements of the BMCs and tenants it touches, also in one transaction, so
// its cost does not grow with the number of BMCs.
#pragma once

#include <sys/types.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "daemon/model/enrollment.h"

namespace ij {

inline constexpr const char* kFirewallFamily = "inet";
inline constexpr const char* kFirewallTable = "ipmi_jumphost";

// The sets' elements, each in nft's syntax ("eth1.101" quoted, 1001,
// 10.254.0.2, 1001 . 10.254.0.2 . 623), by set name. Every set of the table
// has an entry, empty or not, in a whole spec; a partial one (the elements
// of some BMCs and tenants) may leave sets out.
struct FirewallSpec {
  std::map<std::string, std::set<std::string>> sets;
  bool operator==(const FirewallSpec&) const = default;
  size_t elements() const;
};

// The sets and their nft types, in the table's order.
const std::vector<std::pair<std::string, std::string>>& firewall_sets();

// Which BMCs and tenants a partial spec covers; nullptr: all of them.
struct FirewallScope {
  const std::set<std::string>* bmcs = nullptr;
  const std::set<std::string>* users = nullptr;
};

// `uids` maps tenant user names to their uids; a tenant missing from it
// (no such user yet) gets no element and so can open nothing. Nothing
// enters, crosses or leaves the `closed_trunks` untagged (802.1Q frames
// arrive on their VLAN links, not on the trunk): a host on the switch's
// native VLAN reaches nothing of the jumphost. The closed trunks are always
// in the spec, partial or not (they follow whether any BMC is enrolled).
FirewallSpec firewall_spec(const State& state, const std::map<std::string, uid_t>& uids,
                           const std::vector<std::string>& closed_trunks, FirewallScope scope = {});

// What is in `a` and not in `b`, set by set.
FirewallSpec firewall_minus(const FirewallSpec& a, const FirewallSpec& b);

// The whole table: replaces whatever table of that name is there.
std::string render_firewall(const FirewallSpec& spec);
// The table with empty sets: what never changes (compared to tell a table
// made by another version of the daemon).
std::string render_firewall_skeleton();
// One transaction that makes every element of `present` be in its set and
// none of `absent` (an element may be present already, or absent already:
// each absent one is added and then deleted, as nft 1.0.6 has no "destroy
// element"). Fails, and changes nothing, when the table or a set is missing.
std::string render_firewall_change(const FirewallSpec& present, const FirewallSpec& absent);

}  // namespace ij
