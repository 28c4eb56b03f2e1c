#include "daemon/core/reconcile.h"

#include <set>

#include "common/base/log.h"
#include "daemon/core/drift.h"
#include "daemon/render/firewall.h"

namespace ij {

ReconcileReport reconcile(Jumphost& jh) {
  ReconcileReport report;
  auto uids = jh.host.users.lookup_many(jh.state.tenant_names());
  // The uids the table's elements are written with, for the changes after.
  std::map<std::string, uid_t> written = uids ? *uids : std::map<std::string, uid_t>{};
  DesiredHost desired = desired_host(jh.config, jh.state, written, trunks_with_address(jh.config, jh.host));
  std::vector<Check> checks = find_drift(jh.config, desired, jh.host);

  bool users_added = false, sshd_changed = false, firewall_done = false;
  // Whether the live table is known to be the desired one (matched, or
  // written): only then are `written`'s uids those of its elements, and only
  // then may a link be made (no link without its rules).
  bool firewall_known = true;
  const std::string table = std::string(kFirewallFamily) + " " + kFirewallTable;
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
          firewall_known = false;
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
    if (c.repair == Repair::create_link && !firewall_known) {
      log::error("reconcile: " + c.what + ": not made, as the firewall table could not be checked or written");
      report.failed.push_back(c.subject);
      continue;
    }
    // One repair per link, however many of its settings drifted.
    if (c.link && !links_done.insert(c.link->name).second) continue;
    Status s = repair(jh.config, c, desired, jh.host);
    if (!s) {
      log::error("reconcile: " + s.error().message);
      report.failed.push_back(c.subject);
      if (c.subject == table) firewall_known = false;
      continue;
    }
    log::warning("drift: " + c.what + "; " + repair_done(c.repair));
    report.repaired.push_back(c.subject);
    users_added |= c.repair == Repair::add_user;
    firewall_done |= firewall_check;
    sshd_changed |= c.file && c.file->sshd;
  }
  if (firewall_known) jh.firewall_uids = written;
  else jh.firewall_uids.reset();
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
