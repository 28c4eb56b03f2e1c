// 802.1Q VLAN links through rtnetlink (libnl-3 route), as systemd-networkd's
// netdev/vlan.c does it: one message that creates the link with its VID on
// its lower link, then one that adds the address.
#pragma once

#include <mutex>

#include "daemon/host/host.h"

struct nl_sock;
struct rtnl_link;

namespace ij {

class NetlinkLinks : public Links {
 public:
  NetlinkLinks();
  ~NetlinkLinks() override;
  NetlinkLinks(const NetlinkLinks&) = delete;
  NetlinkLinks& operator=(const NetlinkLinks&) = delete;

  Status create_vlan(const std::string& trunk, unsigned vid, const std::string& name,
                     const Ipv4Cidr& address) override;
  Status remove(const std::string& name) override;
  Status configure(const std::string& name, const Ipv4Cidr& address) override;
  Result<std::vector<KernelSetting>> harden(const std::string& name) override;
  Status restore(const std::vector<KernelSetting>& previous) override;
  Result<std::optional<LinkInfo>> inspect(const std::string& name) override;
  Result<std::map<std::string, LinkInfo>> inspect_all() override;

 private:
  Result<nl_sock*> socket();
  Status add_address(int ifindex, const std::string& name, const Ipv4Cidr& address);
  Status set_up(nl_sock* sock, rtnl_link* link, const std::string& name);
  // One socket, shared: the doctor runs on a worker while the bus thread
  // may enroll, so every public call holds the lock.
  std::recursive_mutex mu_;
  nl_sock* sock_ = nullptr;
};

}  // namespace ij
