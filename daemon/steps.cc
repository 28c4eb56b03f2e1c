// The file steps of enroll and revoke, shared by both.
#include "common/render/firewall.h"
#include "common/render/hosts.h"
#include "common/render/sshd.h"
#include "common/state/state_json.h"
#include "daemon/jumphost.h"

namespace ij {

Step Jumphost::keys_step(const State& next, const std::string& user) {
  auto it = next.tenants.find(user);
  std::optional<std::string> content;
  if (it != next.tenants.end()) content = render_authorized_keys(next, it->second, config_.wrapper);
  return replace_file_step(host_.files, "authorized keys", authorized_keys_path(config_, user), content, 0644);
}

Step Jumphost::dropin_step(const State& next, const std::string& user) {
  const std::string path = dropin_path(config_, user);
  std::optional<std::string> content;
  if (next.tenants.count(user)) content = render_sshd_dropin(config_, next, user);
  Step file = replace_file_step(host_.files, "sshd drop-in", path, content, 0644);
  Sshd* sshd = &host_.sshd;
  const std::string wrapper = config_.wrapper;
  return Step{
      "sshd drop-in",
      [=]() -> Status {
        if (content) IJ_TRY(sshd->check_candidate(user, *content));
        IJ_TRY(file.apply());
        Status s = content ? sshd->verify_effective(user, wrapper) : ok_status();
        if (s) s = sshd->reload();
        if (!s) {
          Status u = file.undo();
          if (!u) return s.error().with_context("(and restoring " + path + " failed: " + u.error().message + ")");
        }
        return s;
      },
      [=]() -> Status {
        IJ_TRY(file.undo());
        return sshd->reload();
      },
  };
}

Step Jumphost::link_step(const State& next, const Enrollment& e, bool create) {
  Links* links = &host_.links;
  Firewall* firewall = &host_.firewall;
  const std::string trunk = config_.trunk;
  const std::string before = render_firewall(state_);
  const std::string after = render_firewall(next);
  // The rules that cover the link, then the link; on failure, `fallback`'s rules.
  auto up = [=](const std::string& rules, const std::string& fallback) -> Status {
    IJ_TRY(firewall->apply(rules));
    Status s = links->create_vlan(trunk, e.vlan, e.link, e.jumphost_address);
    if (!s)
      if (Status back = firewall->apply(fallback); !back)
        return make_error(s.error().code, s.error().message + "; restoring the firewall failed too: " + back.error().message);
    return s;
  };
  // The link, then the rules without it.
  auto down = [=](const std::string& rules) -> Status {
    IJ_TRY(links->remove(e.link));
    return firewall->apply(rules);
  };
  if (create) return Step{"VLAN link", [=] { return up(after, before); }, [=] { return down(before); }};
  return Step{"VLAN link", [=] { return down(after); }, [=] { return up(before, after); }};
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
