// Golden tests: the exact text per vendor for two BMCs, one revoked port.
#include "daemon/render/switch_config.h"

#include <map>

#include <gtest/gtest.h>

#include "daemon/model/ipv4.h"
#include "tests/fakes/fake_host.h"
#include "tests/fakes/test_jumphost.h"

namespace ij {
namespace {

State sample_state() {
  State s;
  auto add = [&](const char* name, unsigned vlan, const char* port) {
    Enrollment e;
    e.name = name;
    e.vlan = vlan;
    e.owner = "alice";
    e.link = "eth1." + std::to_string(vlan);
    e.switch_port = port;
    s.enrollments[name] = e;
  };
  add("web01", 101, "7");
  add("db01", 102, "8");
  s.released_ports["9"] = ReleasedPort{"9", 103, "old01", "2026-11-20T10:00:00Z"};
  return s;
}

Config switch_config(unsigned quarantine = 0) {
  Config c = testing::test_config();
  c.switch_trunk_port = "24";
  c.switch_quarantine_vlan = quarantine;
  c.switch_bridge = "br0";
  return c;
}

std::string render_with(const Config& config, const State& state, const std::string& vendor,
                        std::vector<std::string> names = {}) {
  auto plan = make_switch_plan(config, state, vendor, names, config.trunk);
  EXPECT_TRUE(plan.ok()) << plan.error().message;
  if (!plan.ok()) return "";
  auto text = render_switch_config(*plan);
  EXPECT_TRUE(text.ok());
  return text.ok() ? *text : "";
}

std::string render(const std::string& vendor, unsigned quarantine = 0, std::vector<std::string> names = {}) {
  return render_with(switch_config(quarantine), sample_state(), vendor, names);
}

TEST(SwitchConfig, Procurve) {
  EXPECT_EQ(render("procurve"),
            "; ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (procurve)\n"
            "; The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "; its own VLAN and in no other. Nothing reaches port 24 untagged, and no revoked\n"
            "; BMC's port is left in its VLAN or returned to VLAN 1.\n"
            "vlan 101\n"
            "   name \"ipmi-web01\"\n"
            "   untagged 7\n"
            "   tagged 24\n"
            "   forbid 8,9\n"
            "   exit\n"
            "vlan 102\n"
            "   name \"ipmi-db01\"\n"
            "   untagged 8\n"
            "   tagged 24\n"
            "   forbid 7,9\n"
            "   exit\n"
            "; port 24 is untagged in no VLAN: the switch drops what arrives on it untagged\n"
            "vlan 1\n"
            "   no untagged 24\n"
            "   exit\n"
            "interface 24\n"
            "   enable\n"
            "   exit\n"
            "; port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "interface 9\n"
            "   disable\n"
            "   exit\n"
            "vlan 1001\n"
            "   name \"ipmi-parking\"\n"
            "   untagged 9\n"
            "   exit\n"
            "no vlan 103\n");
}

TEST(SwitchConfig, ProcurveQuarantine) {
  std::string text = render("procurve", 999);
  EXPECT_NE(text.find("vlan 999\n   untagged 9\n   exit\nno vlan 103\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("1001"), std::string::npos) << text;  // the quarantine VLAN replaces the parking VLAN
}

// A released port whose VLAN another BMC still uses is forbidden there, after
// it has moved untagged elsewhere: "no untagged" alone would drop it into
// DEFAULT_VLAN.
TEST(SwitchConfig, ProcurveReleasedPortOfAVlanStillInUse) {
  State s = sample_state();
  s.released_ports["9"].vlan = 102;
  std::string text = render_with(switch_config(), s, "procurve");
  EXPECT_NE(text.find("   untagged 9\n   exit\nvlan 102\n   forbid 9\n   exit\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("no untagged 9"), std::string::npos) << text;
  EXPECT_EQ(text.find("no vlan 102"), std::string::npos) << text;
}

// A port must be in some VLAN: with no BMC VLAN to be tagged in, the trunk
// cannot leave DEFAULT_VLAN, so it is disabled instead.
TEST(SwitchConfig, ProcurveWithoutBmcVlansDisablesTheTrunk) {
  State s = sample_state();
  s.enrollments.clear();
  std::string text = render_with(switch_config(), s, "procurve");
  EXPECT_NE(text.find("; so it is disabled until one does\ninterface 24\n   disable\n   exit\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("no untagged 24"), std::string::npos) << text;
}

TEST(SwitchConfig, Aoscx) {
  EXPECT_EQ(render("aoscx"),
            "! ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (aoscx)\n"
            "! The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "! its own VLAN and in no other. Nothing reaches port 24 untagged, and no revoked\n"
            "! BMC's port is left in its VLAN or returned to VLAN 1.\n"
            "vlan 101\n    name ipmi-web01\n"
            "vlan 102\n    name ipmi-db01\n"
            "vlan 1001\n    name ipmi-parking\n"
            "interface 7\n    description ipmi web01\n    no shutdown\n    no routing\n    vlan access 101\n"
            "interface 8\n    description ipmi db01\n    no shutdown\n    no routing\n    vlan access 102\n"
            "! port 24's native VLAN 1001 is tagged and not allowed on it: the switch drops what arrives untagged\n"
            "interface 24\n    description ipmi-jumphost trunk\n    no shutdown\n    no routing\n"
            "    vlan trunk native 1001 tag\n"
            "    vlan trunk allowed 101,102\n"
            "! port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "interface 9\n    shutdown\n    vlan access 1001\n"
            "no vlan 103\n");
}

TEST(SwitchConfig, Ios) {
  EXPECT_EQ(render("ios"),
            "! ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (ios)\n"
            "! The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "! its own VLAN and in no other. Nothing reaches port 24 untagged, and no revoked\n"
            "! BMC's port is left in its VLAN or returned to VLAN 1.\n"
            "vlan 101\n name ipmi-web01\n!\n"
            "vlan 102\n name ipmi-db01\n!\n"
            "vlan 1001\n name ipmi-parking\n!\n"
            "interface 7\n description ipmi web01\n switchport mode access\n switchport access vlan 101\n"
            " switchport nonegotiate\n no shutdown\n!\n"
            "interface 8\n description ipmi db01\n switchport mode access\n switchport access vlan 102\n"
            " switchport nonegotiate\n no shutdown\n!\n"
            "! port 24's native VLAN 1001 is not allowed on it: what arrives untagged is dropped\n"
            "interface 24\n description ipmi-jumphost trunk\n switchport mode trunk\n"
            " switchport trunk native vlan 1001\n"
            " switchport trunk allowed vlan 101,102\n switchport nonegotiate\n no shutdown\n!\n"
            "! port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "interface 9\n shutdown\n switchport access vlan 1001\n!\n"
            "no vlan 103\n");
}

// "switchport trunk allowed vlan" replaces the list: naming some BMCs must
// not take the others' VLANs off the trunk.
TEST(SwitchConfig, IosTrunkKeepsEveryBmcVlanWhenNamesAreGiven) {
  std::string text = render("ios", 0, {"db01"});
  EXPECT_EQ(text.find("vlan 101\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" switchport trunk allowed vlan 101,102\n"), std::string::npos) << text;
}

TEST(SwitchConfig, Junos) {
  const std::string u = " unit 0 family ethernet-switching ";
  EXPECT_EQ(render("junos"),
            "# ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (junos)\n"
            "# The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "# its own VLAN and in no other. Nothing reaches port 24 untagged, and no revoked\n"
            "# BMC's port is left in its VLAN or returned to VLAN 1.\n"
            "set vlans ipmi-web01 vlan-id 101\n"
            "set vlans ipmi-db01 vlan-id 102\n"
            "set vlans ipmi-parking vlan-id 1001\n"
            "set interfaces 7 description \"ipmi web01\"\n"
            "set interfaces 7" + u + "interface-mode access\n"
            "set interfaces 7" + u + "vlan members ipmi-web01\n"
            "set interfaces 8 description \"ipmi db01\"\n"
            "set interfaces 8" + u + "interface-mode access\n"
            "set interfaces 8" + u + "vlan members ipmi-db01\n"
            "set interfaces 24 description \"ipmi-jumphost trunk\"\n"
            "# port 24 has no native-vlan-id: the switch discards what arrives on it untagged\n"
            "delete interfaces 24 native-vlan-id\n"
            "set interfaces 24" + u + "interface-mode trunk\n"
            "set interfaces 24" + u + "vlan members [ ipmi-web01 ipmi-db01 ]\n"
            "# port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "delete interfaces 9 unit 0 family ethernet-switching vlan members\n"
            "set interfaces 9" + u + "vlan members ipmi-parking\n"
            "set interfaces 9 disable\n"
            "delete interfaces 24" + u + "vlan members ipmi-old01\n"
            "delete vlans ipmi-old01\n");
}

TEST(SwitchConfig, Linux) {
  EXPECT_EQ(render("linux"),
            "# ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (linux)\n"
            "# The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "# its own VLAN and in no other. Nothing reaches port 24 untagged, and no revoked\n"
            "# BMC's port is left in its VLAN or returned to VLAN 1.\n"
            "ip link set dev br0 type bridge vlan_filtering 1\n"
            "bridge vlan del dev br0 vid 1 self\n"
            "# port 24 has no PVID and no untagged VLAN: the bridge drops what arrives on it untagged\n"
            "bridge vlan del dev 24 vid 1\n"
            "bridge vlan del dev 7 vid 1\n"
            "bridge vlan add dev 7 vid 101 pvid untagged\n"
            "bridge vlan add dev 24 vid 101\n"
            "bridge vlan del dev 8 vid 1\n"
            "bridge vlan add dev 8 vid 102 pvid untagged\n"
            "bridge vlan add dev 24 vid 102\n"
            "# port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "bridge vlan del dev 9 vid 103\n"
            "bridge vlan del dev 9 vid 1\n"
            "ip link set dev 9 down\n"
            "bridge vlan del dev 24 vid 103\n");
}

// What each dialect must say so that the jumphost's port takes nothing
// untagged (it is out of the default VLAN, or its native VLAN is unused,
// tagged and not allowed), and what would leave it untagged somewhere. A
// dialect added to kSwitchVendors without a row here fails.
struct DialectRule {
  std::vector<std::string> present;
  std::vector<std::string> absent;
};

TEST(SwitchConfig, EveryDialectTakesTheTrunkOutOfTheDefaultVlan) {
  const std::map<std::string, DialectRule> rules = {
      {"procurve", {{"vlan 1\n   no untagged 24\n   exit\n"}, {"   untagged 24\n", "untagged 24,"}}},
      {"aoscx",
       {{"    vlan trunk native 1001 tag\n    vlan trunk allowed 101,102\n"}, {"native 1\n", "allowed 1001", ",1001"}}},
      {"ios",
       {{" switchport trunk native vlan 1001\n switchport trunk allowed vlan 101,102\n"},
        {"native vlan 1\n", "allowed vlan 1001", ",1001"}}},
      {"junos", {{"delete interfaces 24 native-vlan-id\n"}, {"set interfaces 24 native-vlan-id", "members default"}}},
      {"linux", {{"bridge vlan del dev 24 vid 1\n"}, {"dev 24 vid 1 ", "dev 24 vid 101 ", "dev 24 vid 102 "}}},
  };
  for (const SwitchVendorName& v : kSwitchVendors) {
    const std::string name(v.name);
    ASSERT_EQ(rules.count(name), 1u) << name << " has no rule for its trunk";
    const std::string text = render(name);
    for (const std::string& s : rules.at(name).present) EXPECT_NE(text.find(s), std::string::npos) << name << ": " << s;
    for (const std::string& s : rules.at(name).absent) EXPECT_EQ(text.find(s), std::string::npos) << name << ": " << s;
  }
  // ProCurve refuses to take a port out of its last VLAN: the trunk leaves
  // VLAN 1 only after it is tagged in the BMC VLANs.
  const std::string procurve = render("procurve");
  EXPECT_GT(procurve.find("vlan 1\n   no untagged 24"), procurve.rfind("   tagged 24\n"));
}

// A released port goes to the parking VLAN, disabled (or to the quarantine
// VLAN), in every dialect; nothing puts it back into VLAN 1 (the commands
// that would: "no untagged" on ProCurve, "no vlan access" on AOS-CX, "no
// switchport access vlan" on IOS, no vlan members on Junos, VID 1 kept on a
// Linux bridge).
TEST(SwitchConfig, ReleasedPortsNeverLandInVlan1) {
  const std::string junos_members = "delete interfaces 9 unit 0 family ethernet-switching vlan members\n"
                                    "set interfaces 9 unit 0 family ethernet-switching vlan members ";
  const std::map<std::string, DialectRule> parked = {
      {"procurve", {{"interface 9\n   disable\n   exit\nvlan 1001\n   name \"ipmi-parking\"\n   untagged 9\n   exit\n"},
                    {"no untagged 9"}}},
      {"aoscx", {{"interface 9\n    shutdown\n    vlan access 1001\n"}, {"no vlan access", "vlan access 1\n"}}},
      {"ios", {{"interface 9\n shutdown\n switchport access vlan 1001\n"},
               {"no switchport access vlan", "switchport access vlan 1\n"}}},
      {"junos", {{junos_members + "ipmi-parking\nset interfaces 9 disable\n"}, {"members default"}}},
      {"linux", {{"bridge vlan del dev 9 vid 1\nip link set dev 9 down\n"}, {"add dev 9 vid 1 "}}},
  };
  const std::map<std::string, DialectRule> quarantined = {
      {"procurve", {{"vlan 999\n   untagged 9\n   exit\n"}, {"no untagged 9", "1001"}}},
      {"aoscx",
       {{"interface 9\n    vlan access 999\n", "    vlan trunk native 999 tag\n"}, {"no vlan access", "1001"}}},
      {"ios", {{"interface 9\n switchport access vlan 999\n", " switchport trunk native vlan 999\n"},
               {"no switchport access vlan", "1001"}}},
      {"junos", {{junos_members + "999\n"}, {"members default", "1001"}}},
      {"linux", {{"bridge vlan del dev 9 vid 1\nbridge vlan add dev 9 vid 999 pvid untagged\n"}, {"add dev 9 vid 1 "}}},
  };
  for (const SwitchVendorName& v : kSwitchVendors) {
    const std::string name(v.name);
    ASSERT_EQ(parked.count(name), 1u) << name << " has no rule for released ports";
    ASSERT_EQ(quarantined.count(name), 1u) << name << " has no rule for quarantined ports";
    for (unsigned quarantine : {0u, 999u}) {
      const std::string text = render(name, quarantine);
      const DialectRule& rule = quarantine ? quarantined.at(name) : parked.at(name);
      for (const std::string& s : rule.present)
        EXPECT_NE(text.find(s), std::string::npos) << name << " " << quarantine << ": " << s << "\n" << text;
      for (const std::string& s : rule.absent)
        EXPECT_EQ(text.find(s), std::string::npos) << name << " " << quarantine << ": " << s << "\n" << text;
    }
  }
}

// The parking VLAN must carry nothing: a BMC that has it is refused, by the
// dialects that use it, until switch_quarantine_vlan takes its place.
// Junos names VLANs ipmi-NAME: a released port's VLAN is deleted only
// while no BMC of that name is enrolled again (on another VID).
TEST(SwitchConfig, JunosKeepsTheVlanOfANameEnrolledAgain) {
  State s = sample_state();
  s.released_ports["9"].bmc = "web01";  // web01 once had VLAN 103 on port 9
  const std::string text = render_with(switch_config(), s, "junos");
  EXPECT_EQ(text.find("delete vlans ipmi-web01"), std::string::npos) << text;
  EXPECT_NE(render_with(switch_config(), sample_state(), "junos").find("delete vlans ipmi-old01\n"), std::string::npos);
}

TEST(SwitchConfig, ParkingVlanOfABmc) {
  State s = sample_state();
  Enrollment e = s.enrollments.at("db01");
  e.name = "app01";
  e.vlan = kSwitchParkingVlan;
  e.switch_port = "10";
  s.enrollments["app01"] = e;
  for (const char* vendor : {"procurve", "aoscx", "ios", "junos"})
    EXPECT_EQ(make_switch_plan(switch_config(), s, vendor, {}, "eth1").error().message,
              "VLAN 1001, where switch-config parks released ports, is a BMC's VLAN: "
              "set switch_quarantine_vlan to an unused VLAN")
        << vendor;
  EXPECT_TRUE(make_switch_plan(switch_config(), s, "linux", {}, "eth1").ok());  // a bridge port can be in no VLAN
  EXPECT_NE(render_with(switch_config(999), s, "ios").find(" switchport trunk native vlan 999\n"), std::string::npos);
}

// trunk_untagged = allow: the operator uses the trunk untagged, so its
// untagged (native) VLAN is left alone; released ports are parked all the same.
TEST(SwitchConfig, TrunkUntaggedAllowedLeavesTheTrunksUntaggedVlan) {
  Config c = switch_config();
  c.trunk_untagged_allowed = true;
  const std::map<std::string, std::string> gone = {
      {"procurve", "no untagged 24"},
      {"aoscx", "vlan trunk native"},
      {"ios", "switchport trunk native"},
      {"junos", "delete interfaces 24 native-vlan-id"},
      {"linux", "bridge vlan del dev 24 vid 1\n"},
  };
  for (const auto& [vendor, line] : gone) {
    const std::string text = render_with(c, sample_state(), vendor);
    EXPECT_NE(text.find("Port 24 keeps its untagged VLAN (trunk_untagged = allow), and no revoked\n"),
              std::string::npos)
        << vendor;
    EXPECT_NE(text.find("trunk_untagged = allow: port 24 keeps its "), std::string::npos) << vendor << "\n" << text;
    EXPECT_EQ(text.find(line), std::string::npos) << vendor << "\n" << text;
  }
  EXPECT_NE(render_with(c, sample_state(), "procurve").find("   name \"ipmi-parking\"\n   untagged 9\n"),
            std::string::npos);
  // The allowed list of an IOS trunk is added to, so that its native VLAN stays allowed.
  EXPECT_NE(render_with(c, sample_state(), "ios").find(" switchport trunk allowed vlan add 101,102\n"),
            std::string::npos);
}

TEST(SwitchConfig, NamedBmcsOnlyButReleasedPortsAlways) {
  std::string text = render("procurve", 0, {"db01"});
  EXPECT_EQ(text.find("vlan 101"), std::string::npos);
  EXPECT_NE(text.find("vlan 102\n"), std::string::npos);
  EXPECT_NE(text.find("forbid 7,9"), std::string::npos);  // still forbids the other BMCs' ports
  EXPECT_NE(text.find("interface 9\n   disable"), std::string::npos);
}

// Every row of the table parses, names itself and renders under its name.
TEST(SwitchConfig, VendorTable) {
  for (const SwitchVendorName& v : kSwitchVendors) {
    const std::string name(v.name);
    EXPECT_EQ(parse_switch_vendor(name).value(), v.vendor);
    EXPECT_EQ(switch_vendor_name(v.vendor), v.name);
    EXPECT_NE(render(name).find("BMC VLAN(s) (" + name + ")\n"), std::string::npos) << name;
  }
  EXPECT_EQ(parse_switch_vendor("Linux").error().message,
            "switch vendor 'Linux' is not one of procurve, aoscx, ios, junos, linux");
  EXPECT_EQ(parse_switch_vendor("ios\n").error().message,
            "switch vendor 'ios\\x0a' is not one of procurve, aoscx, ios, junos, linux");
  SwitchPlan bad;
  bad.vendor = static_cast<SwitchVendor>(99);
  EXPECT_EQ(render_switch_config(bad).error().message, "switch vendor 99 is not known");
}

TEST(SwitchConfig, Errors) {
  Config c = switch_config();
  EXPECT_EQ(make_switch_plan(c, sample_state(), "nortel", {}, "eth1").error().message,
            "switch vendor 'nortel' is not one of procurve, aoscx, ios, junos, linux");
  EXPECT_EQ(make_switch_plan(c, sample_state(), "", {"nope"}, "eth1").error().message, "no BMC named nope is enrolled");
  c.switch_trunk_port.clear();
  EXPECT_EQ(make_switch_plan(c, sample_state(), "", {}, "eth1").error().message,
            "the jumphost's switch port is not configured: set switch_trunk_port in the configuration");
  EXPECT_EQ(make_switch_plan(switch_config(102), sample_state(), "", {}, "eth1").error().message,
            "switch_quarantine_vlan 102 is a BMC's VLAN: choose an unused one");
}

TEST(SwitchConfig, RevokeReleasesThePortAndEnrollTakesItBack) {
  testing::FakeHost host;
  testing::TestJumphost jh(switch_config(), State{}, host.host());
  EnrollRequest r;
  r.name = "web01";
  r.vlan = 101;
  r.switch_port = "7";
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  r.name = "web02";
  r.vlan = 102;
  EXPECT_EQ(jh.enroll(r, "root").error().message, "enroll web02: switch port 7 is already the port of BMC web01");
  r.switch_port = "7;reload";
  EXPECT_EQ(jh.enroll(r, "root").error().message,
            "enroll web02: switch port '7;reload' may contain only letters, digits and / : . _ -");
  ASSERT_TRUE(jh.revoke("web01", "root").ok());
  ASSERT_EQ(jh.state().released_ports.count("7"), 1u);
  EXPECT_EQ(jh.state().released_ports.at("7").vlan, 101u);
  EXPECT_NE(jh.switch_config("ios", {})->find("interface 7\n shutdown"), std::string::npos);
  r.switch_port = "7";
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  EXPECT_EQ(jh.state().released_ports.count("7"), 0u);
}

// Two trunks, two switches: one configuration each, with its own vendor and
// port, its own BMCs and its own released ports.
TEST(SwitchConfig, OneConfigurationPerTrunk) {
  Config c = switch_config();
  c.trunks = {"eth1", "eth2"};
  c.switch_vendor = "ios";
  c.switch_vendors["eth2"] = "junos";
  c.switch_trunk_ports["eth2"] = "xe-0/0/1";
  State s = sample_state();
  s.enrollments["db01"].link = "eth2.102";
  s.released_ports["9"].trunk = "eth2";
  auto out = ij::switch_config(c, s, "", {});
  ASSERT_TRUE(out.ok()) << out.error().message;
  const size_t second = out->find("# ipmi-jumphost: switch configuration");
  ASSERT_NE(second, std::string::npos) << *out;
  const std::string ios = out->substr(0, second), junos = out->substr(second);
  EXPECT_NE(ios.find("! ipmi-jumphost: switch configuration for 1 BMC VLAN(s) (ios), the switch of the jumphost's trunk eth1"),
            std::string::npos) << ios;
  EXPECT_NE(ios.find("web01"), std::string::npos);
  EXPECT_EQ(ios.find("db01"), std::string::npos);
  EXPECT_EQ(ios.find("old01"), std::string::npos);
  EXPECT_NE(junos.find("(junos), the switch of the jumphost's trunk eth2"), std::string::npos) << junos;
  EXPECT_NE(junos.find("xe-0/0/1"), std::string::npos);
  EXPECT_NE(junos.find("db01"), std::string::npos);
  EXPECT_NE(junos.find("old01"), std::string::npos);
  EXPECT_EQ(junos.find("web01"), std::string::npos);
  // Named BMCs: their trunks' switches only.
  auto one = ij::switch_config(c, s, "", {"db01"});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->find("trunk eth1"), std::string::npos);
  EXPECT_NE(one->find("trunk eth2"), std::string::npos);
  // A trunk without its own port takes switch_trunk_port.
  c.switch_trunk_ports.clear();
  EXPECT_NE(ij::switch_config(c, s, "", {})->find("set interfaces 24 "), std::string::npos);
}

}  // namespace
}  // namespace ij
