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
                    std::string(switch_vendor_name(p.vendor)) + ")\n";
  out += c + " The jumphost's port " + p.trunk_port + " is tagged in every BMC VLAN; each BMC's port is untagged in\n";
  out += c + " its own VLAN and in no other.\n";
  return out;
}

bool vlan_in_use(const SwitchPlan& p, unsigned vid) { return p.used_vlans.count(vid) > 0; }

// HPE ProCurve / ArubaOS-Switch (the seed's "tagged/untagged/forbid"
// vocabulary). Per the ArubaOS-Switch Advanced Traffic Management Guide,
// "Static VLANs" and "GVRP": in VLAN context, "untagged PORT-LIST",
// "tagged PORT-LIST" and "forbid PORT-LIST" (a forbidden port can never
// join the VLAN, not even through GVRP); a port is untagged in one VLAN only,
// so untagging it in its BMC VLAN takes it out of DEFAULT_VLAN.
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
  for (const ReleasedPort& r : p.released) {
    out += "; port " + r.port + " served BMC " + r.bmc + " (VLAN " + std::to_string(r.vlan) + "), revoked " + r.revoked_at + "\n";
    if (p.quarantine_vlan) {
      out += "vlan " + std::to_string(p.quarantine_vlan) + "\n   untagged " + r.port + "\n   exit\n";
    } else {
      out += "interface " + r.port + "\n   disable\n   exit\n";
    }
    if (vlan_in_use(p, r.vlan)) {
      out += "vlan " + std::to_string(r.vlan) + "\n   no untagged " + r.port + "\n   forbid " + r.port + "\n   exit\n";
    } else {
      out += "no vlan " + std::to_string(r.vlan) + "\n";
    }
  }
  return out;
}

// HPE Aruba AOS-CX. Per the AOS-CX Layer 2 Bridging Guide, "VLANs": "vlan
// VID" with "name", and on the interface "no routing", "vlan access VID"
// (an access port carries its VLAN untagged and no other) and
// "vlan trunk allowed VID-LIST".
std::string render_aoscx(const SwitchPlan& p) {
  std::string out = header(p, "!");
  for (const SwitchVlan& v : p.vlans) out += "vlan " + std::to_string(v.vid) + "\n    name " + vlan_name(v) + "\n";
  for (const SwitchVlan& v : p.vlans) {
    if (v.port.empty()) {
      out += "! BMC " + v.bmc + " has no switch port recorded (jumpctl enroll --switch-port): add it by hand\n";
      continue;
    }
    out += "interface " + v.port + "\n    description ipmi " + v.bmc + "\n    no shutdown\n    no routing\n";
    out += "    vlan access " + std::to_string(v.vid) + "\n";
  }
  out += "interface " + p.trunk_port + "\n    description ipmi-jumphost trunk\n    no shutdown\n    no routing\n";
  if (!p.vlans.empty()) out += "    vlan trunk allowed " + vids(p.vlans, ",") + "\n";
  for (const ReleasedPort& r : p.released) {
    out += "! port " + r.port + " served BMC " + r.bmc + " (VLAN " + std::to_string(r.vlan) + "), revoked " + r.revoked_at + "\n";
    out += "interface " + r.port + "\n";
    if (p.quarantine_vlan) out += "    vlan access " + std::to_string(p.quarantine_vlan) + "\n";
    else out += "    shutdown\n    no vlan access\n";
    if (!vlan_in_use(p, r.vlan)) out += "no vlan " + std::to_string(r.vlan) + "\n";
  }
  return out;
}

