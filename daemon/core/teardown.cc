#include "daemon/core/teardown.h"

#include "common/base/log.h"
#include "daemon/core/desired.h"
#include "daemon/core/drift.h"

namespace ij {
namespace {

// Records and logs one part of the teardown.
class Recorder {
 public:
  explicit Recorder(TeardownReport& r) : r_(r) {}
  void operator()(const std::string& what, const Status& s) {
    if (s) {
      r_.done.push_back(what);
      log::notice("teardown: " + what);
    } else {
      r_.failed.push_back(what + ": " + s.error().message);
      log::error("teardown: " + what + ": FAILED: " + s.error().message);
    }
  }

 private:
  TeardownReport& r_;
};

}  // namespace

TeardownReport teardown(Jumphost& jh) {
  TeardownReport report;
  Recorder record(report);
  Host& host = jh.host;
  const Config& c = jh.config;

  // Access first: the daemon's files as the host would be for an empty
  // state, through the reconcile's own checks and repairs: the drop-in and
  // every keys file removed (no tenant logs in again), the hosts block
  // taken out of the operator's file.
  const DesiredHost none = desired_host(c, State{}, {}, {});
  bool sshd_changed = false;
  for (const Check& check : find_file_drift(none, host)) {
    if (check.ok) continue;
    const std::string what = check.subject == c.hosts_file ? "the BMC block from " + check.subject : check.subject;
    // A check without a repair (a file that cannot be read, a directory
    // that cannot be listed, broken hosts markers) fails with what it says.
    Status s = repair(c, check, none, host);
    record((s ? "removed " : "remove ") + what, s);
    sshd_changed |= s && check.file && check.file->sshd;
  }
  if (sshd_changed) record("reloaded sshd", host.sshd.reload());

  // What is live: the tenants' logins and forwards (their processes), and
  // any connection to a BMC.
  for (const auto& [user, tenant] : jh.state.tenants)
    record("ended the sessions of " + user, host.users.end_sessions(user));
  for (const auto& [name, e] : jh.state.enrollments)
    record("closed the connections to " + name + " (" + e.bmc_address.address.str() + ")",
           host.sockets.close_to(e.bmc_address.address));

  // The links, then the users, then the rules that covered both.
  for (const auto& [name, e] : jh.state.enrollments) {
    auto info = host.links.inspect(e.link);
    if (info && !info->has_value()) continue;
    record("removed VLAN link " + e.link + " (" + name + ")", info ? host.links.remove(e.link) : Status(info.error()));
  }
  for (const auto& [user, tenant] : jh.state.tenants) {
    auto uid = host.users.lookup(user);
    if (uid && !uid->has_value()) continue;
    record("removed user " + user, uid ? host.users.remove(user) : Status(uid.error()));
  }
  record("removed the firewall table", host.firewall.remove());

  report.kept.push_back("the state (" + std::to_string(jh.state.enrollments.size()) + " enrollment(s), " +
                        std::to_string(jh.state.tenants.size()) + " tenant(s)) in " + c.state_file() +
                        ": a reinstall restores everything from it; a purge deletes it");
  report.kept.push_back("the configuration in /etc/ipmi-jumphost, the groups " + c.tenant_group + " and " +
                        c.admin_group);
  for (const std::string& trunk : closed_trunks(c, jh.state, {}))
    report.kept.push_back("the trunk " + trunk + "'s hardened per-link settings, until the next boot");
  return report;
}

}  // namespace ij
