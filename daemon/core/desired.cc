#include "daemon/core/desired.h"

#include "common/base/strings.h"
#include "daemon/render/firewall.h"
#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"

namespace ij {

std::string desired_firewall(const State& state, const std::map<std::string, uid_t>& uids) {
  return render_firewall(state, uids);
}

DesiredLink desired_link(const Config& config, const Enrollment& e) {
  return DesiredLink{e.name, e.link, config.trunk, e.vlan, e.jumphost_address, link_hardening(e.link)};
}

DesiredFile desired_hosts(const Config& config, const State& state) {
  DesiredFile f{"hosts file", config.hosts_file, render_hosts_block(state)};
  f.block = true;
  return f;
}

DesiredFile desired_keys(const Config& config, const State& state, const std::string& user) {
  DesiredFile f{"keys file", authorized_keys_path(config, user), std::nullopt};
  if (auto t = state.tenants.find(user); t != state.tenants.end())
    f.content = render_authorized_keys(state, t->second, config.wrapper);
  return f;
}

DesiredFile desired_dropin(const Config& config, const State& state) {
  // One file for all tenants, there while there is a tenant.
  DesiredFile f{"sshd drop-in", dropin_path(config), std::nullopt};
  if (!state.tenants.empty()) f.content = render_sshd_dropin(config);
  f.sshd = true;
  return f;
}

DesiredHost desired_host(const Config& config, const State& state, const std::map<std::string, uid_t>& uids) {
  DesiredHost d;
  d.firewall = desired_firewall(state, uids);
  for (const auto& [user, t] : state.tenants) d.users.push_back(user);
  for (const auto& [name, e] : state.enrollments) d.links.push_back(desired_link(config, e));
  d.files.push_back(desired_hosts(config, state));
  for (const auto& [user, t] : state.tenants) d.files.push_back(desired_keys(config, state, user));
  d.files.push_back(desired_dropin(config, state));
  // keys_dir holds the tenants' keys files and nothing else; in the drop-in
  // directory ours is ipmi-jumphost.conf, and the per-tenant drop-ins of the
  // first versions (ipmi-jumphost-USER.conf) are strays.
  d.owned_dirs.push_back(OwnedDir{config.keys_dir, [](const std::string&) { return true; }, false});
  const std::string ours = dropin_path(config).substr(config.sshd_dropin_dir.size() + 1);
  d.owned_dirs.push_back(OwnedDir{config.sshd_dropin_dir,
                                  [ours](const std::string& n) {
                                    const std::string prefix = kLegacyDropinPrefix, suffix = ".conf";
                                    bool legacy = n.size() > prefix.size() + suffix.size() && starts_with(n, prefix) &&
                                                  n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
                                    return legacy || n == ours;
                                  },
                                  true});
  return d;
}

}  // namespace ij
