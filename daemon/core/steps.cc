// The file steps of enroll and revoke, shared by both.
#include "daemon/render/firewall.h"
#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"
#include "daemon/state/state_json.h"
#include "daemon/core/jumphost.h"

namespace ij {

Step Jumphost::keys_step(const State& next, const std::string& user) {
  auto it = next.tenants.find(user);
  std::optional<std::string> content;
  if (it != next.tenants.end()) content = render_authorized_keys(next, it->second, config_.wrapper);
  return replace_file_step(host_.files, "authorized keys", authorized_keys_path(config_, user), content, 0644);
}

Step Jumphost::dropin_step(const State& next, const std::string& user) {
  // One file for all tenants: it changes only when the first tenant comes
  // or the last one goes. Each enroll or revoke still checks that sshd
  // gives `user` the block (their group, no earlier Match overriding it).
  std::optional<std::string> content;
  if (!next.tenants.empty()) content = render_sshd_dropin(config_);
  const bool changes = next.tenants.empty() != state_.tenants.empty();
  const bool verify = next.tenants.count(user) > 0;
  const std::string path = dropin_path(config_);
  Step file = replace_file_step(host_.files, "sshd drop-in", path, content, 0644);
  Sshd* sshd = &host_.sshd;
  const std::string wrapper = config_.wrapper;
  return Step{
      "sshd drop-in",
      [=]() -> Status {
        if (changes && content) IJ_TRY(sshd->check_candidate(*content));
        if (changes) IJ_TRY(file.apply());
        Status s = verify ? sshd->verify_effective(user, wrapper) : ok_status();
        if (s && changes) s = sshd->reload();
        if (!s && changes) {
          Status u = file.undo();
          if (!u) return s.error().with_context("(and restoring " + path + " failed: " + u.error().message + ")");
        }
        return s;
      },
      [=]() -> Status {
        if (!changes) return ok_status();
        IJ_TRY(file.undo());
        return sshd->reload();
      },
  };
}

std::map<std::string, uid_t> Jumphost::tenant_uids(const State& s) const {
  // A user that cannot be looked up gets no rule: it can open nothing.
  auto uids = host_.users.lookup_many(s.tenant_names());
  return uids ? *uids : std::map<std::string, uid_t>{};
}

std::string Jumphost::firewall_for(const State& s) const { return render_firewall(s, tenant_uids(s)); }

Step Jumphost::user_step(const State& next, const std::string& user, bool create) {
  Users* users = &host_.users;
  Firewall* firewall = &host_.firewall;
  const Config& c = config_;
  auto before = std::make_shared<const State>(state_);
  auto after = std::make_shared<const State>(next);
  // A new user gets a new uid: the firewall's per-uid rules follow it.
  auto add = [=, this, &c](const State& rules) -> Status {
    IJ_TRY(users->add(user, c.tenant_group, c.wrapper, c.tenant_home));
    Status s = firewall->apply(firewall_for(rules));
    if (!s)
      if (Status back = users->remove(user); !back)
        return make_error(s.error().code, s.error().message + "; removing user " + user + " failed too: " + back.error().message);
    return s;
  };
  auto remove = [=]() -> Status { return users->remove(user); };
  if (create) return Step{"Unix user", [=] { return add(*after); }, remove};
  return Step{"Unix user", remove, [=] { return add(*before); }};
}

Step Jumphost::link_step(const State& next, const Enrollment& e, bool create) {
  Links* links = &host_.links;
  Firewall* firewall = &host_.firewall;
  const std::string trunk = config_.trunk;
  // Rendered when the step runs: the uids are those of that moment.
  auto before = std::make_shared<const State>(state_);
  auto after = std::make_shared<const State>(next);
  // The rules that cover the link, then the link; on failure, `fallback`'s rules.
  auto up = [=, this](const State& rules, const State& fallback) -> Status {
    IJ_TRY(firewall->apply(firewall_for(rules)));
    Status s = links->create_vlan(trunk, e.vlan, e.link, e.jumphost_address);
    if (!s)
      if (Status back = firewall->apply(firewall_for(fallback)); !back)
        return make_error(s.error().code, s.error().message + "; restoring the firewall failed too: " + back.error().message);
    return s;
  };
  // The link, then the rules without it.
  auto down = [=, this](const State& rules) -> Status {
    IJ_TRY(links->remove(e.link));
    return firewall->apply(firewall_for(rules));
  };
  if (create) return Step{"VLAN link", [=] { return up(*after, *before); }, [=] { return down(*before); }};
  return Step{"VLAN link", [=] { return down(*after); }, [=] { return up(*before, *after); }};
}

Step Jumphost::hosts_step(const State& next) {
  Files* files = &host_.files;
  const std::string path = config_.hosts_file;
  const std::string block = render_hosts_block(next);
  auto before = std::make_shared<std::optional<std::string>>();
  return Step{
      "/etc/hosts entry",
      [=]() -> Status {
        auto old = files->read(path);
        if (!old) return old.error();
        *before = *old;
        auto merged = merge_hosts_block(path, old->value_or(""), block);
        if (!merged) return merged.error();
        return files->write(path, *merged, 0644);
      },
      [=]() -> Status { return *before ? files->write(path, **before, 0644) : files->remove(path); },
  };
}

Step Jumphost::state_step(const State& next) {
  // The state holds BMC passwords: 0600 in a 0700 directory.
  Step file = replace_file_step(host_.files, "state record", config_.state_file(), serialize_state(next), 0600);
  State* live = &state_;
  auto previous = std::make_shared<State>();
  return Step{
      file.name,
      [=]() -> Status {
        IJ_TRY(file.apply());
        *previous = *live;
        *live = next;
        return ok_status();
      },
      [=]() -> Status {
        *live = *previous;
        return file.undo();
      },
  };
}

}  // namespace ij
