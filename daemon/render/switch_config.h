// The switch's side of the isolation, rendered from the state for one
// vendor's CLI: one VLAN per BMC, the BMC's port untagged in its own VLAN
// and in no other, the jumphost's port tagged in all of them, and the ports
// of revoked BMCs shut down (or moved to a quarantine VLAN), never left in
// their old VLAN. Pure text; jumpctl switch-config prints it.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "daemon/config/config.h"
#include "daemon/model/enrollment.h"

namespace ij {

struct SwitchVlan {
  unsigned vid = 0;
  std::string bmc;
  std::string port;  // the BMC's access port; empty when not recorded
};

struct SwitchPlan {
  std::string vendor;
  std::string trunk_port;
  std::string bridge;          // linux only
  unsigned quarantine_vlan = 0;
  std::vector<SwitchVlan> vlans;            // ordered by VID
  std::vector<ReleasedPort> released;       // ordered by port
  std::vector<std::string> all_access_ports;  // every BMC port the jumphost knows, for "forbid"
  std::set<unsigned> used_vlans;              // of every enrollment, listed or not
};

// The plan for `names` (all enrollments when empty); an unknown name is an
// error. Released ports are always included: they must not be forgotten.
Result<SwitchPlan> make_switch_plan(const Config& config, const State& state, const std::string& vendor,
                                    const std::vector<std::string>& names);

Result<std::string> render_switch_config(const SwitchPlan& plan);

}  // namespace ij
