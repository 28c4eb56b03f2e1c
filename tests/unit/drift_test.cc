// The doctor and the reconcile read one list of checks (daemon/core/drift.h):
// each kind of drift planted here is reported by the doctor exactly as the
// reconcile then repairs it, and afterwards the doctor finds nothing.
#include <gtest/gtest.h>

#include <functional>

#include "daemon/core/drift.h"
#include "daemon/host/hardening.h"
#include "tests/fakes/fake_host.h"
#include "tests/fakes/test_jumphost.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

class DriftTest : public ::testing::Test {
 protected:
  DriftTest() : jh(testing::test_config(), State{}, host.host()) {
    host.files.files["/proc/sys/net/ipv4/ip_forward"] = "0\n";
    EXPECT_EQ(jh.reconcile(), 0);
    for (auto [name, vlan, owner] : {std::tuple{"web01", 101, "alice"}, std::tuple{"db01", 102, "bob"}}) {
      EnrollRequest r;
      r.name = name;
      r.vlan = vlan;
      r.owner = owner;
      r.keys = {KeySource{"k.pub", vlan == 101 ? testing::kAliceKey : testing::kBobKey}};
      EXPECT_TRUE(jh.enroll(r, "root").ok());
    }
    clean = snapshot();
  }

  // The doctor's problems.
  std::vector<std::string> problems() {
    std::vector<std::string> out;
    for (const bus::Finding& f : jh.doctor())
      if (!f.ok) out.push_back(f.what);
    return out;
  }
  // The failed checks' subjects, as the reconcile names what it repairs.
  std::vector<std::string> failed_subjects() {
    auto uids = host.users.lookup_many(jh.state().tenant_names());
    std::vector<std::string> out;
    for (const Check& c : find_drift(jh.world.config, desired_host(jh.world.config, jh.state(), *uids, trunks_with_address(jh.world.config, jh.world.host)), jh.world.host))
      if (!c.ok) out.push_back(c.subject);
    return out;
  }
  std::string snapshot() {
    std::string out;
    for (const auto& [name, l] : host.links.links) {
      out += "link " + name + (l.up ? " up" : " down");
      for (const Ipv4Cidr& a : l.addresses) out += " " + a.str();
      out += "\n";
    }
    for (const auto& [name, uid] : host.users.users) out += "user " + name + "\n";
    for (const auto& [path, content] : host.files.files) out += "file " + path + "\n" + content + "\n";
    return out;
  }

  // Plants a drift; the doctor must report exactly `expected`, the reconcile
  // must repair exactly the checks behind them, and then all is clean.
  void expect_repaired(const std::string& kind, const std::function<void()>& plant,
                       const std::vector<std::string>& expected, const std::vector<std::string>& subjects) {
    SCOPED_TRACE(kind);
    plant();
    EXPECT_EQ(problems(), expected);
    EXPECT_EQ(failed_subjects(), subjects);
    ReconcileReport report = reconcile(jh.world);
    EXPECT_EQ(report.repaired, subjects);
    EXPECT_TRUE(report.failed.empty());
    EXPECT_EQ(problems(), std::vector<std::string>{});
    // Users come back with new uids; everything else as it was.
    if (kind != "user") {
      EXPECT_EQ(snapshot(), clean);
    }
  }

  testing::FakeHost host;
  testing::TestJumphost jh;
  std::string clean;
};

TEST_F(DriftTest, CleanAfterEnroll) {
  EXPECT_EQ(problems(), std::vector<std::string>{});
  EXPECT_TRUE(reconcile(jh.world).repaired.empty());
}

