#include "daemon/netlink/vlan_links.h"
#include "daemon/host/hardening.h"

#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/route.h>

#include <map>
#include <memory>

namespace ij {
namespace {

struct LinkDeleter {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;

Error nl_error(const std::string& what, int err) {
  return make_error(Errc::failed, what + ": " + nl_geterror(err));
}

Result<LinkPtr> get_link(nl_sock* sock, const std::string& name) {
  rtnl_link* link = nullptr;
  int err = rtnl_link_get_kernel(sock, 0, name.c_str(), &link);
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return LinkPtr{};
  if (err < 0) return nl_error("cannot query link " + name, err);
  return LinkPtr{link};
}

nl_addr* make_addr(const Ipv4Cidr& a) {
  unsigned char bytes[4] = {static_cast<unsigned char>(a.address.value >> 24),
                            static_cast<unsigned char>(a.address.value >> 16),
                            static_cast<unsigned char>(a.address.value >> 8),
                            static_cast<unsigned char>(a.address.value)};
  nl_addr* addr = nl_addr_build(AF_INET, bytes, 4);
  if (addr) nl_addr_set_prefixlen(addr, static_cast<int>(a.prefix));
  return addr;
}

Ipv4 ipv4_of(nl_addr* a) {
  auto* b = static_cast<unsigned char*>(nl_addr_get_binary_addr(a));
  return Ipv4{(uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3]};
}

// One dump of every IPv4 route of every table (a policy-routing table
// counts as much as main), handed to `add` as (ifindex, destination) for
// each of its next hops; a route without a device (blackhole) has none.
template <typename Add>
Status each_ipv4_route(nl_sock* sock, Add add) {
  nl_cache* cache = nullptr;
  int err = rtnl_route_alloc_cache(sock, AF_INET, 0, &cache);
  if (err < 0) return nl_error("cannot list routes", err);
  for (nl_object* o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    nl_addr* dst = rtnl_route_get_dst(r);
    if (!dst) continue;
    unsigned prefix = static_cast<unsigned>(nl_addr_get_prefixlen(dst));
    Ipv4 network = nl_addr_get_len(dst) == 4 ? ipv4_of(dst) : Ipv4{0};
    // A multipath route (ECMP) claims the network on each of its links.
    for (int n = 0; n < rtnl_route_get_nnexthops(r); ++n)
      add(rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, n)), Ipv4Cidr{network, prefix});
  }
  nl_cache_free(cache);
  return ok_status();
}

}  // namespace

NetlinkLinks::NetlinkLinks() = default;

NetlinkLinks::~NetlinkLinks() {
  if (sock_) nl_socket_free(sock_);
}

Result<nl_sock*> NetlinkLinks::socket() {
  if (sock_) return sock_;
  nl_sock* s = nl_socket_alloc();
  if (!s) return make_error(Errc::failed, "cannot allocate a netlink socket");
  int err = nl_connect(s, NETLINK_ROUTE);
  if (err < 0) {
    nl_socket_free(s);
    return nl_error("cannot connect to rtnetlink", err);
  }
  sock_ = s;
  return sock_;
}

