#include "daemon/model/ipv4.h"

#include "common/base/strings.h"

namespace ij {

std::string Ipv4::str() const {
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 0xff) + "." +
         std::to_string((value >> 8) & 0xff) + "." + std::to_string(value & 0xff);
}

std::string Ipv4Cidr::str() const { return address.str() + "/" + std::to_string(prefix); }

bool Ipv4Cidr::overlaps(const Ipv4Cidr& other) const {
  unsigned shorter = prefix < other.prefix ? prefix : other.prefix;
  Ipv4Cidr a{address, shorter}, b{other.address, shorter};
  return a.network() == b.network();
}

Result<Ipv4> parse_ipv4(std::string_view text) {
  std::vector<std::string> fields = split(text, '.');
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, "address '" + quote_for_message(text) + "' is not an IPv4 address: " + why);
  };
  if (fields.size() != 4) return bad("expected four dot-separated numbers");
  uint32_t v = 0;
  for (const std::string& f : fields) {
    unsigned long octet = 0;
    if (!parse_uint(f, 0, 255, &octet)) return bad("'" + quote_for_message(f) + "' is not a number in 0-255");
    v = (v << 8) | static_cast<uint32_t>(octet);
  }
  return Ipv4{v};
}

Result<Ipv4Cidr> parse_ipv4_cidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos)
    return make_error(Errc::invalid_argument,
                      "address '" + quote_for_message(text) + "' has no prefix length: write it as ADDR/PREFIX");
  auto addr = parse_ipv4(text.substr(0, slash));
  if (!addr) return addr.error();
  unsigned long prefix = 0;
  if (!parse_uint(text.substr(slash + 1), 0, 32, &prefix))
    return make_error(Errc::invalid_argument, "address '" + quote_for_message(text) + "': prefix length '" +
                                                  quote_for_message(text.substr(slash + 1)) + "' is not in 0-32");
  return Ipv4Cidr{*addr, static_cast<unsigned>(prefix)};
}

Result<Ipv4Cidr> jumphost_address_for(const Ipv4Cidr& bmc) {
  const std::string shown = bmc.str();
  if (bmc.prefix == 32)
    return make_error(Errc::invalid_argument, "BMC address " + shown + ": a /32 leaves no address for the jumphost");
  if (bmc.prefix < 16)
    return make_error(Errc::invalid_argument,
                      "BMC address " + shown + ": prefix shorter than /16 is too large for one BMC's VLAN");
  if (bmc.prefix == 31) {
    return Ipv4Cidr{Ipv4{bmc.address.value ^ 1u}, 31};
  }
  Ipv4 first{bmc.network().value + 1}, last{bmc.broadcast().value - 1};
  if (bmc.address == bmc.network() || bmc.address == bmc.broadcast())
    return make_error(Errc::invalid_argument, "BMC address " + shown + " is the " +
                                                  (bmc.address == bmc.network() ? "network" : "broadcast") +
                                                  " address of its subnet, not a host address");
  return Ipv4Cidr{bmc.address == first ? last : first, bmc.prefix};
}

std::string special_range_of(const Ipv4Cidr& subnet) {
  struct Range {
    const char* what;
    Ipv4Cidr net;
  };
  static const Range kRanges[] = {
      {"this network", {Ipv4{0x00000000}, 8}},   // RFC 1122 3.2.1.3
      {"loopback", {Ipv4{0x7f000000}, 8}},       // RFC 1122 3.2.1.3
      {"link-local", {Ipv4{0xa9fe0000}, 16}},    // RFC 3927
      {"multicast", {Ipv4{0xe0000000}, 4}},      // RFC 5771
      {"reserved", {Ipv4{0xf0000000}, 4}},       // RFC 1112 4; includes 255.255.255.255
  };
  const Ipv4Cidr net{subnet.network(), subnet.prefix};
  for (const Range& r : kRanges)
    if (r.net.overlaps(net)) return std::string(r.what) + " " + r.net.str();
  return "";
}

}  // namespace ij