TEST_F(DriftTest, EveryRepairableKindIsReportedThenRepaired) {
  const std::string keys = "/etc/ipmi-jumphost/keys/";
  const std::string dropin = "/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf";
  expect_repaired("firewall", [&] { host.firewall.live.clear(); },
                  {"the firewall table inet ipmi_jumphost is missing or was changed"}, {"inet ipmi_jumphost"});
  expect_repaired("link missing", [&] { ASSERT_TRUE(host.links.remove("eth1.101").ok()); },
                  {"VLAN link eth1.101 of BMC web01 is missing"}, {"eth1.101"});
  expect_repaired("link down", [&] { host.links.links["eth1.102"].up = false; },
                  {"VLAN link eth1.102 is down or lacks 10.254.0.5/30"}, {"eth1.102"});
  expect_repaired("link address", [&] { host.links.links["eth1.102"].addresses.clear(); },
                  {"VLAN link eth1.102 is down or lacks 10.254.0.5/30"}, {"eth1.102"});
  expect_repaired("hardening",
                  [&] {
                    host.files.files["/proc/sys/net/ipv4/conf/eth1.101/rp_filter"] = "0\n";
                    host.files.files["/proc/sys/net/ipv4/conf/eth1.101/arp_ignore"] = "0\n";
                  },
                  {"/proc/sys/net/ipv4/conf/eth1.101/rp_filter is 0, not 1; "
                   "/proc/sys/net/ipv4/conf/eth1.101/arp_ignore is 0, not 1"},
                  {"eth1.101"});
  expect_repaired("trunk", [&] { host.files.files["/proc/sys/net/ipv4/conf/eth1/arp_ignore"] = "0\n"; },
                  {"/proc/sys/net/ipv4/conf/eth1/arp_ignore is 0, not 1"}, {"eth1"});
  expect_repaired("hosts", [&] { host.files.files["/etc/hosts"] = "127.0.0.1\tlocalhost\n"; },
                  {"hosts file /etc/hosts was changed"}, {"/etc/hosts"});
  expect_repaired("keys edited", [&] { host.files.files[keys + "alice"] += "ssh-ed25519 AAAA intruder\n"; },
                  {"keys file " + keys + "alice was changed"}, {keys + "alice"});
  // The first versions wrote keys files 0644: an upgrade narrows them.
  expect_repaired("keys mode", [&] { host.files.modes[keys + "alice"] = Files::Access{0644, "root"}; },
                  {"keys file " + keys + "alice has mode 0644 and group root, not 0640 and group ipmi-tenants"},
                  {keys + "alice"});
  EXPECT_EQ(host.files.modes[keys + "alice"], (Files::Access{0640, "ipmi-tenants"}));
  expect_repaired("keys missing", [&] { host.files.files.erase(keys + "bob"); },
                  {"keys file " + keys + "bob is missing"}, {keys + "bob"});
  expect_repaired("drop-in edited", [&] { host.files.files[dropin] += "\tAllowTcpForwarding yes\n"; },
                  {"sshd drop-in " + dropin + " was changed"}, {dropin});
  expect_repaired("stray keys", [&] { host.files.files[keys + "mallory"] = "ssh-ed25519 AAAA\n"; },
                  {keys + "mallory belongs to no tenant"}, {keys + "mallory"});
  expect_repaired("legacy drop-in",
                  [&] { host.files.files["/etc/ssh/sshd_config.d/ipmi-jumphost-alice.conf"] = "Match User alice\n"; },
                  {"/etc/ssh/sshd_config.d/ipmi-jumphost-alice.conf belongs to no tenant"},
                  {"/etc/ssh/sshd_config.d/ipmi-jumphost-alice.conf"});
  // A recreated user has a new uid: the firewall follows it in the same repair.
  expect_repaired("user", [&] { ASSERT_TRUE(host.users.remove("bob").ok()); },
                  {"tenant user bob is missing", "the firewall table inet ipmi_jumphost is missing or was changed"},
                  {"bob", "inet ipmi_jumphost"});
  const std::string uid = std::to_string(host.users.users.at("bob"));
  EXPECT_NE(host.firewall.live.find(uid + " . 10.254.0.6 . 22"), std::string::npos) << host.firewall.live;
  // Files of the operator's in the same directories are not ours.
  host.files.files["/etc/ssh/sshd_config.d/50-site.conf"] = "PermitRootLogin no\n";
  EXPECT_EQ(problems(), std::vector<std::string>{});
}

TEST_F(DriftTest, TheDropinGoesWithTheLastTenant) {
  ASSERT_TRUE(jh.revoke("web01", "root").ok());
  ASSERT_TRUE(jh.revoke("db01", "root").ok());
  clean = snapshot();
  const std::string dropin = "/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf";
  expect_repaired("drop-in without tenants", [&] { host.files.files[dropin] = "Match Group ipmi-tenants\n"; },
                  {"sshd drop-in " + dropin + " belongs to no tenant"}, {dropin});
}

// The drop-in of the previous layout sorted after most site drop-ins: a
// restart writes the new one (checked with sshd -t first), removes the old
// one and reloads sshd once; nothing by hand.
TEST_F(DriftTest, AnUpgradeMovesTheDropinToItsNewName) {
  const std::string dropin = "/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf";
  const std::string old = "/etc/ssh/sshd_config.d/ipmi-jumphost.conf";
  host.files.files[old] = host.files.files.at(dropin);
  host.files.files.erase(dropin);
  const int checks = host.sshd.checks, reloads = host.sshd.reloads;
  expect_repaired("previous name", [] {}, {"sshd drop-in " + dropin + " is missing", old + " belongs to no tenant"},
                  {dropin, old});
  EXPECT_EQ(host.sshd.checks, checks + 1);
  EXPECT_EQ(host.sshd.reloads, reloads + 1);
}

