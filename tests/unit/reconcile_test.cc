#include <gtest/gtest.h>

#include "tests/fakes/test_jumphost.h"
#include "tests/fakes/fake_host.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

using testing::FakeHost;

class ReconcileTest : public ::testing::Test {
 protected:
  // Enrolls two BMCs through one Jumphost, then returns a fresh one over the
  // same host and state, as a restarted daemon would be.
  ReconcileTest() {
    testing::TestJumphost first(testing::test_config(), State{}, host.host());
    for (auto [name, vlan] : {std::pair{"web01", 101}, std::pair{"db01", 102}}) {
      EnrollRequest r;
      r.name = name;
      r.vlan = vlan;
      r.owner = "alice";
      if (vlan == 101) r.keys = {KeySource{"a.pub", testing::kAliceKey}};
      EXPECT_TRUE(first.enroll(r, "root").ok());
    }
    state = first.state();
    files_after_enroll = host.files.files;
  }
  testing::TestJumphost restarted() { return testing::TestJumphost(testing::test_config(), state, host.host()); }

  FakeHost host;
  State state;
  std::map<std::string, std::string> files_after_enroll;
};

TEST_F(ReconcileTest, NothingToDoWhenHostAgrees) {
  int reloads = host.sshd.reloads;
  EXPECT_EQ(restarted().reconcile(), 0);
  EXPECT_EQ(host.files.files, files_after_enroll);
  EXPECT_EQ(host.sshd.reloads, reloads);
}

TEST_F(ReconcileTest, RecreatesLinksAfterReboot) {
  host.links.links.erase("eth1.101");
  host.links.links.erase("eth1.102");
  EXPECT_EQ(restarted().reconcile(), 0);
  ASSERT_TRUE(host.links.links.count("eth1.101"));
  EXPECT_EQ(host.links.links["eth1.102"].vlan_id, 102u);
}

TEST_F(ReconcileTest, RepairsDriftInOwnedFilesAndRemovesStrays) {
  host.files.files["/etc/ipmi-jumphost/keys/alice"] += "ssh-ed25519 AAAA... intruder\n";
  host.files.files.erase("/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf");
  host.files.files["/etc/hosts"] = "127.0.0.1\tlocalhost\n";
  // A per-tenant drop-in of the first layout: removed on upgrade.
  host.files.files["/etc/ssh/sshd_config.d/ipmi-jumphost-alice.conf"] = "Match User alice\n";
  host.files.files["/etc/ipmi-jumphost/keys/mallory"] = "ssh-ed25519 AAAA\n";
  host.files.files["/etc/ssh/sshd_config.d/50-operator.conf"] = "PermitRootLogin no\n";
  host.users.users.erase("alice");
  int reloads = host.sshd.reloads;
  EXPECT_EQ(restarted().reconcile(), 0);
  auto expected = files_after_enroll;
  expected["/etc/ssh/sshd_config.d/50-operator.conf"] = "PermitRootLogin no\n";  // not ours: kept
  EXPECT_EQ(host.files.files, expected);
  ASSERT_TRUE(host.users.users.count("alice"));
  EXPECT_EQ(host.sshd.reloads, reloads + 1);
  // alice was recreated with a new uid: the firewall's rules follow it.
  const std::string uid = std::to_string(host.users.users["alice"]);
  EXPECT_NE(host.firewall.live.find("elements = { " + uid + " }"), std::string::npos) << host.firewall.live;
  EXPECT_NE(host.firewall.live.find(uid + " . 10.254.0.2 . 22"), std::string::npos);
}

// A drop-in left from tenants the state no longer has is removed and sshd
// reloaded (it reads the drop-in only when it reloads).
TEST(ReconcileEmptyStateTest, RemovesTheDropInAndReloadsSshd) {
  FakeHost host;
  host.files.files["/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"] = "Match Group ipmi-tenants\n";
  testing::TestJumphost jh(testing::test_config(), State{}, host.host());
  EXPECT_EQ(jh.reconcile(), 0);
  EXPECT_FALSE(host.files.files.count("/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"));
  EXPECT_EQ(host.sshd.reloads, 1);
}

// Whatever the number of tenants, a first start checks one drop-in with
// sshd once (the first layout ran sshd -t once per tenant).
TEST_F(ReconcileTest, OneSshdCheckForAllTenants) {
  for (const auto& [path, content] : files_after_enroll) host.files.files.erase(path);
  State many = state;
  for (int i = 0; i < 50; ++i) many.tenants["t" + std::to_string(i)] = Tenant{"t" + std::to_string(i), {}};
  host.sshd.checks = 0;
  testing::TestJumphost jh(testing::test_config(), many, host.host());
  EXPECT_EQ(jh.reconcile(), 0);
  EXPECT_EQ(host.sshd.checks, 1);
  EXPECT_TRUE(host.files.files.count("/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"));
  EXPECT_TRUE(host.files.files.count("/etc/ipmi-jumphost/keys/t49"));
}

TEST_F(ReconcileTest, ReportsWhatItCannotRepair) {
  host.links.links.erase("eth1.101");
  host.links.links["eth1.102"] = LinkInfo{false, 0, "", true, {}};  // someone else's link of that name
  host.links.no_8021q = true;
  EXPECT_EQ(restarted().reconcile(), 2);
}

}  // namespace
}  // namespace ij