Status NetlinkLinks::add_address(int ifindex, const std::string& name, const Ipv4Cidr& address) {
  auto sock = socket();
  if (!sock) return sock.error();
  rtnl_addr* addr = rtnl_addr_alloc();
  nl_addr* local = make_addr(address);
  if (!addr || !local) {
    if (addr) rtnl_addr_put(addr);
    if (local) nl_addr_put(local);
    return make_error(Errc::failed, "out of memory building a netlink address");
  }
  rtnl_addr_set_ifindex(addr, ifindex);
  rtnl_addr_set_local(addr, local);
  int err = rtnl_addr_add(*sock, addr, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_addr_put(addr);
  nl_addr_put(local);
  if (err < 0) return nl_error("cannot add address " + address.str() + " to " + name, err);
  return ok_status();
}

Status NetlinkLinks::set_up(nl_sock* sock, rtnl_link* link, const std::string& name) {
  LinkPtr change{rtnl_link_alloc()};
  if (!change) return make_error(Errc::failed, "out of memory");
  rtnl_link_set_flags(change.get(), IFF_UP);
  int err = rtnl_link_change(sock, link, change.get(), 0);
  if (err < 0) return nl_error("cannot set link " + name + " up", err);
  return ok_status();
}

Status NetlinkLinks::create_vlan(const std::string& trunk, unsigned vid, const std::string& name,
                                 const Ipv4Cidr& address) {
  std::lock_guard lock(mu_);
  auto sock = socket();
  if (!sock) return sock.error();
  auto lower = get_link(*sock, trunk);
  if (!lower) return lower.error();
  if (!*lower) return make_error(Errc::not_found, "trunk interface " + trunk + " does not exist");

  LinkPtr link{rtnl_link_vlan_alloc()};
  if (!link) return make_error(Errc::failed, "out of memory building a VLAN link");
  rtnl_link_set_name(link.get(), name.c_str());
  rtnl_link_set_link(link.get(), rtnl_link_get_ifindex(lower->get()));
  rtnl_link_vlan_set_id(link.get(), static_cast<uint16_t>(vid));
  // Created down: it comes up only once hardened and addressed.
  int err = rtnl_link_add(*sock, link.get(), NLM_F_CREATE | NLM_F_EXCL);
  if (err == -NLE_OPNOTSUPP)
    // The kernel answers EOPNOTSUPP for a link kind it does not know
    // (iproute2 prints "Unknown device type").
    return make_error(Errc::unsupported, "cannot create VLAN link " + name +
                                             ": this kernel has no 802.1Q VLAN support (load module 8021q, "
                                             "or use a kernel built with CONFIG_VLAN_8021Q)");
  if (err == -NLE_EXIST) return make_error(Errc::exists, "cannot create VLAN link " + name + ": it already exists");
  if (err < 0) return nl_error("cannot create VLAN link " + name, err);

  auto created = get_link(*sock, name);
  Status s = !created ? Status(created.error())
             : !*created ? Status(make_error(Errc::failed, "VLAN link " + name + " vanished after creation"))
                         : apply_link_hardening(name);
  if (s) s = add_address(rtnl_link_get_ifindex(created->get()), name, address);
  if (s) s = set_up(*sock, created->get(), name);
  if (!s)  // leave nothing behind, or say what was left
    if (Status gone = remove(name); !gone)
      return make_error(s.error().code, s.error().message + "; removing the half-made link " + name +
                                            " failed too: " + gone.error().message);
  return s;
}

Status NetlinkLinks::remove(const std::string& name) {
  std::lock_guard lock(mu_);
  auto sock = socket();
  if (!sock) return sock.error();
  auto link = get_link(*sock, name);
  if (!link) return link.error();
  if (!*link) return ok_status();
  int err = rtnl_link_delete(*sock, link->get());
  if (err < 0 && err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV) return nl_error("cannot remove link " + name, err);
  return ok_status();
}

Result<std::vector<KernelSetting>> NetlinkLinks::harden(const std::string& name) {
  std::lock_guard lock(mu_);
  auto before = read_link_settings(name);
  if (!before) return before.error();
  if (Status s = apply_link_hardening(name); !s) {
    if (Status back = write_link_settings(*before); !back)
      return make_error(s.error().code, s.error().message + "; restoring the settings failed too: " + back.error().message);
    return s.error();
  }
  return before;
}

Status NetlinkLinks::restore(const std::vector<KernelSetting>& previous) {
  std::lock_guard lock(mu_);
  return write_link_settings(previous);
}

Status NetlinkLinks::configure(const std::string& name, const Ipv4Cidr& address) {
  std::lock_guard lock(mu_);
  auto sock = socket();
  if (!sock) return sock.error();
  auto info = inspect(name);
  if (!info) return info.error();
  if (!*info) return make_error(Errc::not_found, "link " + name + " does not exist");
  auto link = get_link(*sock, name);
  if (!link) return link.error();
  if (!*link) return make_error(Errc::not_found, "link " + name + " does not exist");
  IJ_TRY(apply_link_hardening(name));
  bool has_address = false;
  for (const Ipv4Cidr& a : (*info)->addresses) has_address |= a == address;
  if (!has_address) IJ_TRY(add_address(rtnl_link_get_ifindex(link->get()), name, address));
  if (!(*info)->up) IJ_TRY(set_up(*sock, link->get(), name));
  return ok_status();
}

namespace {

// The link's own facts; addresses come from an address dump (each_ipv4_address).
LinkInfo describe(rtnl_link* link) {
  LinkInfo info;
  info.is_vlan = rtnl_link_is_vlan(link);
  if (info.is_vlan) info.vlan_id = static_cast<unsigned>(rtnl_link_vlan_get_id(link));
  info.up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
  int parent = rtnl_link_get_link(link);
  if (parent > 0) {
    char buf[IF_NAMESIZE] = {0};
    if (if_indextoname(static_cast<unsigned>(parent), buf)) info.parent = buf;
  }
  return info;
}

// One dump of every IPv4 address, handed to `add` as (ifindex, address).
// `add_v6` hears of every link with an IPv6 address beyond link-local.
template <typename Add, typename AddV6>
Status each_ipv4_address(nl_sock* sock, Add add, AddV6 add_v6) {
  nl_cache* cache = nullptr;
  int err = rtnl_addr_alloc_cache(sock, &cache);
  if (err < 0) return nl_error("cannot list addresses", err);
  for (nl_object* o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_family(a) == AF_INET6) {
      if (rtnl_addr_get_scope(a) < RT_SCOPE_LINK) add_v6(rtnl_addr_get_ifindex(a));  // global or site
      continue;
    }
    if (rtnl_addr_get_family(a) != AF_INET) continue;
    nl_addr* local = rtnl_addr_get_local(a);
    if (!local || nl_addr_get_len(local) != 4) continue;
    add(rtnl_addr_get_ifindex(a), Ipv4Cidr{ipv4_of(local), static_cast<unsigned>(rtnl_addr_get_prefixlen(a))});
  }
  nl_cache_free(cache);
  return ok_status();
}

}  // namespace

