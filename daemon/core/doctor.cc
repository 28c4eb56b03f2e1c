#include "daemon/core/doctor.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <system_error>
#include <thread>

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
// read the files as sshd does (daemon/render/sshd_order.h). True when none
// does and sshd reads ours.
bool audit_sshd_order(const Config& config, Sshd& sshd, std::vector<bus::Finding>& out) {
  const std::string ours = dropin_path(config);
  auto order = read_sshd_order(config.sshd_config, ours, kSshdSystemDir, sshd.config_files());
  if (!order) {
    out.push_back({false, "cannot read sshd's configuration in sshd's order: " + order.error().message,
                   "fix it (sshd -t)"});
    return false;
  }
  if (!order->reaches_ours) {
    out.push_back({false, "sshd does not read " + ours + ": " + config.sshd_config + " does not Include it",
                   "add 'Include " + config.sshd_dropin_dir + "/*.conf' at the top of " + config.sshd_config});
    return false;
  }
  if (order->before.empty()) out.push_back({true, "no Match block comes before the tenants' block in " + ours, ""});
  for (const SshdDirective& d : order->before) out.push_back({false, describe_before(d, ours), kSshdOrderFix});
  return order->before.empty();
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

// Runs `each(i, out_i)` for i in [0, n) on at most kDoctorThreads threads
// (each sshd -T is a process of its own, about 10 ms), the findings kept in
// the order of i.
constexpr size_t kDoctorThreads = 8;
void in_parallel(size_t n, const std::function<void(size_t, std::vector<bus::Finding>&)>& each,
                 std::vector<bus::Finding>& out) {
  std::vector<std::vector<bus::Finding>> parts(n);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) each(i, parts[i]);
  };
  std::vector<std::thread> threads;
  const size_t extra = std::min(n, kDoctorThreads) - (n ? 1 : 0);
  try {
    for (size_t t = 0; t < extra; ++t) threads.emplace_back(worker);
  } catch (const std::system_error&) {
    // No more threads (TasksMax): the ones there and this one do it all.
  }
  worker();
  for (std::thread& t : threads) t.join();
  for (auto& part : parts)
    for (bus::Finding& f : part) out.push_back(std::move(f));
}

// What comes before the tenants' block, then sshd -T (about 10 ms each) for
// the first tenant on every address sshd listens on (a Match LocalAddress or
// LocalPort shows only there). For every other tenant, what sshd -T would
// show follows from facts that are cheaper to read, when no Match block
// comes before ours: sshd applies the first value of a keyword among the
// Match blocks that match, so every keyword our block sets (all those
// checked but PermitUserEnvironment, which sshd allows only globally, the
// same for everyone) has our value for every user our block matches — and
// it matches exactly the members of the tenant group (Match Group: sshd asks
// getgrouplist, as in_group does); the drift check has compared our block
// with what it must be. So each other tenant costs a group lookup, not a
// process. When a Match block does come first, each tenant gets their own
// sshd -T on the first address, at most kDoctorThreads at a time.
void audit_sshd(const Config& config, const State& state, const std::map<std::string, uid_t>& uids, Users& users,
                Sshd& sshd, std::vector<bus::Finding>& out) {
  if (state.tenants.empty()) return;
  const bool first_block = audit_sshd_order(config, sshd, out);
  auto at = sshd.listeners();
  if (!at || at->empty()) {
    out.push_back({false, "sshd -T lists no address to check: " + (at ? std::string("none") : at.error().message),
                   "fix sshd's configuration (sshd -t)"});
    return;
  }
  // The full sshd -T for a tenant sshd gives the block to (the first in
  // the group with a user), so that it checks what the others follow.
  std::vector<std::string> tenants;
  for (const auto& [user, t] : state.tenants) tenants.push_back(user);
  for (size_t i = 0; i < tenants.size(); ++i) {
    auto in = users.in_group(tenants[i], config.tenant_group);
    if (uids.count(tenants[i]) && in && *in) {
      std::rotate(tenants.begin(), tenants.begin() + static_cast<std::ptrdiff_t>(i), tenants.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      break;
    }
  }
  audit_tenant(config, sshd, tenants.front(), *at, out);
  if (tenants.size() == 1) return;
  if (!first_block) {
    in_parallel(
        tenants.size() - 1,
        [&](size_t i, std::vector<bus::Finding>& part) {
          audit_tenant(config, sshd, tenants[i + 1], {at->front()}, part);
        },
        out);
    return;
  }
  size_t members = 0;
  for (size_t i = 1; i < tenants.size(); ++i) {
    if (!uids.count(tenants[i])) continue;  // a missing user: the drift check says so
    auto in = users.in_group(tenants[i], config.tenant_group);
    if (in && *in) {
      ++members;
      continue;
    }
    out.push_back({false,
                   "tenant " + tenants[i] + (in ? " is not in group " + config.tenant_group +
                                                       ": sshd does not give them the tenants' block"
                                                 : ": cannot tell whether they are in group " + config.tenant_group +
                                                       ": " + in.error().message),
                   "usermod -g " + config.tenant_group + " " + tenants[i] + ", or restart the daemon"});
  }
  if (members)
    out.push_back({true, "sshd gives the " + std::to_string(members) + " other tenant(s) the same block: each is in group " +
                             config.tenant_group + " and no Match block comes before it",
                   ""});
}

}  // namespace

std::vector<bus::Finding> doctor(const Config& config, const State& state, Host& host) {
  std::vector<bus::Finding> out;
  audit_forwarding(host.files, out);
  if (Status w = check_wrapper(host.files, config.wrapper); !w)
    out.push_back({false, w.error().message + ": sshd runs it for every tenant",
                   "reinstall ipmi-wrapper root-owned and not writable by others, or fix 'wrapper' in the configuration"});
  else
    out.push_back({true, "wrapper " + config.wrapper + " is root's and executable", ""});
  auto uids = host.users.lookup_many(state.tenant_names());
  DesiredHost desired = desired_host(config, state, uids ? *uids : std::map<std::string, uid_t>{},
                                     trunks_with_address(config, host));
  for (const Check& c : find_drift(config, desired, host)) out.push_back({c.ok, c.what, c.ok ? "" : c.fix});
  audit_sshd(config, state, uids ? *uids : std::map<std::string, uid_t>{}, host.users, host.sshd, out);
  return out;
}

std::vector<bus::Finding> doctor(Jumphost& jh) { return doctor(jh.config, jh.state, jh.host); }

}  // namespace ij
