#include "daemon/model/ipv4.h"

#include <gtest/gtest.h>

namespace ij {
namespace {

TEST(Ipv4, ParsesStrictDottedQuads) {
  EXPECT_EQ(parse_ipv4("10.0.0.2").value().str(), "10.0.0.2");
  EXPECT_EQ(parse_ipv4("10.0.0").error().message,
            "address '10.0.0' is not an IPv4 address: expected four dot-separated numbers");
  EXPECT_EQ(parse_ipv4("10.0.0.256").error().message,
            "address '10.0.0.256' is not an IPv4 address: '256' is not a number in 0-255");
  EXPECT_FALSE(parse_ipv4("10.0.0.01").ok());
  EXPECT_FALSE(parse_ipv4("10.0.0.-1").ok());
  EXPECT_FALSE(parse_ipv4(" 10.0.0.1").ok());
}

TEST(Ipv4Cidr, NeedsPrefix) {
  EXPECT_EQ(parse_ipv4_cidr("10.0.0.2/30").value().str(), "10.0.0.2/30");
  EXPECT_EQ(parse_ipv4_cidr("10.0.0.2").error().message,
            "address '10.0.0.2' has no prefix length: write it as ADDR/PREFIX");
  EXPECT_EQ(parse_ipv4_cidr("10.0.0.2/33").error().message, "address '10.0.0.2/33': prefix length '33' is not in 0-32");
}

TEST(JumphostAddress, FirstHostOrLast) {
  EXPECT_EQ(jumphost_address_for(*parse_ipv4_cidr("10.0.0.2/30")).value().str(), "10.0.0.1/30");
  EXPECT_EQ(jumphost_address_for(*parse_ipv4_cidr("10.0.0.1/30")).value().str(), "10.0.0.2/30");
  EXPECT_EQ(jumphost_address_for(*parse_ipv4_cidr("192.168.5.77/24")).value().str(), "192.168.5.1/24");
  EXPECT_EQ(jumphost_address_for(*parse_ipv4_cidr("10.0.0.4/31")).value().str(), "10.0.0.5/31");
}

TEST(JumphostAddress, RejectsNonHostAddresses) {
  EXPECT_EQ(jumphost_address_for(*parse_ipv4_cidr("10.0.0.0/30")).error().message,
            "BMC address 10.0.0.0/30 is the network address of its subnet, not a host address");
  EXPECT_EQ(jumphost_address_for(*parse_ipv4_cidr("10.0.0.3/30")).error().message,
            "BMC address 10.0.0.3/30 is the broadcast address of its subnet, not a host address");
  EXPECT_EQ(jumphost_address_for(*parse_ipv4_cidr("10.0.0.3/32")).error().message,
            "BMC address 10.0.0.3/32: a /32 leaves no address for the jumphost");
  EXPECT_FALSE(jumphost_address_for(*parse_ipv4_cidr("10.0.0.3/8")).ok());
}

TEST(Ipv4Cidr, Overlaps) {
  auto a = *parse_ipv4_cidr("10.0.0.2/30");
  EXPECT_TRUE(a.overlaps(*parse_ipv4_cidr("10.0.0.1/30")));
  EXPECT_TRUE(a.overlaps(*parse_ipv4_cidr("10.0.0.9/24")));
  EXPECT_FALSE(a.overlaps(*parse_ipv4_cidr("10.0.0.6/30")));
}

}  // namespace
}  // namespace ij
