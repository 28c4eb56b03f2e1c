// What the host must hold, derived once from (config, state, tenants' uids)
// by pure functions: the firewall script, the VLAN links, the tenant users,
// the files (hosts block, keys files, the drop-in) and which files in the
// daemon's directories are its own. Enroll and revoke take their content
// from here; the doctor reports the difference from the observed host and
// the reconcile repairs it (daemon/core/drift.h), so the three cannot
// disagree about what the host should be.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/host/hardening.h"
#include "daemon/model/enrollment.h"
#include "daemon/render/firewall.h"

namespace ij {

struct DesiredFile {
  std::string what;  // "keys file", "sshd drop-in", "hosts file"
  std::string path;
  // nullopt: the file must not exist.
  std::optional<std::string> content;
  mode_t mode = 0644;
  std::string group;  // empty: root's
  // The content is a marked block inside a file whose other lines are the
  // operator's (/etc/hosts): merged into what is there.
  bool block = false;
  // For a block: names no line outside it may give (the BMCs' NAME-ipmi).
  std::set<std::string> exclusive_names;
  // sshd reads it: checked with sshd -t before it is written, and sshd is
  // reloaded after.
  bool sshd = false;
};

struct DesiredLink {
  std::string bmc;
  std::string name;  // TRUNK.VID
  std::string trunk;
  unsigned vid = 0;
  Ipv4Cidr address;  // the jumphost's, in the BMC's subnet
  std::vector<KernelSetting> hardening;
};

// A directory where the daemon owns the files whose names `owned` accepts:
// any such file that is not desired is a stray.
struct OwnedDir {
  std::string dir;
  std::function<bool(const std::string& name)> owned;
  bool sshd = false;
};

struct DesiredHost {
  FirewallSpec firewall;               // the table's elements
  // The trunk, closed to untagged traffic (hardened like a BMC link, and
  // the firewall drops what it carries untagged), or open: when the
  // configuration says so (trunk_untagged = allow), when there is no BMC
  // yet, or when it carries an address of the host's (closing it would cut
  // that traffic: the checks report it instead).
  std::string trunk;
  bool trunk_closed = false;
  bool trunk_has_address = false;
  std::vector<KernelSetting> trunk_hardening;  // when closed
  std::vector<std::string> users;      // tenants, sorted
  std::vector<DesiredLink> links;      // by BMC name
  std::vector<DesiredFile> files;
  std::vector<OwnedDir> owned_dirs;
};

// The pieces, for the steps of a change (each for the state after it).
// `trunk_has_address`: whether the trunk has an IPv4 address now (observed).
bool trunk_closed(const Config& config, const State& state, bool trunk_has_address);
// `scope`: only the elements of those BMCs and tenants (and the closed trunks).
FirewallSpec desired_firewall(const Config& config, const State& state, const std::map<std::string, uid_t>& uids,
                              bool trunk_has_address, FirewallScope scope = {});
DesiredLink desired_link(const Config& config, const Enrollment& e);
DesiredFile desired_hosts(const Config& config, const State& state);
DesiredFile desired_keys(const Config& config, const State& state, const std::string& user);
DesiredFile desired_dropin(const Config& config, const State& state);

// The whole host.
DesiredHost desired_host(const Config& config, const State& state, const std::map<std::string, uid_t>& uids,
                         bool trunk_has_address);

}  // namespace ij
