#include "daemon/core/desired.h"

#include "common/base/strings.h"
#include "daemon/render/firewall.h"
#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"

namespace ij {

bool trunk_closed(const Config& config, const State& state, bool trunk_has_address) {
  return !config.trunk_untagged_allowed && !state.enrollments.empty() && !trunk_has_address;
}

FirewallSpec desired_firewall(const Config& config, const State& state, const std::map<std::string, uid_t>& uids,
                              bool trunk_has_address, FirewallScope scope) {
  std::vector<std::string> closed;
  if (trunk_closed(config, state, trunk_has_address)) closed.push_back(config.trunk);
  return firewall_spec(state, uids, closed, scope);
}

DesiredLink desired_link(const Config& config, const Enrollment& e) {
  return DesiredLink{e.name, e.link, config.trunk, e.vlan, e.jumphost_address, link_hardening(e.link)};
}

DesiredFile desired_hosts(const Config& config, const State& state) {
  DesiredFile f{"hosts file", config.hosts_file, render_hosts_block(state)};
  f.block = true;
  f.exclusive_names = bmc_host_names(state);
  return f;
}

DesiredFile desired_keys(const Config& config, const State& state, const std::string& user) {
  // sshd reads a keys file with the tenant's uid and groups (OpenSSH's
  // temporarily_use_uid in user_key_allowed2), so root-only would lock the
  // tenant out: readable by the tenant group, whose members get no shell,
  // and by no other local user.
  DesiredFile f{"keys file", authorized_keys_path(config, user), std::nullopt, 0640, config.tenant_group};
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

DesiredHost desired_host(const Config& config, const State& state, const std::map<std::string, uid_t>& uids,
                         bool trunk_has_address) {
  DesiredHost d;
  d.firewall = desired_firewall(config, state, uids, trunk_has_address);
  d.trunk = config.trunk;
  d.trunk_has_address = trunk_has_address;
  d.trunk_closed = trunk_closed(config, state, trunk_has_address);
  if (d.trunk_closed) d.trunk_hardening = link_hardening(config.trunk);
  for (const auto& [user, t] : state.tenants) d.users.push_back(user);
  for (const auto& [name, e] : state.enrollments) d.links.push_back(desired_link(config, e));
  d.files.push_back(desired_hosts(config, state));
  for (const auto& [user, t] : state.tenants) d.files.push_back(desired_keys(config, state, user));
  d.files.push_back(desired_dropin(config, state));
  // keys_dir holds the tenants' keys files and nothing else; in the drop-in
  // directory ours is 00-ipmi-jumphost.conf, and the drop-ins of earlier
  // versions (ipmi-jumphost-USER.conf, ipmi-jumphost.conf) are strays: an
  // upgrade writes the new one, removes the old ones and reloads sshd.
  d.owned_dirs.push_back(OwnedDir{config.keys_dir, [](const std::string&) { return true; }, false});
  d.owned_dirs.push_back(OwnedDir{config.sshd_dropin_dir,
                                  [](const std::string& n) {
                                    const std::string prefix = kLegacyDropinPrefix, suffix = ".conf";
                                    bool legacy = n.size() > prefix.size() + suffix.size() && starts_with(n, prefix) &&
                                                  n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
                                    return legacy || n == kPreviousDropinName || n == kDropinName;
                                  },
                                  true});
  return d;
}

}  // namespace ij
