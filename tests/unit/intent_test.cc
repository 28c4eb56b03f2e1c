#include "daemon/core/intent.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "daemon/render/sshd.h"
#include "tests/fakes/fake_host.h"
#include "tests/fakes/test_jumphost.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

TEST(Intent, RoundTripsAndRefusesJunk) {
  Intent i{"enroll", "web01", {"eth1.101"}, {"alice"}};
  auto back = parse_intent(serialize_intent(i));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, i);
  EXPECT_FALSE(parse_intent("operation format\nbmc web01\n"));
  EXPECT_FALSE(parse_intent("operation enroll\nbmc ../etc\n"));
  EXPECT_FALSE(parse_intent("operation enroll\nbmc web01\nuser Bad User\n"));
  EXPECT_FALSE(parse_intent("operation enroll\nbmc web01\nshell /bin/sh\n"));
  EXPECT_FALSE(parse_intent("operation enroll\n"));
}

// The daemon dies between two steps (here: a write that never returns),
// then starts again: the host is as the state says, nothing the dead
// change made is left, and a revoke is finished.
class InterruptedTest : public ::testing::Test {
 protected:
  InterruptedTest() {
    testing::TestJumphost first(testing::test_config(), State{}, host.host());
    first.reconcile();
    EnrollRequest r;
    r.name = "web01";
    r.vlan = 101;
    r.owner = "alice";
    r.keys = {KeySource{"a.pub", testing::kAliceKey}};
    EXPECT_TRUE(first.enroll(r, "root").ok());
    state = first.state();
  }
  // What a restart does before serving: the recovery, the reconcile, and
  // the revoke to finish.
  std::optional<std::string> restart() {
    host.files.crash_write_path.clear();
    Host h = host.host();
    auto finish = recover_interrupted(config, state, h);
    EXPECT_TRUE(finish) << finish.error().message;
    testing::TestJumphost again(config, state, host.host());
    if (finish && *finish) {  // as the daemon's start: the revoke, then the reconcile
      EXPECT_TRUE(again.revoke(**finish, "restart").ok());
    }
    again.reconcile();
    state = again.state();
    return finish ? *finish : std::nullopt;
  }
  std::string host_now() {
    std::string out;
    for (const auto& [name, l] : host.links.links) out += "link " + name + "\n";
    for (const auto& [name, uid] : host.users.users) out += "user " + name + "\n";
    for (const auto& [path, content] : host.files.files) out += "file " + path + "\n" + content;
    return out + host.firewall.live;
  }
  Config config = testing::test_config();
  testing::FakeHost host;
  State state;
};

TEST_F(InterruptedTest, AnEnrollStoppedAfterItsLinkAndUserLeavesNothing) {
  const std::string before = host_now();
  {
    testing::TestJumphost running(config, state, host.host());
    host.files.crash_write_path = config.hosts_file;  // step 4, after the link and the user
    EnrollRequest r;
    r.name = "db01";
    r.vlan = 102;
    r.owner = "bob";
    r.keys = {KeySource{"b.pub", testing::kBobKey}};
    EXPECT_THROW((void)running.enroll(r, "root"), std::runtime_error);
  }
  EXPECT_TRUE(host.links.links.count("eth1.102"));
  EXPECT_TRUE(host.users.users.count("bob"));
  EXPECT_TRUE(host.files.files.count(intent_path(config)));
  EXPECT_EQ(restart(), std::nullopt);
  EXPECT_EQ(host_now(), before);
  EXPECT_FALSE(host.files.files.count(intent_path(config)));
}

TEST_F(InterruptedTest, ARevokeStoppedHalfWayIsFinished) {
  {
    testing::TestJumphost running(config, state, host.host());
    host.files.crash_write_path = config.hosts_file;  // step 3, after the drop-in and the keys
    EXPECT_THROW((void)running.revoke("web01", "root"), std::runtime_error);
  }
  EXPECT_EQ(restart(), std::optional<std::string>("web01"));
  EXPECT_TRUE(state.enrollments.empty());
  EXPECT_FALSE(host.links.links.count("eth1.101"));
  EXPECT_FALSE(host.users.users.count("alice"));
  EXPECT_FALSE(host.files.files.count(authorized_keys_path(config, "alice")));
  EXPECT_FALSE(host.files.files.count(intent_path(config)));
}

TEST_F(InterruptedTest, OnlyTheTenantGroupsUsersGo) {
  host.users.users["bob"] = 4242;  // someone else's bob, not a tenant-group member
  host.files.files[intent_path(config)] = serialize_intent(Intent{"enroll", "db01", {"eth1.102"}, {"bob"}});
  EXPECT_EQ(restart(), std::nullopt);
  EXPECT_TRUE(host.users.users.count("bob"));
  host.files.files[intent_path(config)] = "operation enroll\nbmc db01\nuser ../x\n";
  Host h = host.host();
  EXPECT_FALSE(recover_interrupted(config, state, h));
}

}  // namespace
}  // namespace ij
