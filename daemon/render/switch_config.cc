#include "daemon/render/switch_config.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "common/base/strings.h"

namespace ij {
namespace {

std::string vlan_name(const SwitchVlan& v) { return "ipmi-" + v.bmc; }

std::string vids(const std::vector<SwitchVlan>& vlans, const char* sep) {
  std::vector<std::string> out;
  for (const SwitchVlan& v : vlans) out.push_back(std::to_string(v.vid));
  return join(out, sep);
}

std::string header(const SwitchPlan& p, const char* comment) {
  std::string c = comment;
  std::string out = c + " ipmi-jumphost: switch configuration for " + std::to_string(p.vlans.size()) + " BMC VLAN(s) (" +
                    std::string(switch_vendor_name(p.vendor)) + ")" +
                    (p.trunk.empty() ? std::string() : ", the switch of the jumphost's trunk " + p.trunk) + "\n";
  out += c + " The jumphost's port " + p.trunk_port + " is tagged in every BMC VLAN; each BMC's port is untagged in\n";
  out += c + " its own VLAN and in no other. " +
         (p.trunk_untagged ? "Port " + p.trunk_port + " keeps its untagged VLAN (trunk_untagged = allow)"
                           : "Nothing reaches port " + p.trunk_port + " untagged") +
         ", and no revoked\n";
  out += c + " BMC's port is left in its VLAN or returned to VLAN 1.\n";
  return out;
}

bool vlan_in_use(const SwitchPlan& p, unsigned vid) { return p.used_vlans.count(vid) > 0; }

std::string released_comment(const ReleasedPort& r, const char* comment) {
  return std::string(comment) + " port " + r.port + " served BMC " + r.bmc + " (VLAN " + std::to_string(r.vlan) +
         "), revoked " + r.revoked_at + "\n";
}

constexpr const char* kParkingName = "ipmi-parking";

// HPE ProCurve / ArubaOS-Switch (the seed's "tagged/untagged/forbid"
// vocabulary). Per the ArubaOS-Switch Advanced Traffic Management Guide,
// "Static VLANs" and "GVRP": in VLAN context, "untagged PORT-LIST",
// "tagged PORT-LIST" and "forbid PORT-LIST" (a forbidden port can never
// join the VLAN, not even through GVRP). Per its "VLAN operating rules": a
// port is untagged in one port-based VLAN only, so untagging it in a VLAN
// takes it out of the one it was in; a port must stay a member of some VLAN,
// and one taken out of its last VLAN, or whose VLAN is deleted, falls back
// into DEFAULT_VLAN (VID 1) untagged; being tagged elsewhere does not take it
// out of DEFAULT_VLAN; and a port that is untagged in no VLAN drops the
// untagged frames it receives ("Untagged packet forwarding"). Hence "no
// untagged TRUNK" in VLAN 1 once the trunk is tagged in the BMC VLANs, and a
// released port moved untagged into the parking (or quarantine) VLAN before
// it is forbidden in its old one, never merely taken out of it.
std::string render_procurve(const SwitchPlan& p) {
  std::string out = header(p, ";");
  for (const SwitchVlan& v : p.vlans) {
    out += "vlan " + std::to_string(v.vid) + "\n";
    out += "   name \"" + vlan_name(v) + "\"\n";
    if (!v.port.empty()) out += "   untagged " + v.port + "\n";
    else out += "   ; BMC " + v.bmc + " has no switch port recorded (jumpctl enroll --switch-port): add it by hand\n";
    out += "   tagged " + p.trunk_port + "\n";
    std::vector<std::string> others;
    for (const std::string& port : p.all_access_ports)
      if (port != v.port) others.push_back(port);
    if (!others.empty()) out += "   forbid " + join(others, ",") + "\n";
    out += "   exit\n";
  }
  const std::string& trunk = p.trunk_port;
  if (p.trunk_untagged) {
    out += "; trunk_untagged = allow: port " + trunk + " keeps its untagged VLAN\n";
  } else if (p.used_vlans.empty()) {
    out += "; no BMC VLAN exists: port " + trunk + " cannot leave DEFAULT_VLAN (a port must be in a VLAN),\n";
    out += "; so it is disabled until one does\n";
    out += "interface " + trunk + "\n   disable\n   exit\n";
  } else {
    out += "; port " + trunk + " is untagged in no VLAN: the switch drops what arrives on it untagged\n";
    out += "vlan 1\n   no untagged " + trunk + "\n   exit\n";
    out += "interface " + trunk + "\n   enable\n   exit\n";
  }
  for (const ReleasedPort& r : p.released) {
    out += released_comment(r, ";");
    if (p.quarantine_vlan) {
      out += "vlan " + std::to_string(p.quarantine_vlan) + "\n   untagged " + r.port + "\n   exit\n";
    } else {
      out += "interface " + r.port + "\n   disable\n   exit\n";
      out += "vlan " + std::to_string(p.parking_vlan) + "\n   name \"" + kParkingName + "\"\n   untagged " + r.port +
             "\n   exit\n";
    }
    if (vlan_in_use(p, r.vlan)) {
      out += "vlan " + std::to_string(r.vlan) + "\n   forbid " + r.port + "\n   exit\n";
    } else {
      out += "no vlan " + std::to_string(r.vlan) + "\n";
    }
  }
  return out;
}

// HPE Aruba AOS-CX. Per the "AOS-CX 10.07 Layer 2 Bridging Guide", "VLANs":
// "vlan VID" with "name", and on the interface "no routing", "vlan access
// VID" (an access port carries its VLAN untagged and no other), "vlan trunk
// allowed VID-LIST" and "vlan trunk native VID [tag]" (the native VLAN must
// exist; VLAN 1 by default). Its "Traffic handling summary": a trunk drops
// untagged frames when its native VLAN is tagged, and when its native VLAN
// is not allowed on it. The trunk's native VLAN is the parking VLAN, tagged
// and not allowed. "no vlan access" would return a port to VLAN 1, so a
// released port goes to the parking VLAN, shut down.
std::string render_aoscx(const SwitchPlan& p) {
  std::string out = header(p, "!");
  for (const SwitchVlan& v : p.vlans) out += "vlan " + std::to_string(v.vid) + "\n    name " + vlan_name(v) + "\n";
  if (!p.quarantine_vlan) out += "vlan " + std::to_string(p.parking_vlan) + "\n    name " + kParkingName + "\n";
  for (const SwitchVlan& v : p.vlans) {
    if (v.port.empty()) {
      out += "! BMC " + v.bmc + " has no switch port recorded (jumpctl enroll --switch-port): add it by hand\n";
      continue;
    }
    out += "interface " + v.port + "\n    description ipmi " + v.bmc + "\n    no shutdown\n    no routing\n";
    out += "    vlan access " + std::to_string(v.vid) + "\n";
  }
  const std::string parking = std::to_string(p.parking_vlan);
  if (p.trunk_untagged)
    out += "! trunk_untagged = allow: port " + p.trunk_port + " keeps its native VLAN\n";
  else
    out += "! port " + p.trunk_port + "'s native VLAN " + parking +
           " is tagged and not allowed on it: the switch drops what arrives untagged\n";
  out += "interface " + p.trunk_port + "\n    description ipmi-jumphost trunk\n    no shutdown\n    no routing\n";
  if (!p.trunk_untagged) out += "    vlan trunk native " + parking + " tag\n";
  if (!p.vlans.empty()) out += "    vlan trunk allowed " + vids(p.vlans, ",") + "\n";
  for (const ReleasedPort& r : p.released) {
    out += released_comment(r, "!");
    out += "interface " + r.port + "\n";
    if (p.quarantine_vlan) out += "    vlan access " + std::to_string(p.quarantine_vlan) + "\n";
    else out += "    shutdown\n    vlan access " + parking + "\n";
    if (!vlan_in_use(p, r.vlan)) out += "no vlan " + std::to_string(r.vlan) + "\n";
  }
  return out;
}

// Cisco IOS. Per the Catalyst "VLAN Configuration Guide": "vlan VID" /
// "name", "switchport mode access" + "switchport access vlan VID" on the
// BMC's port, "switchport mode trunk" + "switchport trunk allowed vlan
// VID-LIST" on the jumphost's (the list replaces the allowed VLANs, so it
// names every BMC's VLAN, listed or not); "switchport nonegotiate" turns DTP
// off so a BMC cannot negotiate a trunk. A trunk puts what arrives untagged
// in its native VLAN ("switchport trunk native vlan", VLAN 1 by default):
// here the parking VLAN, which the trunk does not allow, so an untagged frame
// has nowhere to go. (The global "vlan dot1q tag native" would change every
// trunk of the switch; it is left to the operator.) With trunk_untagged =
// allow the native VLAN stays, and the BMC VLANs are added to the allowed
// list rather than replacing it, which would drop the native VLAN's frames.
// "no switchport access vlan" would return a port to VLAN 1, so a released
// port goes to the parking VLAN, shut down.
std::string render_ios(const SwitchPlan& p) {
  std::string out = header(p, "!");
  for (const SwitchVlan& v : p.vlans) out += "vlan " + std::to_string(v.vid) + "\n name " + vlan_name(v) + "\n!\n";
  const std::string parking = std::to_string(p.parking_vlan);
  if (!p.quarantine_vlan) out += "vlan " + parking + "\n name " + kParkingName + "\n!\n";
  for (const SwitchVlan& v : p.vlans) {
    if (v.port.empty()) {
      out += "! BMC " + v.bmc + " has no switch port recorded (jumpctl enroll --switch-port): add it by hand\n";
      continue;
    }
    out += "interface " + v.port + "\n description ipmi " + v.bmc + "\n switchport mode access\n";
    out += " switchport access vlan " + std::to_string(v.vid) + "\n switchport nonegotiate\n no shutdown\n!\n";
  }
  if (p.trunk_untagged)
    out += "! trunk_untagged = allow: port " + p.trunk_port +
           " keeps its native VLAN; the BMC VLANs are added to those it allows\n";
  else
    out += "! port " + p.trunk_port + "'s native VLAN " + parking +
           " is not allowed on it: what arrives untagged is dropped\n";
  out += "interface " + p.trunk_port + "\n description ipmi-jumphost trunk\n switchport mode trunk\n";
  if (!p.trunk_untagged) out += " switchport trunk native vlan " + parking + "\n";
  std::vector<std::string> allowed;
  for (unsigned vid : p.used_vlans) allowed.push_back(std::to_string(vid));
  if (!p.trunk_untagged)
    out += " switchport trunk allowed vlan " + (allowed.empty() ? std::string("none") : join(allowed, ",")) + "\n";
  else if (!allowed.empty())
    out += " switchport trunk allowed vlan add " + join(allowed, ",") + "\n";
  out += " switchport nonegotiate\n no shutdown\n!\n";
  for (const ReleasedPort& r : p.released) {
    out += released_comment(r, "!");
    out += "interface " + r.port + "\n";
    if (p.quarantine_vlan) out += " switchport access vlan " + std::to_string(p.quarantine_vlan) + "\n";
    else out += " shutdown\n switchport access vlan " + parking + "\n";
    out += "!\n";
    if (!vlan_in_use(p, r.vlan)) out += "no vlan " + std::to_string(r.vlan) + "\n";
  }
  return out;
}

// Juniper Junos with ELS (EX/QFX). Per "Configuring VLANs for EX Series
// Switches with ELS Support": "set vlans NAME vlan-id VID" and, on a unit,
// "family ethernet-switching interface-mode access|trunk" with "vlan members".
// Per Juniper's "Understanding Layer 2 Interfaces", a trunk without
// "native-vlan-id" drops untagged packets, so the trunk's is deleted (only a
// warning when there is none); an access port left without "vlan members"
// falls into the "default" VLAN (VID 1), so a released port is given the
// parking VLAN and disabled. The trunk drops a deleted VLAN before the VLAN
// goes (a member naming no VLAN fails the commit).
std::string render_junos(const SwitchPlan& p) {
  std::string out = header(p, "#");
  auto unit = [](const std::string& port) { return "set interfaces " + port + " unit 0 family ethernet-switching "; };
  for (const SwitchVlan& v : p.vlans) out += "set vlans " + vlan_name(v) + " vlan-id " + std::to_string(v.vid) + "\n";
  if (!p.quarantine_vlan && !p.released.empty())
    out += "set vlans " + std::string(kParkingName) + " vlan-id " + std::to_string(p.parking_vlan) + "\n";
  std::vector<std::string> members;
  for (const SwitchVlan& v : p.vlans) {
    members.push_back(vlan_name(v));
    if (v.port.empty()) {
      out += "# BMC " + v.bmc + " has no switch port recorded (jumpctl enroll --switch-port): add it by hand\n";
      continue;
    }
    out += "set interfaces " + v.port + " description \"ipmi " + v.bmc + "\"\n";
    out += unit(v.port) + "interface-mode access\n";
    out += unit(v.port) + "vlan members " + vlan_name(v) + "\n";
  }
  out += "set interfaces " + p.trunk_port + " description \"ipmi-jumphost trunk\"\n";
  if (p.trunk_untagged) {
    out += "# trunk_untagged = allow: port " + p.trunk_port + " keeps its native-vlan-id\n";
  } else {
    out += "# port " + p.trunk_port + " has no native-vlan-id: the switch discards what arrives on it untagged\n";
    out += "delete interfaces " + p.trunk_port + " native-vlan-id\n";
  }
  out += unit(p.trunk_port) + "interface-mode trunk\n";
  if (!members.empty()) out += unit(p.trunk_port) + "vlan members [ " + join(members, " ") + " ]\n";
  for (const ReleasedPort& r : p.released) {
    out += released_comment(r, "#");
    out += "delete interfaces " + r.port + " unit 0 family ethernet-switching vlan members\n";
    if (p.quarantine_vlan) {
      out += unit(r.port) + "vlan members " + std::to_string(p.quarantine_vlan) + "\n";
    } else {
      out += unit(r.port) + "vlan members " + kParkingName + "\n";
      out += "set interfaces " + r.port + " disable\n";
    }
    // Junos names VLANs: a BMC of the same name enrolled again (on another
    // VID) owns ipmi-NAME now, so it is not deleted.
    if (!vlan_in_use(p, r.vlan) && !p.used_names.count(r.bmc)) {
      out += "delete interfaces " + p.trunk_port + " unit 0 family ethernet-switching vlan members ipmi-" + r.bmc +
             "\n";
      out += "delete vlans ipmi-" + r.bmc + "\n";
    }
  }
  return out;
}

// A Linux bridge with VLAN filtering, as bridge(8) of iproute2 configures
// it: "bridge vlan add dev PORT vid VID pvid untagged" makes PORT an access
// port of VID; a port of a filtering bridge accepts only the VIDs it is a
// member of, and drops what arrives untagged when it has no PVID, so
// "forbid" is the default. VLAN 1 (the PVID every port gets when it joins)
// is taken off every port, the trunk's included, so that nothing is bridged
// untagged between them; the trunk's VIDs are added without "pvid" and
// "untagged", which clears those flags if they were set. A released port
// keeps no VLAN at all, not VLAN 1 either, and goes down. "bridge vlan del"
// of a VID a port does not have succeeds, so the output can run again.
std::string render_linux(const SwitchPlan& p) {
  std::string out = header(p, "#");
  const std::string& br = p.bridge;
  const std::string& trunk = p.trunk_port;
  out += "ip link set dev " + br + " type bridge vlan_filtering 1\n";
  out += "bridge vlan del dev " + br + " vid 1 self\n";
  if (p.trunk_untagged) {
    out += "# trunk_untagged = allow: port " + trunk + " keeps its PVID\n";
  } else {
    out += "# port " + trunk + " has no PVID and no untagged VLAN: the bridge drops what arrives on it untagged\n";
    out += "bridge vlan del dev " + trunk + " vid 1\n";
  }
  for (const SwitchVlan& v : p.vlans) {
    if (v.port.empty()) {
      out += "# BMC " + v.bmc + " has no switch port recorded (jumpctl enroll --switch-port): add it by hand\n";
    } else {
      out += "bridge vlan del dev " + v.port + " vid 1\n";
      out += "bridge vlan add dev " + v.port + " vid " + std::to_string(v.vid) + " pvid untagged\n";
    }
    out += "bridge vlan add dev " + trunk + " vid " + std::to_string(v.vid) + "\n";
  }
  for (const ReleasedPort& r : p.released) {
    out += released_comment(r, "#");
    out += "bridge vlan del dev " + r.port + " vid " + std::to_string(r.vlan) + "\n";
    out += "bridge vlan del dev " + r.port + " vid 1\n";
    if (p.quarantine_vlan)
      out += "bridge vlan add dev " + r.port + " vid " + std::to_string(p.quarantine_vlan) + " pvid untagged\n";
    else
      out += "ip link set dev " + r.port + " down\n";
    if (!vlan_in_use(p, r.vlan)) out += "bridge vlan del dev " + trunk + " vid " + std::to_string(r.vlan) + "\n";
  }
  return out;
}

// Each row of kSwitchVendors with its renderer, in the same order, and
// whether it puts ports in the parking VLAN (a Linux bridge port can be in
// no VLAN at all; a switch port falls back into VLAN 1).
struct SwitchRenderer {
  SwitchVendor vendor;
  std::string (*render)(const SwitchPlan&);
  bool parks_ports;
};

constexpr SwitchRenderer kRenderers[] = {
    {SwitchVendor::procurve, render_procurve, true},
    {SwitchVendor::aoscx, render_aoscx, true},
    {SwitchVendor::ios, render_ios, true},
    {SwitchVendor::junos, render_junos, true},
    {SwitchVendor::linux_bridge, render_linux, false},
};

const SwitchRenderer* renderer_of(SwitchVendor vendor) {
  for (const SwitchRenderer& r : kRenderers)
    if (r.vendor == vendor) return &r;
  return nullptr;
}

constexpr bool every_vendor_has_its_renderer() {
  if (std::size(kRenderers) != std::size(kSwitchVendors)) return false;
  for (size_t i = 0; i < std::size(kRenderers); ++i)
    if (kRenderers[i].vendor != kSwitchVendors[i].vendor) return false;
  return true;
}
static_assert(every_vendor_has_its_renderer(), "kRenderers must list kSwitchVendors' vendors, in their order");

}  // namespace

Result<SwitchPlan> make_switch_plan(const Config& config, const State& state, const std::string& vendor,
                                    const std::vector<std::string>& names, const std::string& trunk) {
  SwitchPlan p;
  auto parsed = parse_switch_vendor(vendor.empty() ? config.vendor_for(trunk) : vendor);
  if (!parsed) return parsed.error();
  p.vendor = *parsed;
  if (config.switch_port_for(trunk).empty())
    return make_error(Errc::invalid_argument,
                      config.trunks.size() == 1
                          ? "the jumphost's switch port is not configured: set switch_trunk_port in the configuration"
                          : "the switch port of trunk " + trunk + " is not configured: set switch_trunk_port." + trunk +
                                " (or switch_trunk_port) in the configuration");
  p.trunk_port = config.switch_port_for(trunk);
  if (config.trunks.size() > 1) p.trunk = trunk;
  p.bridge = config.switch_bridge;
  p.quarantine_vlan = config.switch_quarantine_vlan;
  p.parking_vlan = p.quarantine_vlan ? p.quarantine_vlan : kSwitchParkingVlan;
  p.trunk_untagged = config.trunk_untagged_allowed;
  std::set<std::string> wanted(names.begin(), names.end());
  for (const std::string& n : wanted)
    if (!state.find(n)) return make_error(Errc::not_found, "no BMC named " + quote_for_message(n) + " is enrolled");
  for (const auto& [name, e] : state.enrollments) {
    // Trunks to one switch (vlan_scope = jumphost) share its VLANs.
    if (!config.vlan_per_trunk) p.used_vlans.insert(e.vlan);
    if (e.trunk() != trunk) continue;  // another trunk's ports and VLANs
    if (!e.switch_port.empty()) p.all_access_ports.push_back(e.switch_port);
    p.used_vlans.insert(e.vlan);
    p.used_names.insert(e.name);
    if (wanted.empty() || wanted.count(name)) p.vlans.push_back(SwitchVlan{e.vlan, e.name, e.switch_port});
  }
  for (const auto& [port, r] : state.released_ports) {
    if ((r.trunk.empty() ? config.trunk : r.trunk) != trunk) continue;
    p.released.push_back(r);
    p.all_access_ports.push_back(port);
  }
  std::sort(p.vlans.begin(), p.vlans.end(), [](const SwitchVlan& a, const SwitchVlan& b) { return a.vid < b.vid; });
  std::sort(p.all_access_ports.begin(), p.all_access_ports.end());
  if (p.quarantine_vlan && vlan_in_use(p, p.quarantine_vlan))
    return make_error(Errc::invalid_argument, "switch_quarantine_vlan " + std::to_string(p.quarantine_vlan) +
                                                  " is a BMC's VLAN: choose an unused one");
  if (!p.quarantine_vlan && renderer_of(p.vendor)->parks_ports && vlan_in_use(p, kSwitchParkingVlan))
    return make_error(Errc::invalid_argument, "VLAN " + std::to_string(kSwitchParkingVlan) +
                                                  ", where switch-config parks released ports, is a BMC's VLAN: "
                                                  "set switch_quarantine_vlan to an unused VLAN");
  return p;
}

Result<std::string> render_switch_config(const SwitchPlan& plan) {
  if (const SwitchRenderer* r = renderer_of(plan.vendor)) return r->render(plan);
  // Only a SwitchVendor made by a cast from a number gets here.
  return make_error(Errc::invalid_argument,
                    "switch vendor " + std::to_string(static_cast<int>(plan.vendor)) + " is not known");
}

}  // namespace ij
