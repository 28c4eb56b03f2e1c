#include "daemon/core/teardown.h"

#include "common/base/log.h"
#include "common/base/strings.h"
#include "daemon/core/desired.h"
#include "daemon/render/hosts.h"

namespace ij {
namespace {

class Recorder {
 public:
  explicit Recorder(TeardownReport& r) : r_(r) {}
  // Records and logs one part; true when it was done.
  bool operator()(const std::string& what, const Status& s) {
    if (s) {
      r_.done.push_back(what);
      log::notice("teardown: " + what);
      return true;
    }
    r_.failed.push_back(what + ": " + s.error().message);
    log::error("teardown: " + what + ": FAILED: " + s.error().message);
    return false;
  }

 private:
  TeardownReport& r_;
};

// Removes `path` when it is there; false when it was not.
Result<bool> remove_if_there(Files& files, const std::string& path) {
  auto there = files.access(path);
  if (!there) return there.error();
  if (!there->has_value()) return false;
  IJ_TRY(files.remove(path));
  return true;
}

}  // namespace

TeardownReport teardown(Jumphost& jh) {
  TeardownReport report;
  Recorder record(report);
  Host& host = jh.host;
  const Config& c = jh.config;
  const State empty;

  // Access first: without its keys file and the drop-in no tenant logs in
  // again; the desired host for an empty state lists the daemon's own files.
  DesiredHost none = desired_host(c, empty, {}, false);
  bool sshd_changed = false;
  for (const OwnedDir& d : none.owned_dirs) {
    auto names = host.files.list(d.dir);
    if (!names) {
      record("list " + d.dir, names.error());
      continue;
    }
    for (const std::string& n : *names) {
      if (!d.owned(n)) continue;
      const std::string path = d.dir + "/" + n;
      auto removed = remove_if_there(host.files, path);
      if (!removed) {
        record("remove " + path, removed.error());
      } else if (*removed) {
        record("removed " + path, ok_status());
        sshd_changed |= d.sshd;
      }
    }
  }
  if (sshd_changed) record("reloaded sshd", host.sshd.reload());

  // What is live: the tenants' logins and forwards (their processes), and
  // any connection to a BMC.
  for (const auto& [user, tenant] : jh.state.tenants)
    record("ended the sessions of " + user, host.users.end_sessions(user));
  for (const auto& [name, e] : jh.state.enrollments)
    record("closed the connections to " + name + " (" + e.bmc_address.address.str() + ")",
           host.sockets.close_to(e.bmc_address.address));

  // The hosts block (the operator's lines are kept).
  {
    auto text = host.files.read(c.hosts_file);
    Status s = text ? ok_status() : Status(text.error());
    bool had_block = false;
    if (s && text->has_value()) {
      auto merged = merge_hosts_block(c.hosts_file, **text, render_hosts_block(empty));
      if (!merged) {
        s = merged.error();
      } else if (*merged != **text) {
        had_block = true;
        s = host.files.write(c.hosts_file, *merged, 0644, "");
      }
    }
    if (!s || had_block) record("removed the BMC block from " + c.hosts_file, s);
  }

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
  if (!jh.state.enrollments.empty() && !c.trunk_untagged_allowed)
    report.kept.push_back("the trunk " + c.trunk + "'s hardened per-link settings, until the next boot");
  return report;
}

}  // namespace ij
