// The package's removal (ipmi-jumphostd --teardown, run by the Debian
// prerm with the service stopped): takes off the host everything the daemon
// made for its state, access first, and keeps the state and the
// configuration, so that a reinstall's start reconciles it all back and a
// purge deletes what is left.
//
// Not a plan that rolls back: a removal that stops half-way must leave less
// access, never more, so every part is tried, in this order, and each
// failure is reported: the sshd drop-in, the hosts block and the tenants'
// keys files (sshd reloaded), the tenants' processes and every connection to
// a BMC, the VLAN links, the tenant users, the firewall table.
#pragma once

#include <string>
#include <vector>

#include "daemon/core/jumphost.h"

namespace ij {

struct TeardownReport {
  std::vector<std::string> done;    // "removed VLAN link eth1.101", ...
  std::vector<std::string> failed;  // "VLAN link eth1.101: WHY", ...
  std::vector<std::string> kept;    // what stays on the host, for the operator
};

TeardownReport teardown(Jumphost& jh);

}  // namespace ij