// Cisco IOS. Per the Catalyst "VLAN Configuration Guide": "vlan VID" /
// "name", "switchport mode access" + "switchport access vlan VID" on the
// BMC's port, "switchport mode trunk" + "switchport trunk allowed vlan
// VID-LIST" on the jumphost's; "switchport nonegotiate" turns DTP off so a
// BMC cannot negotiate a trunk.
std::string render_ios(const SwitchPlan& p) {
  std::string out = header(p, "!");
  for (const SwitchVlan& v : p.vlans) out += "vlan " + std::to_string(v.vid) + "\n name " + vlan_name(v) + "\n!\n";
  for (const SwitchVlan& v : p.vlans) {
    if (v.port.empty()) {
      out += "! BMC " + v.bmc + " has no switch port recorded (jumpctl enroll --switch-port): add it by hand\n";
      continue;
    }
    out += "interface " + v.port + "\n description ipmi " + v.bmc + "\n switchport mode access\n";
    out += " switchport access vlan " + std::to_string(v.vid) + "\n switchport nonegotiate\n no shutdown\n!\n";
  }
  out += "interface " + p.trunk_port + "\n description ipmi-jumphost trunk\n switchport mode trunk\n";
  out += " switchport trunk allowed vlan " + (p.vlans.empty() ? std::string("none") : vids(p.vlans, ",")) + "\n";
  out += " switchport nonegotiate\n no shutdown\n!\n";
  for (const ReleasedPort& r : p.released) {
    out += "! port " + r.port + " served BMC " + r.bmc + " (VLAN " + std::to_string(r.vlan) + "), revoked " + r.revoked_at + "\n";
    out += "interface " + r.port + "\n";
    if (p.quarantine_vlan) out += " switchport access vlan " + std::to_string(p.quarantine_vlan) + "\n";
    else out += " shutdown\n no switchport access vlan\n";
    out += "!\n";
    if (!vlan_in_use(p, r.vlan)) out += "no vlan " + std::to_string(r.vlan) + "\n";
  }
  return out;
}

// Juniper Junos with ELS (EX/QFX). Per "Configuring VLANs for EX Series
// Switches with ELS Support": "set vlans NAME vlan-id VID" and, on a unit,
// "family ethernet-switching interface-mode access|trunk" with "vlan members".
std::string render_junos(const SwitchPlan& p) {
  std::string out = header(p, "#");
  auto unit = [](const std::string& port) { return "set interfaces " + port + " unit 0 family ethernet-switching "; };
  for (const SwitchVlan& v : p.vlans) out += "set vlans " + vlan_name(v) + " vlan-id " + std::to_string(v.vid) + "\n";
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
  out += unit(p.trunk_port) + "interface-mode trunk\n";
  if (!members.empty()) out += unit(p.trunk_port) + "vlan members [ " + join(members, " ") + " ]\n";
  for (const ReleasedPort& r : p.released) {
    out += "# port " + r.port + " served BMC " + r.bmc + " (VLAN " + std::to_string(r.vlan) + "), revoked " + r.revoked_at + "\n";
    out += "delete interfaces " + r.port + " unit 0 family ethernet-switching vlan members\n";
    if (p.quarantine_vlan) out += unit(r.port) + "vlan members " + std::to_string(p.quarantine_vlan) + "\n";
    else out += "set interfaces " + r.port + " disable\n";
    if (!vlan_in_use(p, r.vlan)) out += "delete vlans ipmi-" + r.bmc + "\n";
  }
  return out;
}

// A Linux bridge with VLAN filtering, as bridge(8) of iproute2 configures
// it: "bridge vlan add dev PORT vid VID pvid untagged" makes PORT an access
// port of VID; a port of a filtering bridge accepts only the VIDs it is a
// member of, so "forbid" is the default. VLAN 1 (the default PVID) is taken
// off every port so that nothing is bridged untagged between them.
std::string render_linux(const SwitchPlan& p) {
  std::string out = header(p, "#");
  const std::string& br = p.bridge;
  out += "ip link set dev " + br + " type bridge vlan_filtering 1\n";
  out += "bridge vlan del dev " + br + " vid 1 self\n";
  out += "bridge vlan del dev " + p.trunk_port + " vid 1\n";
  for (const SwitchVlan& v : p.vlans) {
    if (v.port.empty()) {
      out += "# BMC " + v.bmc + " has no switch port recorded (jumpctl enroll --switch-port): add it by hand\n";
    } else {
      out += "bridge vlan del dev " + v.port + " vid 1\n";
      out += "bridge vlan add dev " + v.port + " vid " + std::to_string(v.vid) + " pvid untagged\n";
    }
    out += "bridge vlan add dev " + p.trunk_port + " vid " + std::to_string(v.vid) + "\n";
  }
  for (const ReleasedPort& r : p.released) {
    out += "# port " + r.port + " served BMC " + r.bmc + " (VLAN " + std::to_string(r.vlan) + "), revoked " + r.revoked_at + "\n";
    out += "bridge vlan del dev " + r.port + " vid " + std::to_string(r.vlan) + "\n";
    if (p.quarantine_vlan) out += "bridge vlan add dev " + r.port + " vid " + std::to_string(p.quarantine_vlan) + " pvid untagged\n";
    else out += "ip link set dev " + r.port + " down\n";
    if (!vlan_in_use(p, r.vlan)) out += "bridge vlan del dev " + p.trunk_port + " vid " + std::to_string(r.vlan) + "\n";
  }
  return out;
}