Result<std::optional<LinkInfo>> NetlinkLinks::inspect(const std::string& name) {
  std::lock_guard lock(mu_);
  auto sock = socket();
  if (!sock) return sock.error();
  auto link = get_link(*sock, name);
  if (!link) return link.error();
  if (!*link) return std::optional<LinkInfo>{};
  LinkInfo info = describe(link->get());
  const int ifindex = rtnl_link_get_ifindex(link->get());
  IJ_TRY(each_ipv4_address(
      *sock, [&](int index, const Ipv4Cidr& a) {
        if (index == ifindex) info.addresses.push_back(a);
      },
      [&](int index) { info.ipv6_global |= index == ifindex; }));
  return std::optional<LinkInfo>(std::move(info));
}

Result<std::map<std::string, LinkInfo>> NetlinkLinks::inspect_all() {
  std::lock_guard lock(mu_);
  auto sock = socket();
  if (!sock) return sock.error();
  nl_cache* cache = nullptr;
  int err = rtnl_link_alloc_cache(*sock, AF_UNSPEC, &cache);
  if (err < 0) return nl_error("cannot list links", err);
  std::map<std::string, LinkInfo> out;
  std::map<int, LinkInfo*> by_index;
  for (nl_object* o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
    auto* link = reinterpret_cast<rtnl_link*>(o);
    const char* name = rtnl_link_get_name(link);
    if (!name) continue;
    LinkInfo& info = out[name] = describe(link);
    by_index[rtnl_link_get_ifindex(link)] = &info;
  }
  nl_cache_free(cache);
  IJ_TRY(each_ipv4_address(
      *sock,
      [&](int index, const Ipv4Cidr& a) {
        if (auto it = by_index.find(index); it != by_index.end()) it->second->addresses.push_back(a);
      },
      [&](int index) {
        if (auto it = by_index.find(index); it != by_index.end()) it->second->ipv6_global = true;
      }));
  IJ_TRY(each_ipv4_route(*sock, [&](int index, const Ipv4Cidr& r) {
    if (auto it = by_index.find(index); it != by_index.end()) it->second->routes.push_back(r);
  }));
  return out;
}

}  // namespace ij
