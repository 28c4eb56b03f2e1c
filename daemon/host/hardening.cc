#include "daemon/host/hardening.h"

#include <unistd.h>

#include "common/base/strings.h"
#include "common/sys/fs.h"

namespace ij {

std::vector<KernelSetting> link_hardening(const std::string& ifname) {
  const std::string v4 = "/proc/sys/net/ipv4/conf/" + ifname + "/";
  const std::string v6 = "/proc/sys/net/ipv6/conf/" + ifname + "/";
  return {
      {v4 + "rp_filter", "1", false},            // strict: drop sources not routed back out this link
      {v4 + "arp_ignore", "1", false},           // answer ARP only for addresses on this link
      {v4 + "arp_announce", "2", false},         // announce only this link's address on it
      {v4 + "accept_redirects", "0", false},
      {v4 + "send_redirects", "0", false},
      {v4 + "accept_source_route", "0", false},
      {v4 + "forwarding", "0", false},
      {v6 + "accept_ra", "0", true},             // belt and braces: IPv6 is off below
      {v6 + "autoconf", "0", true},
      {v6 + "forwarding", "0", true},
      {v6 + "disable_ipv6", "1", true},
  };
}

Status apply_link_hardening(const std::string& ifname) {
  for (const KernelSetting& s : link_hardening(ifname)) {
    if (s.optional && ::access(s.path.c_str(), F_OK) != 0) continue;
    Status w = write_proc(s.path, s.value + "\n");
    if (!w) return w.error().with_context("hardening " + ifname);
  }
  return ok_status();
}

Result<std::vector<KernelSetting>> read_link_settings(const std::string& ifname) {
  std::vector<KernelSetting> out;
  for (KernelSetting s : link_hardening(ifname)) {
    auto v = read_file(s.path);
    if (!v) return v.error();
    if (!v->has_value()) continue;
    s.value = first_line(**v);
    out.push_back(s);
  }
  return out;
}

Status write_link_settings(const std::vector<KernelSetting>& settings) {
  for (const KernelSetting& s : settings) IJ_TRY(write_proc(s.path, s.value + "\n"));
  return ok_status();
}

}  // namespace ij