// Each row of kSwitchVendors with its renderer, in the same order.
struct SwitchRenderer {
  SwitchVendor vendor;
  std::string (*render)(const SwitchPlan&);
};

constexpr SwitchRenderer kRenderers[] = {
    {SwitchVendor::procurve, render_procurve},
    {SwitchVendor::aoscx, render_aoscx},
    {SwitchVendor::ios, render_ios},
    {SwitchVendor::junos, render_junos},
    {SwitchVendor::linux_bridge, render_linux},
};

constexpr bool every_vendor_has_its_renderer() {
  if (std::size(kRenderers) != std::size(kSwitchVendors)) return false;
  for (size_t i = 0; i < std::size(kRenderers); ++i)
    if (kRenderers[i].vendor != kSwitchVendors[i].vendor) return false;
  return true;
}
static_assert(every_vendor_has_its_renderer(), "kRenderers must list kSwitchVendors' vendors, in their order");

}  // namespace

Result<SwitchPlan> make_switch_plan(const Config& config, const State& state, const std::string& vendor,
                                    const std::vector<std::string>& names) {
  SwitchPlan p;
  auto parsed = parse_switch_vendor(vendor.empty() ? config.switch_vendor : vendor);
  if (!parsed) return parsed.error();
  p.vendor = *parsed;
  if (config.switch_trunk_port.empty())
    return make_error(Errc::invalid_argument,
                      "the jumphost's switch port is not configured: set switch_trunk_port in the configuration");
  p.trunk_port = config.switch_trunk_port;
  p.bridge = config.switch_bridge;
  p.quarantine_vlan = config.switch_quarantine_vlan;
  std::set<std::string> wanted(names.begin(), names.end());
  for (const std::string& n : wanted)
    if (!state.find(n)) return make_error(Errc::not_found, "no BMC named " + quote_for_message(n) + " is enrolled");
  for (const auto& [name, e] : state.enrollments) {
    if (!e.switch_port.empty()) p.all_access_ports.push_back(e.switch_port);
    p.used_vlans.insert(e.vlan);
    if (wanted.empty() || wanted.count(name)) p.vlans.push_back(SwitchVlan{e.vlan, e.name, e.switch_port});
  }
  for (const auto& [port, r] : state.released_ports) {
    p.released.push_back(r);
    p.all_access_ports.push_back(port);
  }
  std::sort(p.vlans.begin(), p.vlans.end(), [](const SwitchVlan& a, const SwitchVlan& b) { return a.vid < b.vid; });
  std::sort(p.all_access_ports.begin(), p.all_access_ports.end());
  if (p.quarantine_vlan && vlan_in_use(p, p.quarantine_vlan))
    return make_error(Errc::invalid_argument, "switch_quarantine_vlan " + std::to_string(p.quarantine_vlan) +
                                                  " is a BMC's VLAN: choose an unused one");
  return p;
}

Result<std::string> render_switch_config(const SwitchPlan& plan) {
  for (const SwitchRenderer& r : kRenderers)
    if (r.vendor == plan.vendor) return r.render(plan);
  // Only a SwitchVendor made by a cast from a number gets here.
  return make_error(Errc::invalid_argument,
                    "switch vendor " + std::to_string(static_cast<int>(plan.vendor)) + " is not known");
}

}  // namespace ij
