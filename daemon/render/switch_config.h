// The switch's side of the isolation, rendered from the state for one
// vendor's CLI: one VLAN per BMC, the BMC's port untagged in its own VLAN
// and in no other, the jumphost's port tagged in all of them and untagged in
// none (out of the default VLAN 1, or with an unused, tagged native VLAN),
// and the ports of revoked BMCs shut down in a parking VLAN (or moved to a
// quarantine VLAN), never left in their old VLAN nor returned to VLAN 1: a
// host on the default VLAN must reach neither the jumphost's trunk untagged
// nor a revoked BMC. Pure text; jumpctl switch-config prints it.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/base/strings.h"
#include "daemon/config/config.h"
#include "daemon/model/enrollment.h"

namespace ij {

// The dialects jumpctl switch-config speaks. kSwitchVendors is the one list of
// their names: the config parser (switch_vendor), make_switch_plan (--vendor)
// and the error message read it, and switch_config.cc gives each row its
// renderer in the same order (checked when it compiles). The names are here,
// constexpr, so that the config parser needs only this header: ij_render
// links ij_config, not the other way round.
enum class SwitchVendor { procurve, aoscx, ios, junos, linux_bridge };

struct SwitchVendorName {
  SwitchVendor vendor;
  std::string_view name;
};

inline constexpr SwitchVendorName kSwitchVendors[] = {
    {SwitchVendor::procurve, "procurve"},
    {SwitchVendor::aoscx, "aoscx"},
    {SwitchVendor::ios, "ios"},
    {SwitchVendor::junos, "junos"},
    {SwitchVendor::linux_bridge, "linux"},
};

inline Result<SwitchVendor> parse_switch_vendor(std::string_view name) {
  std::vector<std::string> known;
  for (const SwitchVendorName& v : kSwitchVendors) {
    if (name == v.name) return v.vendor;
    known.emplace_back(v.name);
  }
  return make_error(Errc::invalid_argument,
                    "switch vendor '" + quote_for_message(name) + "' is not one of " + join(known, ", "));
}

constexpr std::string_view switch_vendor_name(SwitchVendor vendor) {
  for (const SwitchVendorName& v : kSwitchVendors)
    if (v.vendor == vendor) return v.name;
  return "unknown";
}

// Where released ports wait, disabled, when switch_quarantine_vlan is 0, and
// the native VLAN of the jumphost's trunk on aoscx and ios (never allowed on
// it, so what arrives untagged is dropped). 1001 is the highest VID of IOS's
// normal range (1002-1005 are reserved), which IOS creates without VTP
// transparent mode; the high VIDs are reserved for internal use on several
// platforms (AOS-CX, NX-OS). The plan refuses it when a BMC has it;
// switch_quarantine_vlan, when set, takes its place.
inline constexpr unsigned kSwitchParkingVlan = 1001;

struct SwitchVlan {
  unsigned vid = 0;
  std::string bmc;
  std::string port;  // the BMC's access port; empty when not recorded
};

struct SwitchPlan {
  SwitchVendor vendor = SwitchVendor::procurve;
  std::string trunk;           // the jumphost's interface, named when it has several
  std::string trunk_port;
  std::string bridge;          // linux only
  unsigned quarantine_vlan = 0;
  unsigned parking_vlan = kSwitchParkingVlan;  // quarantine_vlan when set
  bool trunk_untagged = false;  // trunk_untagged = allow: the trunk's untagged VLAN is left as it is
  std::vector<SwitchVlan> vlans;            // ordered by VID
  std::vector<ReleasedPort> released;       // ordered by port
  std::vector<std::string> all_access_ports;  // every BMC port the jumphost knows, for "forbid"
  std::set<unsigned> used_vlans;              // of every enrollment, listed or not
  std::set<std::string> used_names;            // of every enrollment, listed or not
};

// The plan for the switch of `trunk` (its switch_trunk_port and
// switch_vendor; `vendor` overrides the latter when not empty): the
// enrollments on that trunk among `names` (all when empty; an unknown name
// is an error) and, always, the ports released there: they must not be
// forgotten. A released port of a state from before trunks counts as on
// the configuration's trunk.
Result<SwitchPlan> make_switch_plan(const Config& config, const State& state, const std::string& vendor,
                                    const std::vector<std::string>& names, const std::string& trunk);

Result<std::string> render_switch_config(const SwitchPlan& plan);

}  // namespace ij
