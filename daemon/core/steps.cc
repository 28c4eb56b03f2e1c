// The steps of enroll and revoke, shared by both; their content comes from
// the desired host (desired.h), as the reconcile's and the doctor's does.
#include "daemon/core/admin.h"

#include "common/base/log.h"
#include "daemon/core/desired.h"
#include "daemon/core/drift.h"
#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"
#include "daemon/render/sshd_order.h"
#include "daemon/state/state_json.h"

namespace ij {

Step Admin::keys_step(const State& next, const std::string& user) {
  DesiredFile f = desired_keys(jh_.config, next, user);
  return replace_file_step(jh_.host.files, "authorized keys", f.path, f.content, f.mode, f.group);
}

Status Admin::check_sshd_order() const {
  // sshd keeps the first value of each keyword from the Match blocks that
  // match a connection, so a site's block read before ours (a drop-in that
  // sorts first, or one around the Include) would win over the tenants'
  // restrictions for the connections it matches, and sshd -T for one
  // address would not show it (daemon/render/sshd_order.h).
  const std::string ours = dropin_path(jh_.config);
  auto order = read_sshd_order(jh_.config.sshd_config, ours, kSshdSystemDir, jh_.host.sshd.config_files());
  if (!order)
    return make_error(Errc::failed, "cannot read sshd's configuration in sshd's order: " + order.error().message +
                                        "; nothing was changed");
  if (!order->reaches_ours)
    return make_error(Errc::failed, "sshd does not read " + ours + ": " + jh_.config.sshd_config +
                                        " does not Include it: add 'Include " + jh_.config.sshd_dropin_dir +
                                        "/*.conf' at the top of " + jh_.config.sshd_config + "; nothing was changed");
  if (order->before.empty()) return ok_status();
  const size_t more = order->before.size() - 1;
  const std::string others = more ? " (and " + std::to_string(more) + " more: jumpctl doctor lists them)" : "";
  return make_error(Errc::failed, describe_before(order->before.front(), ours) + others + ": " + kSshdOrderFix +
                                      "; nothing was changed");
}

Step Admin::dropin_step(const State& next, const std::string& user, bool enrolling) {
  // One file for all tenants: it changes only when the first tenant comes
  // or the last one goes. Each enroll still checks that sshd gives `user`
  // the block (their group, no earlier Match overriding it); a revoke never
  // does: a check that fails must not keep a tenant's access.
  const DesiredFile f = desired_dropin(jh_.config, next);
  const std::optional<std::string> content = f.content;
  const bool changes = next.tenants.empty() != jh_.state.tenants.empty();
  const bool verify = enrolling && next.tenants.count(user) > 0;
  const std::string path = f.path;
  Step file = replace_file_step(jh_.host.files, "sshd drop-in", path, content, f.mode);
  Sshd* sshd = &jh_.host.sshd;
  const std::string wrapper = jh_.config.wrapper;
  auto left = std::make_shared<bool>(false);
  return Step{
      "sshd drop-in",
      [=]() -> Status {
        if (changes && content) IJ_TRY(sshd->check_candidate(*content));
        if (changes) IJ_TRY(file.apply());
        Status s = verify ? sshd->verify_effective(user, wrapper) : ok_status();
        if (s && changes) s = sshd->reload();
        if (!s && changes) {
          Status u = file.undo();
          if (!u) {
            *left = true;
            return s.error().with_context("(and restoring " + path + " failed: " + u.error().message + ")");
          }
        }
        return s;
      },
      [=]() -> Status {
        if (!changes) return ok_status();
        IJ_TRY(file.undo());
        return sshd->reload();
      },
      left,
  };
}

Result<Admin::Touch> Admin::touch(std::set<std::string> bmcs, std::set<std::string> users) const {
  auto t = std::make_shared<FirewallTouch>();
  t->bmcs = std::move(bmcs);
  t->users = std::move(users);
  t->addressed = trunks_with_address(jh_.config, jh_.host);
  return t;
}

Status Admin::write_whole_firewall(const State& to) {
  auto all = jh_.host.users.lookup_many(to.tenant_names());
  if (!all) return all.error();
  jh_.firewall_uids.reset();  // until the table is known to be this one
  IJ_TRY(jh_.host.firewall.apply(desired_firewall(jh_.config, to, *all, trunks_with_address(jh_.config, jh_.host))));
  jh_.firewall_uids = *all;
  return ok_status();
}

Status Admin::move_firewall(const State& from, const State& to, const FirewallTouch& t) {
  // What the table holds for the touched BMCs and tenants: their elements
  // with the uids the daemon wrote them with (Jumphost::firewall_uids).
  // What it must hold: the uids as the system has them now, looked up one
  // by one (a tenant without a user gets no element).
  if (!jh_.firewall_uids) {
    log::notice("firewall: which uids the table's elements carry is not known (the start could not check it); "
                "writing the whole table");
    return write_whole_firewall(to);
  }
  const std::map<std::string, uid_t>& written = *jh_.firewall_uids;
  std::map<std::string, uid_t> now;
  bool whole = false;
  for (const std::string& user : t.users) {
    if (!to.tenants.count(user)) continue;
    auto uid = jh_.host.users.lookup(user);
    if (!uid) return uid.error();
    if (uid->has_value()) now[user] = **uid;
    // A tenant whose user was deleted, or made again with another uid, by
    // someone else: the old uid's elements are in the table for every BMC
    // of theirs, not only the touched ones.
    auto mine = written.find(user);
    if (mine != written.end() && (!uid->has_value() || **uid != mine->second)) whole = true;
    // A uid the table has elements of under another name (that tenant's
    // user was deleted by hand and useradd gave its uid out again): they
    // would be this tenant's. A scan of the map, in memory.
    if (uid->has_value())
      for (const auto& [other, other_uid] : written)
        if (other != user && other_uid == **uid) whole = true;
  }
  if (whole) {
    log::warning("firewall: a tenant's uid is not the one its elements carry, or carries another tenant's (a user "
                 "deleted or made again by hand); writing the whole table");
    return write_whole_firewall(to);
  }
  const FirewallScope scope{&t.bmcs, &t.users};
  const FirewallSpec have = desired_firewall(jh_.config, from, written, t.addressed, scope);
  const FirewallSpec want = desired_firewall(jh_.config, to, now, t.addressed, scope);
  Status s = jh_.host.firewall.change(want, firewall_minus(have, want));
  if (!s) {
    // The table is missing, or not as the daemon left it.
    log::warning("firewall: " + s.error().message + "; writing the whole table instead");
    return write_whole_firewall(to);
  }
  for (const std::string& user : t.users) {
    if (auto u = now.find(user); u != now.end()) (*jh_.firewall_uids)[user] = u->second;
    else if (from.tenants.count(user)) jh_.firewall_uids->erase(user);  // its touched elements just went
  }
  return s;
}

Status Admin::drop_uid_elements(const std::string& user, const State& state, const FirewallTouch& t) {
  if (!jh_.firewall_uids) return write_whole_firewall(jh_.state);
  auto written = jh_.firewall_uids->find(user);
  if (written == jh_.firewall_uids->end()) return ok_status();
  const std::set<std::string> only{user};
  const FirewallSpec theirs =
      desired_firewall(jh_.config, state, {{user, written->second}}, t.addressed, FirewallScope{&t.bmcs, &only});
  FirewallSpec uid_only;  // the tenant's own elements, not the BMCs' or the trunks'
  uid_only.sets["tenant_uids"] = theirs.sets.count("tenant_uids") ? theirs.sets.at("tenant_uids") : std::set<std::string>{};
  uid_only.sets["tenant_ports"] = theirs.sets.count("tenant_ports") ? theirs.sets.at("tenant_ports") : std::set<std::string>{};
  Status s = jh_.host.firewall.change(FirewallSpec{}, uid_only);
  if (!s) {
    log::warning("firewall: " + s.error().message + "; writing the whole table instead");
    return write_whole_firewall(jh_.state);
  }
  jh_.firewall_uids->erase(user);
  return s;
}

Admin::Snapshots Admin::snapshots(const State& next) const {
  return {std::make_shared<const State>(jh_.state), std::make_shared<const State>(next)};
}

Step Admin::firewall_step(const Snapshots& s, Touch t) {
  auto before = s.before, after = s.after;
  return Step{"firewall", [=, this] { return move_firewall(*before, *after, *t); },
              [=, this] { return move_firewall(*after, *before, *t); }};
}

Step Admin::check_step(const Enrollment& e) {
  Checker checker = checker_;
  return Step{"IPMI check",
              [checker, e]() -> Status {
                if (!checker) return make_error(Errc::failed, "this daemon cannot check BMCs");
                auto p = checker(e);
                if (!p) return p.error();
                if (!p->credentials_ok)
                  return make_error(Errc::access_denied, p->error.empty() ? "BMC " + e.name + " refused the credentials"
                                                                          : p->error);
                return ok_status();
              },
              [] { return ok_status(); }};
}

Step Admin::user_step(const Snapshots& snap, const std::string& user, bool create, Touch t) {
  Users* users = &jh_.host.users;
  const Config& c = jh_.config;
  auto before = snap.before, after = snap.after;
  auto left = std::make_shared<bool>(false);
  // A new user gets a new uid: the firewall's elements follow it (and those
  // of the uid the user had, in a rollback of a removal, go).
  auto add = [=, this, &c](const State& rules) -> Status {
    IJ_TRY(users->add(user, c.tenant_group, c.wrapper, c.tenant_home));
    Status s = move_firewall(rules, rules, *t);
    if (!s)
      if (Status back = users->remove(user); !back) {
        *left = true;
        return make_error(s.error().code, s.error().message + "; removing user " + user + " failed too: " + back.error().message);
      }
    return s;
  };
  // A revoke's user goes, and the link step after it takes its elements
  // with the BMC's; a user this change made and now takes back goes with
  // its uid's elements at once (no later step would).
  auto remove = [=]() -> Status { return users->remove(user); };
  auto take_back = [=, this]() -> Status {
    IJ_TRY(users->remove(user));
    return drop_uid_elements(user, *after, *t);
  };
  if (create) return Step{"Unix user", [=] { return add(*after); }, take_back, left};
  return Step{"Unix user", remove, [=] { return add(*before); }, left};
}

Step Admin::link_step(const Snapshots& snap, const Enrollment& e, bool create, Touch t) {
  Links* links = &jh_.host.links;
  const DesiredLink link = desired_link(jh_.config, e);
  // Rendered when the step runs: the uids are those of that moment.
  auto before = snap.before, after = snap.after;
  // The rules that cover the link, then the link; on failure, `fallback`'s rules.
  // The trunk closes with its first VLAN link (hardened before the link
  // exists); a rollback of that enroll puts its settings back. A revoke
  // never loosens it.
  auto trunk_before = std::make_shared<std::optional<std::vector<KernelSetting>>>();
  auto left = std::make_shared<bool>(false);
  auto reopen = [=]() -> Status {
    if (!*trunk_before) return ok_status();
    Status r = links->restore(**trunk_before);
    trunk_before->reset();
    return r;
  };
  auto up = [=, this](const State& rules, const State& fallback) -> Status {
    if (trunk_closed(jh_.config, rules, link.trunk, t->addressed) && !trunk_closed(jh_.config, fallback, link.trunk, {})) {
      auto before = links->harden(link.trunk);
      if (!before) return before.error();
      *trunk_before = *before;
    }
    Status s = move_firewall(fallback, rules, *t);
    if (s) {
      s = links->create_vlan(link.trunk, link.vid, link.name, link.address);
      // create_vlan removes a link it half made, and says so when it cannot:
      // the host is asked rather than the message (a link that was there
      // before, Errc::exists, is not this step's).
      if (!s && s.error().code != Errc::exists)
        if (auto still = links->inspect(link.name); !still || *still) *left = true;
      if (!s)
        if (Status back = move_firewall(rules, fallback, *t); !back) {
          *left = true;
          s = make_error(s.error().code, s.error().message + "; restoring the firewall failed too: " + back.error().message);
        }
    }
    if (!s)
      if (Status back = reopen(); !back) {
        *left = true;
        return make_error(s.error().code, s.error().message + "; restoring the trunk's settings failed too: " + back.error().message);
      }
    return s;
  };
  // The link, then the rules without it (a failure there leaves the link
  // gone: something this step cannot take back).
  auto down = [=, this](const State& from, const State& rules) -> Status {
    IJ_TRY(links->remove(link.name));
    Status s = move_firewall(from, rules, *t);
    if (!s) *left = true;
    return s;
  };
  if (create)
    return Step{"VLAN link", [=] { return up(*after, *before); },
                [=]() -> Status {
                  IJ_TRY(down(*after, *before));
                  return reopen();
                },
                left};
  return Step{"VLAN link", [=] { return down(*before, *after); }, [=] { return up(*before, *after); }, left};
}

Step Admin::hosts_step(const State& next) {
  Files* files = &jh_.host.files;
  const DesiredFile f = desired_hosts(jh_.config, next);
  const std::string path = f.path, block = *f.content;
  const mode_t mode = f.mode;
  auto before = std::make_shared<std::optional<std::string>>();
  return Step{
      "/etc/hosts entry",
      [=]() -> Status {
        auto old = files->read(path);
        if (!old) return old.error();
        *before = *old;
        auto merged = merge_hosts_block(path, old->value_or(""), block);
        if (!merged) return merged.error();
        return files->write(path, *merged, mode, "");
      },
      [=]() -> Status { return *before ? files->write(path, **before, mode, "") : files->remove(path); },
  };
}

Step Admin::state_step(const State& next) {
  // The state holds BMC passwords: 0600 in a 0700 directory. At 4,094 BMCs
  // the file is 3 MB and the state thousands of nodes: it is written once,
  // never read back (an undo writes the previous state again, or removes
  // the file there was none), and the states are moved, not copied.
  Files* files = &jh_.host.files;
  const std::string path = jh_.config.state_file();
  auto text = std::make_shared<std::string>(serialize_state(next));
  auto incoming = std::make_shared<State>(next);
  auto previous = std::make_shared<State>();
  auto existed = std::make_shared<bool>(false);
  State* live = &jh_.state;
  uint64_t* generation = &jh_.generation;
  Commit* commit = commit_;  // deferred: the bus thread takes the state in
  return Step{
      "state record",
      [=]() -> Status {
        auto had = files->access(path);
        if (!had) return had.error();
        *existed = had->has_value();
        IJ_TRY(files->write(path, *text, 0600, ""));
        if (commit) {
          commit->state = std::move(*incoming);
          return ok_status();
        }
        *previous = std::move(*live);
        *live = std::move(*incoming);
        ++*generation;
        return ok_status();
      },
      [=]() -> Status {
        if (commit) {
          commit->state.reset();
          return *existed ? files->write(path, serialize_state(*live), 0600, "") : files->remove(path);
        }
        *live = std::move(*previous);
        ++*generation;
        return *existed ? files->write(path, serialize_state(*live), 0600, "") : files->remove(path);
      },
  };
}

}  // namespace ij
