#include "daemon/core/doctor.h"

#include <map>

#include "common/base/strings.h"
#include "daemon/core/drift.h"

namespace ij {
namespace {

std::string first_line(const std::string& s) { return std::string(trim(s.substr(0, s.find('\n')))); }

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

void audit_forwarding(Files& files, std::vector<bus::Finding>& out) {
  for (const char* path : {"/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding"}) {
    auto v = files.read(path);
    if (!v || !v->has_value()) continue;  // no IPv6 in this kernel
    if (first_line(**v) == "0") out.push_back({true, std::string(path) + " is 0", ""});
    else out.push_back({false, std::string("forwarding is on (") + path + " = " + first_line(**v) +
                                   "): the jumphost could route between BMC VLANs",
                        "write 0 to it and remove whatever sets it from /etc/sysctl.conf and /etc/sysctl.d"});
  }
}

// One sshd -T per tenant (about 10 ms each): an earlier Match block, or a
// tenant taken out of the group, shows only in that tenant's settings.
void audit_sshd(const Config& config, const State& state, Sshd& sshd, std::vector<bus::Finding>& out) {
  for (const auto& [user, t] : state.tenants) {
    auto eff = sshd.effective(user);
    if (!eff) {
      out.push_back({false, "sshd -T for " + user + ": " + eff.error().message, "fix sshd's configuration (sshd -t)"});
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
    if (got["forcecommand"] != config.wrapper) wrong.push_back("forcecommand " + got["forcecommand"]);
    if (wrong.empty()) out.push_back({true, "sshd gives " + user + " the tenant's restrictions", ""});
    else out.push_back({false, "sshd gives tenant " + user + ": " + join(wrong, ", "),
                        "is " + user + " still in group " + config.tenant_group +
                            "? Otherwise an earlier Match block or global setting in " + config.sshd_config +
                            " wins: fix it there"});
  }
}

}  // namespace

std::vector<bus::Finding> doctor(Jumphost& jh) {
  std::vector<bus::Finding> out;
  audit_forwarding(jh.host.files, out);
  auto uids = jh.host.users.lookup_many(jh.state.tenant_names());
  DesiredHost desired = desired_host(jh.config, jh.state, uids ? *uids : std::map<std::string, uid_t>{});
  for (const Check& c : find_drift(jh.config, desired, jh.host)) out.push_back({c.ok, c.what, c.ok ? "" : c.fix});
  audit_sshd(jh.config, jh.state, jh.host.sshd, out);
  return out;
}

}  // namespace ij
