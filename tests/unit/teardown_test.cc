// The package's removal: everything the daemon made leaves the host, access
// first, the state stays, and a restarted daemon puts it all back.
#include <gtest/gtest.h>

#include "daemon/core/teardown.h"
#include "tests/fakes/fake_host.h"
#include "tests/fakes/test_jumphost.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

using testing::FakeHost;

class TeardownTest : public ::testing::Test {
 protected:
  TeardownTest() {
    host.files.files["/etc/hosts"] = "127.0.0.1\tlocalhost\n10.0.0.5\tbuild-server\n";
    hosts_before = host.files.files["/etc/hosts"];
    testing::TestJumphost first(testing::test_config(), State{}, host.host());
    for (auto [name, vlan, owner] : {std::tuple{"web01", 101, "alice"}, std::tuple{"db01", 102, "bob"}}) {
      EnrollRequest r;
      r.name = name;
      r.vlan = vlan;
      r.owner = owner;
      r.keys = {KeySource{"a.pub", testing::kAliceKey}};
      EXPECT_TRUE(first.enroll(r, "root").ok());
    }
    state = first.state();
    enrolled_files = host.files.files;
  }

  FakeHost host;
  State state;
  std::string hosts_before;
  std::map<std::string, std::string> enrolled_files;
};

TEST_F(TeardownTest, RemovesWhatTheDaemonMadeAndKeepsTheState) {
  ASSERT_TRUE(host.files.files.count("/etc/ipmi-jumphost/keys/alice"));
  ASSERT_TRUE(host.files.files.count("/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"));
  const std::string state_file = host.files.files.at(testing::test_config().state_file());
  // A file of the operator's beside ours stays.
  host.files.files["/etc/ssh/sshd_config.d/50-operator.conf"] = "PermitRootLogin no\n";
  int reloads = host.sshd.reloads;

  testing::TestJumphost jh(testing::test_config(), state, host.host());
  TeardownReport report = teardown(jh.world);

  EXPECT_TRUE(report.failed.empty()) << report.failed.front();
  EXPECT_FALSE(host.files.files.count("/etc/ipmi-jumphost/keys/alice"));
  EXPECT_FALSE(host.files.files.count("/etc/ipmi-jumphost/keys/bob"));
  EXPECT_FALSE(host.files.files.count("/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"));
  EXPECT_TRUE(host.files.files.count("/etc/ssh/sshd_config.d/50-operator.conf"));
  EXPECT_EQ(host.sshd.reloads, reloads + 1);
  EXPECT_EQ(host.files.files["/etc/hosts"], hosts_before);
  EXPECT_FALSE(host.links.links.count("eth1.101"));
  EXPECT_FALSE(host.links.links.count("eth1.102"));
  EXPECT_TRUE(host.links.links.count("eth1"));
  EXPECT_FALSE(host.users.users.count("alice"));
  EXPECT_FALSE(host.users.users.count("bob"));
  EXPECT_TRUE(host.firewall.live.empty());
  EXPECT_EQ(host.users.ended, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(host.sockets.closed.size(), 2u);
  // The state is untouched, on disk and in memory.
  EXPECT_EQ(host.files.files.at(testing::test_config().state_file()), state_file);
  EXPECT_EQ(jh.state().enrollments.size(), 2u);
  ASSERT_FALSE(report.kept.empty());
  EXPECT_NE(report.kept.front().find("2 enrollment(s), 2 tenant(s)"), std::string::npos) << report.kept.front();
}

TEST_F(TeardownTest, AReinstallReconcilesEverythingBack) {
  {
    testing::TestJumphost jh(testing::test_config(), state, host.host());
    ASSERT_TRUE(teardown(jh.world).failed.empty());
  }
  testing::TestJumphost restarted(testing::test_config(), state, host.host());
  EXPECT_EQ(restarted.reconcile(), 0);
  EXPECT_TRUE(host.links.links.count("eth1.101"));
  EXPECT_TRUE(host.users.users.count("alice"));
  EXPECT_EQ(host.files.files["/etc/ipmi-jumphost/keys/alice"], enrolled_files["/etc/ipmi-jumphost/keys/alice"]);
  EXPECT_EQ(host.files.files["/etc/hosts"], enrolled_files["/etc/hosts"]);
  EXPECT_FALSE(host.firewall.live.empty());
  for (const auto& f : restarted.doctor()) EXPECT_TRUE(f.ok) << f.what;
}

TEST_F(TeardownTest, GoesOnPastAFailureAndSaysWhat) {
  host.links.links.erase("eth1.101");  // already gone: not a failure
  host.sshd.fail_reload = true;
  testing::TestJumphost jh(testing::test_config(), state, host.host());
  TeardownReport report = teardown(jh.world);
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_EQ(report.failed[0].rfind("reloaded sshd: ", 0), 0u) << report.failed[0];
  // Everything after the failure was still done.
  EXPECT_FALSE(host.links.links.count("eth1.102"));
  EXPECT_FALSE(host.users.users.count("bob"));
  EXPECT_TRUE(host.firewall.live.empty());
}

}  // namespace
}  // namespace ij
