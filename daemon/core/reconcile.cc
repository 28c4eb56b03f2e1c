#include "daemon/core/reconcile.h"

#include <set>

#include "common/base/log.h"
#include "daemon/core/drift.h"

namespace ij {

ReconcileReport reconcile(Jumphost& jh) {
  ReconcileReport report;
  auto uids = jh.host.users.lookup_many(jh.state.tenant_names());
  // The uids the table's elements are written with, for the changes after.
  std::map<std::string, uid_t> written = uids ? *uids : std::map<std::string, uid_t>{};
  DesiredHost desired = desired_host(jh.config, jh.state, written, trunks_with_address(jh.config, jh.host));
  std::vector<Check> checks = find_drift(jh.config, desired, jh.host);

  bool users_added = false, sshd_changed = false, firewall_done = false;
  std::set<std::string> links_done;
  for (const Check& c : checks) {
    const bool firewall_check = c.repair == Repair::apply_firewall;
    // Recreated users have new uids: the firewall follows them, before any
    // link (no link without its rules), whether or not it had drifted.
    if (users_added && !firewall_done && c.repair != Repair::add_user) {
      firewall_done = true;
      auto now = jh.host.users.lookup_many(jh.state.tenant_names());
      written = now ? *now : std::map<std::string, uid_t>{};
      desired.firewall = desired_firewall(jh.config, jh.state, written, desired.addressed);
      auto same = jh.host.firewall.matches(desired.firewall);
      if (!same || !*same || firewall_check) {
        if (Status s = jh.host.firewall.apply(desired.firewall); !s) {
          log::error("reconcile: " + s.error().message);
          report.failed.push_back(firewall_check ? c.subject : "firewall");
        } else {
          log::warning("drift: the firewall table follows the recreated users' uids; rewritten");
          if (firewall_check) report.repaired.push_back(c.subject);
        }
      }
      if (firewall_check) continue;
    }
    if (c.ok) continue;
    if (firewall_check && firewall_done) continue;
    // One repair per link, however many of its settings drifted.
    if (c.link && !links_done.insert(c.link->name).second) continue;
    Status s = repair(jh.config, c, desired, jh.host);
    if (!s) {
      log::error("reconcile: " + s.error().message);
      report.failed.push_back(c.subject);
      continue;
    }
    log::warning("drift: " + c.what + "; " + repair_done(c.repair));
    report.repaired.push_back(c.subject);
    users_added |= c.repair == Repair::add_user;
    firewall_done |= firewall_check;
    sshd_changed |= c.file && c.file->sshd;
  }
  jh.firewall_uids = written;
  if (sshd_changed) {
    if (Status s = jh.host.sshd.reload(); !s) {
      log::error("reconcile: " + s.error().message);
      report.failed.push_back("sshd reload");
    }
  }
  log::info("reconcile: " + std::to_string(jh.state.enrollments.size()) + " enrollment(s), " +
            std::to_string(jh.state.tenants.size()) + " tenant(s), " + std::to_string(report.problems()) +
            " problem(s)");
  return report;
}

}  // namespace ij
