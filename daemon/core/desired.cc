#include "daemon/core/desired.h"

#include "common/base/strings.h"
#include "daemon/render/firewall.h"
#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"

namespace ij {

namespace {
std::set<std::string> trunks_in_use(const State& state) {
  std::set<std::string> out;
  for (const auto& [name, e] : state.enrollments) out.insert(e.trunk());
  return out;
}
}  // namespace

bool trunk_closed(const Config& config, const State& state, const std::string& trunk, const AddressedTrunks& addressed) {
  if (config.trunk_untagged_allowed || addressed.count(trunk)) return false;
  for (const auto& [name, e] : state.enrollments)
    if (e.trunk() == trunk) return true;
  return false;
}

std::vector<std::string> closed_trunks(const Config& config, const State& state, const AddressedTrunks& addressed) {
  std::vector<std::string> out;
  if (config.trunk_untagged_allowed) return out;
  const std::set<std::string> used = trunks_in_use(state);
  for (const std::string& t : config.trunks)
    if (used.count(t) && !addressed.count(t)) out.push_back(t);
  return out;
}

FirewallSpec desired_firewall(const Config& config, const State& state, const std::map<std::string, uid_t>& uids,
                              const AddressedTrunks& addressed, FirewallScope scope) {
  return firewall_spec(state, uids, closed_trunks(config, state, addressed), scope);
}

DesiredLink desired_link(const Config& config, const Enrollment& e) {
  (void)config;
  return DesiredLink{e.name, e.link, e.trunk(), e.vlan, e.jumphost_address, link_hardening(e.link)};
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
                         const AddressedTrunks& addressed) {
  DesiredHost d;
  d.firewall = desired_firewall(config, state, uids, addressed);
  d.addressed = addressed;
  const std::set<std::string> used = trunks_in_use(state);
  for (const std::string& name : config.trunks) {
    DesiredTrunk t;
    t.name = name;
    t.in_use = used.count(name) > 0;
    t.has_address = addressed.count(name) > 0;
    t.closed = t.in_use && !t.has_address && !config.trunk_untagged_allowed;
    if (t.closed) t.hardening = link_hardening(name);
    d.trunks.push_back(std::move(t));
  }
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
