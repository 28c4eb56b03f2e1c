#include "common/model/names.h"

#include <gtest/gtest.h>

namespace ij {
namespace {

TEST(BmcName, AcceptsDnsLabels) {
  EXPECT_TRUE(validate_bmc_name("web1").ok());
  EXPECT_TRUE(validate_bmc_name("rack-2-db").ok());
}

TEST(BmcName, RejectsWithExactMessages) {
  EXPECT_EQ(validate_bmc_name("").error().message, "BMC name is empty");
  EXPECT_EQ(validate_bmc_name("Web1").error().message,
            "BMC name 'Web1': character 1 is not a lowercase letter, digit or '-'");
  EXPECT_EQ(validate_bmc_name("a;b").error().message,
            "BMC name 'a;b': character 2 is not a lowercase letter, digit or '-'");
  EXPECT_EQ(validate_bmc_name("-a").error().message, "BMC name '-a' must start and end with a letter or digit");
  EXPECT_EQ(validate_bmc_name(std::string(33, 'a')).error().code, Errc::invalid_argument);
  EXPECT_EQ(validate_bmc_name("a\nb").error().message,
            "BMC name 'a\\x0ab': character 2 is not a lowercase letter, digit or '-'");
}

TEST(UserName, FollowsDebianNameRegex) {
  EXPECT_TRUE(validate_user_name("alice").ok());
  EXPECT_TRUE(validate_user_name("a_b-c9").ok());
  EXPECT_EQ(validate_user_name("9lives").error().message, "user name '9lives' must start with a lowercase letter");
  EXPECT_EQ(validate_user_name("bob$").error().message,
            "user name 'bob$': character 4 is not a lowercase letter, digit, '-' or '_'");
  EXPECT_FALSE(validate_user_name("-o").ok());
  EXPECT_FALSE(validate_user_name(std::string(33, 'a')).ok());
}

TEST(Vlan, RangeIs1To4094) {
  EXPECT_TRUE(validate_vlan(1).ok());
  EXPECT_TRUE(validate_vlan(4094).ok());
  EXPECT_EQ(validate_vlan(0).error().message, "VLAN ID 0 is outside 1-4094");
  EXPECT_EQ(validate_vlan(4095).error().message, "VLAN ID 4095 is outside 1-4094");
}

TEST(LinkName, MustFitIfnamsiz) {
  EXPECT_EQ(vlan_link_name("eth1", 100).value(), "eth1.100");
  EXPECT_EQ(vlan_link_name("enp1s0f1np1", 4094).error().message,
            "VLAN link name 'enp1s0f1np1.4094' is longer than 15 characters: rename the trunk interface");
  EXPECT_FALSE(validate_ifname("a/b").ok());
  EXPECT_FALSE(validate_ifname("a b").ok());
}

TEST(Ports, ParsesAndRejects) {
  EXPECT_EQ(parse_ports("22,80,443,5900").value(), (std::vector<unsigned>{22, 80, 443, 5900}));
  EXPECT_EQ(parse_ports("22,22").error().message, "port 22 is listed twice");
  EXPECT_EQ(parse_ports("0").error().message, "port '0' is not a number in 1-65535");
  EXPECT_EQ(parse_ports("80,x").error().message, "port 'x' is not a number in 1-65535");
  EXPECT_EQ(parse_ports("022").error().message, "port '022' is not a number in 1-65535");
  EXPECT_FALSE(parse_ports("").ok());
}

}  // namespace
}  // namespace ij