TEST_F(DriftTest, WhatOnlyTheOperatorCanFixIsReportedNotTouched) {
  host.links.links.erase("eth1.102");
  host.links.links["eth1.102"] = LinkInfo{false, 0, "", true, {}};  // someone else's link of that name
  host.files.files["/etc/hosts"] += "# END ipmi-jumphost\n";          // a stray marker
  EXPECT_EQ(problems(), (std::vector<std::string>{"link eth1.102 is not VLAN 102 on eth1",
                                                  "/etc/hosts:6: an ipmi-jumphost END marker without its BEGIN; fix by hand"}));
  const std::string before = snapshot();
  ReconcileReport report = reconcile(jh.world);
  EXPECT_TRUE(report.repaired.empty());
  EXPECT_EQ(report.failed, (std::vector<std::string>{"eth1.102", "/etc/hosts"}));
  EXPECT_EQ(snapshot(), before);
}

// The trunk is closed to untagged traffic unless the operator says it is in
// use untagged, or it carries an address (closing it would cut that): both
// are reported, and then the firewall leaves the trunk open.
TEST_F(DriftTest, AnOpenTrunkIsReported) {
  EXPECT_NE(host.firewall.live.find("set closed_trunks {\n\t\ttype ifname\n\t\telements = { \"eth1\" }"),
            std::string::npos);
  host.links.links["eth1"].addresses = {parse_ipv4_cidr("10.9.0.1/24").value()};
  EXPECT_EQ(problems(), (std::vector<std::string>{
                            "the firewall table inet ipmi_jumphost is missing or was changed",
                            "the trunk eth1 has an address of the host, so it is left open to untagged traffic although "
                            "trunk_untagged = drop"}));
  ReconcileReport report = reconcile(jh.world);
  EXPECT_EQ(report.repaired, std::vector<std::string>{"inet ipmi_jumphost"});
  EXPECT_EQ(report.failed, std::vector<std::string>{"eth1"});
  EXPECT_NE(host.firewall.live.find("set closed_trunks {\n\t\ttype ifname\n\t}"), std::string::npos);

  host.links.links["eth1"].addresses.clear();
  jh.world.config.trunk_untagged_allowed = true;
  jh.world.config.origins["trunk_untagged"] = "/etc/ipmi-jumphost/jumphost.conf:3";
  EXPECT_EQ(problems(), std::vector<std::string>{
                            "the trunk eth1 takes untagged traffic (trunk_untagged at "
                            "/etc/ipmi-jumphost/jumphost.conf:3 = allow): a host on the switch's native VLAN reaches "
                            "the jumphost there"});
}

TEST_F(DriftTest, TheDropinIsCheckedBeforeItIsWritten) {
  const std::string dropin = "/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf";
  host.files.files[dropin] = "edited\n";
  host.sshd.reject = true;
  ReconcileReport report = reconcile(jh.world);
  EXPECT_EQ(report.failed, std::vector<std::string>{dropin});
  EXPECT_EQ(host.files.files[dropin], "edited\n");
}

}  // namespace
}  // namespace ij

namespace ij {
namespace {

// sshd runs the wrapper for every tenant, as them: only root may change it.
TEST(Wrapper, OnlyRootMayChangeIt) {
  testing::FakeHost host;
  const std::string w = "/usr/bin/ipmi-wrapper";
  EXPECT_TRUE(check_wrapper(host.files, w).ok());
  host.files.modes[w] = Files::Access{0757, "root", 0, false};
  EXPECT_EQ(check_wrapper(host.files, w).error().message, "wrapper: /usr/bin/ipmi-wrapper is writable by others than root");
  host.files.modes[w] = Files::Access{0755, "root", 1000, false};
  EXPECT_EQ(check_wrapper(host.files, w).error().message, "wrapper: /usr/bin/ipmi-wrapper is not owned by root");
  host.files.modes[w] = Files::Access{0750, "root", 0, false};
  EXPECT_EQ(check_wrapper(host.files, w).error().message, "wrapper: /usr/bin/ipmi-wrapper is not executable by tenants");
  EXPECT_EQ(check_wrapper(host.files, "/usr/local/bin/ipmi-wrapper").error().message,
            "wrapper: /usr/local/bin/ipmi-wrapper does not exist");
  EXPECT_EQ(check_wrapper(host.files, "ipmi-wrapper").error().message, "wrapper: 'ipmi-wrapper' is not an absolute path");
  // Its directory counts too: whoever may write there may replace it.
  host.files.modes[w] = Files::Access{0755, "root", 0, false};
  host.files.dirs.erase("/usr/bin");
  host.files.files["/usr/bin"] = "";
  host.files.modes["/usr/bin"] = Files::Access{0777, "root", 0, true};
  EXPECT_EQ(check_wrapper(host.files, w).error().message, "wrapper: /usr/bin is writable by others than root");
}

TEST(Wrapper, BesideTheDaemon) {
  EXPECT_EQ(wrapper_beside("/usr/sbin/ipmi-jumphostd"), "/usr/bin/ipmi-wrapper");
  EXPECT_EQ(wrapper_beside("/opt/ij/sbin/ipmi-jumphostd"), "/opt/ij/bin/ipmi-wrapper");
}

}  // namespace
}  // namespace ij
