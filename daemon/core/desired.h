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

// A trunk, closed to untagged traffic (hardened like a BMC link, and the
// firewall drops what it carries untagged), or open: when the configuration
// says so (trunk_untagged = allow), when it has no BMC yet, or when it
// carries an address of the host's (closing it would cut that traffic: the
// checks report it instead).
struct DesiredTrunk {
  std::string name;
  bool in_use = false;  // a BMC's VLAN is on it
  bool has_address = false;
  bool closed = false;
  std::vector<KernelSetting> hardening;  // when closed
};

// The trunks that carry an address of the host's (observed).
using AddressedTrunks = std::set<std::string>;

struct DesiredHost {
  FirewallSpec firewall;               // the table's elements
  std::vector<DesiredTrunk> trunks;    // the configuration's, in its order
  AddressedTrunks addressed;
  std::vector<std::string> users;      // tenants, sorted
  std::vector<DesiredLink> links;      // by BMC name
  std::vector<DesiredFile> files;
  std::vector<OwnedDir> owned_dirs;
};

// The pieces, for the steps of a change (each for the state after it).
// `addressed`: the trunks with an address of the host now (observed).
// Whether `trunk` is closed: some BMC is on it, the configuration drops
// untagged traffic, and the host has no address on it.
bool trunk_closed(const Config& config, const State& state, const std::string& trunk, const AddressedTrunks& addressed);
// The closed ones among the configuration's trunks, in one pass over the state.
std::vector<std::string> closed_trunks(const Config& config, const State& state, const AddressedTrunks& addressed);
// `scope`: only the elements of those BMCs and tenants (and the closed trunks).
FirewallSpec desired_firewall(const Config& config, const State& state, const std::map<std::string, uid_t>& uids,
                              const AddressedTrunks& addressed, FirewallScope scope = {});
DesiredLink desired_link(const Config& config, const Enrollment& e);
DesiredFile desired_hosts(const Config& config, const State& state);
DesiredFile desired_keys(const Config& config, const State& state, const std::string& user);
DesiredFile desired_dropin(const Config& config, const State& state);

// The whole host.
DesiredHost desired_host(const Config& config, const State& state, const std::map<std::string, uid_t>& uids,
                         const AddressedTrunks& addressed);

}  // namespace ij
