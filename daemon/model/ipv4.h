// IPv4 addresses and subnets as the jumphost uses them: a BMC sits alone in a
// small subnet with the jumphost's VLAN link.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace ij {

struct Ipv4 {
  uint32_t value = 0;  // host byte order
  bool operator==(const Ipv4&) const = default;
  std::string str() const;
};

// An address with its prefix length, "10.0.0.2/30".
struct Ipv4Cidr {
  Ipv4 address;
  unsigned prefix = 32;
  bool operator==(const Ipv4Cidr&) const = default;

  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  Ipv4 network() const { return Ipv4{address.value & mask()}; }
  Ipv4 broadcast() const { return Ipv4{network().value | ~mask()}; }
  bool contains(Ipv4 a) const { return (a.value & mask()) == network().value; }
  bool overlaps(const Ipv4Cidr& other) const;
  std::string str() const;  // "10.0.0.2/30"
};

// Strict dotted quad: four decimal fields 0-255, no leading zeros.
Result<Ipv4> parse_ipv4(std::string_view text);
// "ADDR/PREFIX"; the prefix is required.
Result<Ipv4Cidr> parse_ipv4_cidr(std::string_view text);

// Checks that a BMC address is a usable host address of its subnet, and
// returns the address the jumphost's link takes in the same subnet: the first
// host address, or the last one when the BMC has the first. /31 (RFC 3021)
// pairs the two addresses; /32 leaves no room for the jumphost.
Result<Ipv4Cidr> jumphost_address_for(const Ipv4Cidr& bmc);

// The special-purpose range (RFC 6890) that `subnet` overlaps, as
// "loopback 127.0.0.0/8", or empty: this network, loopback, link-local,
// multicast, and reserved with the limited broadcast. A BMC subnet there
// would take over traffic the host needs or cannot route at all.
std::string special_range_of(const Ipv4Cidr& subnet);

}  // namespace ij
