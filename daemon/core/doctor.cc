// jumpctl doctor: reads (never changes) what the isolation relies on and
// says, for each finding, what to do. The reconcile at start-up repairs what
// the daemon owns; the doctor also covers what it does not own (forwarding,
// sshd's global settings) and what changed since the start.
#include <unistd.h>

#include "common/base/strings.h"
#include "daemon/host/hardening.h"
#include "daemon/render/firewall.h"
#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"
#include "daemon/core/jumphost.h"

namespace ij {
namespace {

struct Findings {
  nlohmann::json list = nlohmann::json::array();
  void ok(const std::string& what) { list.push_back({{"ok", true}, {"what", what}, {"fix", ""}}); }
  void problem(const std::string& what, const std::string& fix) {
    list.push_back({{"ok", false}, {"what", what}, {"fix", fix}});
  }
};

std::string first_line(const std::optional<std::string>& s) {
  return s ? std::string(trim(s->substr(0, s->find('\n')))) : std::string();
}

// The sshd settings every tenant must get, as sshd -T prints them.
const std::vector<std::pair<std::string, std::string>>& tenant_sshd_settings() {
  static const std::vector<std::pair<std::string, std::string>> settings = {
      {"passwordauthentication", "no"}, {"kbdinteractiveauthentication", "no"}, {"permituserenvironment", "no"},
      {"allowtcpforwarding", "local"},  {"x11forwarding", "no"},                {"allowagentforwarding", "no"},
      {"permittunnel", "no"},           {"allowstreamlocalforwarding", "no"},   {"gatewayports", "no"},
      {"permitlisten", "none"},
  };
  return settings;
}

}  // namespace

nlohmann::json Jumphost::doctor() {
  Findings f;
  Files& files = host_.files;

  for (const char* path : {"/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding"}) {
    auto v = files.read(path);
    if (!v || !v->has_value()) continue;  // no IPv6 in this kernel
    if (first_line(**v) == "0") f.ok(std::string(path) + " is 0");
    else f.problem(std::string("forwarding is on (") + path + " = " + first_line(**v) + "): the jumphost could route between BMC VLANs",
                   "write 0 to it and remove whatever sets it from /etc/sysctl.conf and /etc/sysctl.d");
  }

  auto fw = host_.firewall.matches(firewall_for(state_));
  if (!fw) f.problem("cannot read the firewall: " + fw.error().message, "install nftables; check nft list ruleset");
  else if (*fw) f.ok(std::string("firewall table ") + kFirewallFamily + " " + kFirewallTable + " is as applied");
  else f.problem(std::string("the firewall table ") + kFirewallFamily + " " + kFirewallTable + " is missing or was changed",
                 "restart ipmi-jumphostd: it rewrites the table");

  auto links = host_.links.inspect_all();
  if (!links) f.problem("cannot list the links: " + links.error().message, "check the kernel's netlink");
  for (const auto& [name, e] : state_.enrollments) {
    if (!links) break;
    const std::string restart = "restart ipmi-jumphostd: it recreates the link";
    auto info = links->find(e.link);
    if (info == links->end()) {
      f.problem("VLAN link " + e.link + " of BMC " + name + " is missing", restart);
      continue;
    }
    const LinkInfo& l = info->second;
    bool has_address = false;
    for (const Ipv4Cidr& a : l.addresses) has_address |= a == e.jumphost_address;
    if (!l.is_vlan || l.vlan_id != e.vlan || l.parent != config_.trunk)
      f.problem("link " + e.link + " is not VLAN " + std::to_string(e.vlan) + " on " + config_.trunk,
                "remove it by hand, then restart ipmi-jumphostd");
    else if (!l.up || !has_address)
      f.problem("VLAN link " + e.link + " is down or lacks " + e.jumphost_address.str(), restart);
    else
      f.ok("VLAN link " + e.link + " of BMC " + name);
    for (const KernelSetting& s : link_hardening(e.link)) {
      auto v = files.read(s.path);
      if (!v || !v->has_value()) {
        if (!s.optional) f.problem(s.path + " cannot be read", restart);
        continue;
      }
      if (first_line(**v) != s.value)
        f.problem(s.path + " is " + first_line(**v) + ", not " + s.value, "restart ipmi-jumphostd: it hardens the link again");
    }
  }

  auto expect_file = [&](const std::string& path, const std::string& want, const std::string& what) {
    auto have = files.read(path);
    if (!have) f.problem("cannot read " + path + ": " + have.error().message, "check its permissions");
    else if (!have->has_value()) f.problem(what + " " + path + " is missing", "restart ipmi-jumphostd: it rewrites it");
    else if (**have != want) f.problem(what + " " + path + " was changed", "restart ipmi-jumphostd: it rewrites it");
    else f.ok(what + " " + path);
  };
  auto hosts = files.read(config_.hosts_file);
  if (hosts) {
    auto merged = merge_hosts_block(config_.hosts_file, hosts->value_or(""), render_hosts_block(state_));
    if (!merged) f.problem(merged.error().message, "fix the markers by hand, then restart ipmi-jumphostd");
    else expect_file(config_.hosts_file, *merged, "hosts file");
  }
  if (!state_.tenants.empty()) expect_file(dropin_path(config_), render_sshd_dropin(config_), "sshd drop-in");
  // One sshd -T per tenant (about 10 ms each): an earlier Match block, or a
  // tenant taken out of the group, shows only in that tenant's settings.
  for (const auto& [user, t] : state_.tenants) {
    expect_file(authorized_keys_path(config_, user), render_authorized_keys(state_, t, config_.wrapper), "keys file");
    auto eff = host_.sshd.effective(user);
    if (!eff) {
      f.problem("sshd -T for " + user + ": " + eff.error().message, "fix sshd's configuration (sshd -t)");
      continue;
    }
    std::map<std::string, std::string> got;
    for (const std::string& line : split_lines(*eff)) {
      size_t sp = line.find(' ');
      if (sp != std::string::npos) got[line.substr(0, sp)] = line.substr(sp + 1);
    }
    std::vector<std::string> wrong;
    for (const auto& [key, want] : tenant_sshd_settings())
      if (got[key] != want) wrong.push_back(key + " " + (got[key].empty() ? "(unset)" : got[key]) + " (want " + want + ")");
    if (got["forcecommand"] != config_.wrapper) wrong.push_back("forcecommand " + got["forcecommand"]);
    if (wrong.empty()) f.ok("sshd gives " + user + " the tenant's restrictions");
    else f.problem("sshd gives tenant " + user + ": " + join(wrong, ", "),
                   "is " + user + " still in group " + config_.tenant_group + "? Otherwise an earlier Match block or global "
                   "setting in " + config_.sshd_config + " wins: fix it there");
  }
  if (auto strays = stray_files(); !strays) {
    f.problem("cannot look for stray keys files and drop-ins: " + strays.error().message, "check the directories");
  } else {
    for (const StrayFile& stray : *strays)
      f.problem(stray.path + " belongs to no tenant", "restart ipmi-jumphostd: it removes it");
  }
  return f.list;
}

}  // namespace ij
