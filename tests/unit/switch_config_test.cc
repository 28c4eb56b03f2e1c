// Golden tests: the exact text per vendor for two BMCs, one revoked port.
#include "daemon/render/switch_config.h"

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

std::string render(const std::string& vendor, unsigned quarantine = 0, std::vector<std::string> names = {}) {
  auto plan = make_switch_plan(switch_config(quarantine), sample_state(), vendor, names);
  EXPECT_TRUE(plan.ok()) << plan.error().message;
  auto text = render_switch_config(*plan);
  EXPECT_TRUE(text.ok());
  return text.ok() ? *text : "";
}

TEST(SwitchConfig, Procurve) {
  EXPECT_EQ(render("procurve"),
            "; ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (procurve)\n"
            "; The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "; its own VLAN and in no other.\n"
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
            "; port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "interface 9\n"
            "   disable\n"
            "   exit\n"
            "no vlan 103\n");
}

TEST(SwitchConfig, ProcurveQuarantine) {
  std::string text = render("procurve", 999);
  EXPECT_NE(text.find("vlan 999\n   untagged 9\n   exit\nno vlan 103\n"), std::string::npos) << text;
}

TEST(SwitchConfig, Aoscx) {
  EXPECT_EQ(render("aoscx"),
            "! ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (aoscx)\n"
            "! The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "! its own VLAN and in no other.\n"
            "vlan 101\n    name ipmi-web01\n"
            "vlan 102\n    name ipmi-db01\n"
            "interface 7\n    description ipmi web01\n    no shutdown\n    no routing\n    vlan access 101\n"
            "interface 8\n    description ipmi db01\n    no shutdown\n    no routing\n    vlan access 102\n"
            "interface 24\n    description ipmi-jumphost trunk\n    no shutdown\n    no routing\n"
            "    vlan trunk allowed 101,102\n"
            "! port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "interface 9\n    shutdown\n    no vlan access\n"
            "no vlan 103\n");
}

TEST(SwitchConfig, Ios) {
  EXPECT_EQ(render("ios"),
            "! ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (ios)\n"
            "! The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "! its own VLAN and in no other.\n"
            "vlan 101\n name ipmi-web01\n!\n"
            "vlan 102\n name ipmi-db01\n!\n"
            "interface 7\n description ipmi web01\n switchport mode access\n switchport access vlan 101\n"
            " switchport nonegotiate\n no shutdown\n!\n"
            "interface 8\n description ipmi db01\n switchport mode access\n switchport access vlan 102\n"
            " switchport nonegotiate\n no shutdown\n!\n"
            "interface 24\n description ipmi-jumphost trunk\n switchport mode trunk\n"
            " switchport trunk allowed vlan 101,102\n switchport nonegotiate\n no shutdown\n!\n"
            "! port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "interface 9\n shutdown\n no switchport access vlan\n!\n"
            "no vlan 103\n");
}

TEST(SwitchConfig, Junos) {
  const std::string u = " unit 0 family ethernet-switching ";
  EXPECT_EQ(render("junos"),
            "# ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (junos)\n"
            "# The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "# its own VLAN and in no other.\n"
            "set vlans ipmi-web01 vlan-id 101\n"
            "set vlans ipmi-db01 vlan-id 102\n"
            "set interfaces 7 description \"ipmi web01\"\n"
            "set interfaces 7" + u + "interface-mode access\n"
            "set interfaces 7" + u + "vlan members ipmi-web01\n"
            "set interfaces 8 description \"ipmi db01\"\n"
            "set interfaces 8" + u + "interface-mode access\n"
            "set interfaces 8" + u + "vlan members ipmi-db01\n"
            "set interfaces 24 description \"ipmi-jumphost trunk\"\n"
            "set interfaces 24" + u + "interface-mode trunk\n"
            "set interfaces 24" + u + "vlan members [ ipmi-web01 ipmi-db01 ]\n"
            "# port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "delete interfaces 9 unit 0 family ethernet-switching vlan members\n"
            "set interfaces 9 disable\n"
            "delete vlans ipmi-old01\n");
}

TEST(SwitchConfig, Linux) {
  EXPECT_EQ(render("linux"),
            "# ipmi-jumphost: switch configuration for 2 BMC VLAN(s) (linux)\n"
            "# The jumphost's port 24 is tagged in every BMC VLAN; each BMC's port is untagged in\n"
            "# its own VLAN and in no other.\n"
            "ip link set dev br0 type bridge vlan_filtering 1\n"
            "bridge vlan del dev br0 vid 1 self\n"
            "bridge vlan del dev 24 vid 1\n"
            "bridge vlan del dev 7 vid 1\n"
            "bridge vlan add dev 7 vid 101 pvid untagged\n"
            "bridge vlan add dev 24 vid 101\n"
            "bridge vlan del dev 8 vid 1\n"
            "bridge vlan add dev 8 vid 102 pvid untagged\n"
            "bridge vlan add dev 24 vid 102\n"
            "# port 9 served BMC old01 (VLAN 103), revoked 2026-11-20T10:00:00Z\n"
            "bridge vlan del dev 9 vid 103\n"
            "ip link set dev 9 down\n"
            "bridge vlan del dev 24 vid 103\n");
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
  EXPECT_EQ(make_switch_plan(c, sample_state(), "nortel", {}).error().message,
            "switch vendor 'nortel' is not one of procurve, aoscx, ios, junos, linux");
  EXPECT_EQ(make_switch_plan(c, sample_state(), "", {"nope"}).error().message, "no BMC named nope is enrolled");
  c.switch_trunk_port.clear();
  EXPECT_EQ(make_switch_plan(c, sample_state(), "", {}).error().message,
            "the jumphost's switch port is not configured: set switch_trunk_port in the configuration");
  EXPECT_EQ(make_switch_plan(switch_config(102), sample_state(), "", {}).error().message,
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

}  // namespace
}  // namespace ij
