#include "daemon/core/doctor.h"

#include <map>

#include "common/base/strings.h"
#include "daemon/core/drift.h"
#include "daemon/render/sshd.h"
#include "daemon/render/sshd_order.h"

namespace ij {
namespace {


// The sshd settings every tenant must get, as sshd -T prints them.
const std::vector<std::pair<std::string, std::string>>& tenant_sshd_settings() {
  static const std::vector<std::pair<std::string, std::string>> settings = {
      {"passwordauthentication", "no"}, {"kbdinteractiveauthentication", "no"}, {"permituserenvironment", "no"},
      {"allowtcpforwarding", "local"},  {"x11forwarding", "no"},                {"allowagentforwarding", "no"},
      {"permittunnel", "no"},           {"allowstreamlocalforwarding", "no"},   {"gatewayports", "no"},
      {"permitlisten", "none"},         {"trustedusercakeys", "/dev/null"},
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

// A Match block sshd reads before the tenants' block wins over it for the
// connections it matches, and `sshd -T` for one address never shows it:
// read the files as sshd does (daemon/render/sshd_order.h).
void audit_sshd_order(const Config& config, Sshd& sshd, std::vector<bus::Finding>& out) {
  const std::string ours = dropin_path(config);
  auto order = read_sshd_order(config.sshd_config, ours, kSshdSystemDir, sshd.config_files());
  if (!order) {
    out.push_back({false, "cannot read sshd's configuration in sshd's order: " + order.error().message,
                   "fix it (sshd -t)"});
    return;
  }
  if (!order->reaches_ours) {
    out.push_back({false, "sshd does not read " + ours + ": " + config.sshd_config + " does not Include it",
                   "add 'Include " + config.sshd_dropin_dir + "/*.conf' at the top of " + config.sshd_config});
    return;
  }
  if (order->before.empty()) out.push_back({true, "no Match block comes before the tenants' block in " + ours, ""});
  for (const SshdDirective& d : order->before) out.push_back({false, describe_before(d, ours), kSshdOrderFix});
}

// The settings of `user` on each of `where`.
void audit_tenant(const Config& config, Sshd& sshd, const std::string& user, const std::vector<SshdListener>& where,
                  std::vector<bus::Finding>& out) {
  std::vector<std::string> good;
  for (const SshdListener& at : where) {
    auto eff = sshd.effective(user, at);
    if (!eff) {
      out.push_back({false, "sshd -T for " + user + " on " + at.str() + ": " + eff.error().message,
                     "fix sshd's configuration (sshd -t)"});
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
    if (wrong.empty()) good.push_back(at.str());
    else out.push_back({false, "sshd gives tenant " + user + " on " + at.str() + ": " + join(wrong, ", "),
                        "is " + user + " still in group " + config.tenant_group +
                            "? Otherwise a global setting the tenants' block does not set (PermitUserEnvironment) "
                            "or a Match block before it wins: fix it in " + config.sshd_config});
  }
  if (!good.empty())
    out.push_back({true, "sshd gives " + user + " the tenant's restrictions on " + join(good, ", "), ""});
}

// What comes before the tenants' block, then sshd -T (about 10 ms each):
// each tenant on the first address sshd listens on (a tenant taken out of
// the group shows only in its own settings), and the first tenant on every
// other one too (a Match LocalAddress or LocalPort shows only there). That
// is one run per tenant and one per further address, not their product.
void audit_sshd(const Config& config, const State& state, Sshd& sshd, std::vector<bus::Finding>& out) {
  if (state.tenants.empty()) return;
  audit_sshd_order(config, sshd, out);
  auto at = sshd.listeners();
  if (!at || at->empty()) {
    out.push_back({false, "sshd -T lists no address to check: " + (at ? std::string("none") : at.error().message),
                   "fix sshd's configuration (sshd -t)"});
    return;
  }
  bool first = true;
  for (const auto& [user, t] : state.tenants) {
    audit_tenant(config, sshd, user, first ? *at : std::vector<SshdListener>{at->front()}, out);
    first = false;
  }
}

}  // namespace

std::vector<bus::Finding> doctor(Jumphost& jh) {
  std::vector<bus::Finding> out;
  audit_forwarding(jh.host.files, out);
  if (Status w = check_wrapper(jh.host.files, jh.config.wrapper); !w)
    out.push_back({false, w.error().message + ": sshd runs it for every tenant",
                   "reinstall ipmi-wrapper root-owned and not writable by others, or fix 'wrapper' in the configuration"});
  else
    out.push_back({true, "wrapper " + jh.config.wrapper + " is root's and executable", ""});
  auto uids = jh.host.users.lookup_many(jh.state.tenant_names());
  DesiredHost desired = desired_host(jh.config, jh.state, uids ? *uids : std::map<std::string, uid_t>{},
                                     trunk_has_address(jh.config, jh.host));
  for (const Check& c : find_drift(jh.config, desired, jh.host)) out.push_back({c.ok, c.what, c.ok ? "" : c.fix});
  audit_sshd(jh.config, jh.state, jh.host.sshd, out);
  return out;
}

}  // namespace ij
