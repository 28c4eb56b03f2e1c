#include <gtest/gtest.h>

#include "daemon/core/jumphost.h"
#include "tests/fakes/fake_host.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

class TenantTest : public ::testing::Test {
 protected:
  TenantTest() : jh(testing::test_config(), State{}, host.host(), testing::fixed_clock) {
    for (auto [name, vlan, owner, pw] : {std::tuple{"web01", 101, "alice", "secret"}, std::tuple{"web02", 102, "alice", ""},
                                         std::tuple{"db01", 103, "bob", "dbpw"}}) {
      EnrollRequest r;
      r.name = name;
      r.vlan = vlan;
      r.owner = owner;
      r.bmc_user = "ADMIN";
      r.bmc_password = pw;
      EXPECT_TRUE(jh.enroll(r, "root").ok());
    }
  }
  testing::FakeHost host;
  Jumphost jh;
};

TEST_F(TenantTest, OnlyTheirOwnBmc) {
  auto t = jh.target_for("alice", "web01", "");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "10.254.0.2");
  EXPECT_EQ(t->password, "secret");
  // Someone else's BMC and a missing one get the same answer.
  EXPECT_EQ(jh.target_for("alice", "db01", "").error().message, "you have no BMC named db01");
  EXPECT_EQ(jh.target_for("alice", "nope", "").error().message, "you have no BMC named nope");
  EXPECT_EQ(jh.target_for("mallory", "web01", "").error().code, Errc::not_found);
}

TEST_F(TenantTest, PasswordPerRequestOnlyWhenNoneIsStored) {
  EXPECT_EQ(jh.target_for("alice", "web02", "typed")->password, "typed");
  EXPECT_EQ(jh.target_for("alice", "web01", "typed")->password, "secret");
}

TEST_F(TenantTest, DefaultBmcAndList) {
  EXPECT_EQ(*jh.default_bmc_of("bob"), "db01");
  EXPECT_EQ(jh.default_bmc_of("alice").error().message, "you have several BMCs, name one: web01 web02");
  nlohmann::json mine = jh.tenant_bmcs("alice");
  EXPECT_EQ(mine["bmcs"].size(), 2u);
  EXPECT_EQ(mine["jumphost"], "jump.example.org");
  EXPECT_EQ(mine["bmcs"][1]["password_stored"], false);
  EXPECT_EQ(mine.dump().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace ij
