// Start-up reconcile: the state is the truth; the host is brought to agree
// with it and every repair is logged. Problems that cannot be repaired are
// logged and counted, and the daemon still starts (degraded), so operators
// can act through jumpctl.
#include <map>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "daemon/render/firewall.h"
#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"
#include "daemon/core/jumphost.h"

namespace ij {
namespace {

// Rewrites `path` when its content differs; true when it wrote.
Result<bool> sync_file(Files& files, const std::string& path, const std::string& want, mode_t mode) {
  auto have = files.read(path);
  if (!have) return have.error();
  if (have->has_value() && **have == want) return false;
  IJ_TRY(files.write(path, want, mode));
  log::warning("drift: " + path + (have->has_value() ? " differed from the state" : " was missing") + "; rewritten");
  return true;
}

}  // namespace

Result<std::vector<Jumphost::StrayFile>> Jumphost::stray_files() const {
  std::vector<StrayFile> out;
  auto keys = host_.files.list(config_.keys_dir);
  if (!keys) return keys.error();
  for (const std::string& n : *keys)
    if (!state_.tenants.count(n)) out.push_back(StrayFile{config_.keys_dir + "/" + n, false});
  auto dropins = host_.files.list(config_.sshd_dropin_dir);
  if (!dropins) return dropins.error();
  const std::string prefix = kLegacyDropinPrefix, suffix = ".conf";
  for (const std::string& n : *dropins) {
    const std::string path = config_.sshd_dropin_dir + "/" + n;
    bool legacy = n.size() > prefix.size() + suffix.size() && starts_with(n, prefix) &&
                  n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (legacy || (path == dropin_path(config_) && state_.tenants.empty())) out.push_back(StrayFile{path, true});
  }
  return out;
}

int Jumphost::reconcile() {
  int problems = 0;
  auto report = [&](const Error& e) {
    ++problems;
    log::error("reconcile: " + e.message);
  };

  // The firewall first, so that no link comes up without its rules; again
  // after the users, in case a recreated user has a new uid. One pass over
  // the user database serves the firewall and the missing-user check.
  auto uids = host_.users.lookup_many(state_.tenant_names());
  if (!uids) report(uids.error());
  auto sync_firewall = [&](const std::map<std::string, uid_t>& known) {
    const std::string firewall = render_firewall(state_, known);
    auto same = host_.firewall.matches(firewall);
    if (!same) {
      report(same.error());
    } else if (!*same) {
      if (Status s = host_.firewall.apply(firewall); !s) report(s.error());
      else log::warning("drift: the firewall table " + std::string(kFirewallFamily) + " " + kFirewallTable +
                        " was missing or changed; rewritten");
    }
  };
  sync_firewall(uids ? *uids : std::map<std::string, uid_t>{});

  auto links = host_.links.inspect_all();
  if (!links) report(links.error());
  for (const auto& [name, e] : state_.enrollments) {
    if (!links) break;
    auto found = links->find(e.link);
    if (found == links->end()) {
      Status s = host_.links.create_vlan(config_.trunk, e.vlan, e.link, e.jumphost_address);
      if (s) log::warning("drift: VLAN link " + e.link + " of BMC " + name + " was missing; recreated");
      else report(s.error());
      continue;
    }
    const LinkInfo& info = found->second;
    if (!info.is_vlan || info.vlan_id != e.vlan || info.parent != config_.trunk) {
      report(make_error(Errc::failed, "link " + e.link + " exists but is not VLAN " + std::to_string(e.vlan) +
                                          " on " + config_.trunk + ": remove it by hand, then restart"));
    } else {
      bool has_addr = false;
      for (const Ipv4Cidr& a : info.addresses) has_addr |= a == e.jumphost_address;
      if (!info.up || !has_addr) {
        Status s = host_.links.configure(e.link, e.jumphost_address);
        if (s) log::warning("drift: VLAN link " + e.link + " was down or lacked " + e.jumphost_address.str() + "; fixed");
        else report(s.error());
      }
    }
  }

  bool recreated = false;
  for (const auto& [user, t] : state_.tenants) {
    if (!uids || uids->count(user)) continue;
    Status s = host_.users.add(user, config_.tenant_group, config_.wrapper, config_.tenant_home);
    if (s) log::warning("drift: tenant user " + user + " was missing; recreated");
    else report(s.error());
    recreated |= s.ok();
  }
  if (recreated) sync_firewall(tenant_uids(state_));

  auto hosts = host_.files.read(config_.hosts_file);
  if (!hosts) {
    report(hosts.error());
  } else {
    auto merged = merge_hosts_block(config_.hosts_file, hosts->value_or(""), render_hosts_block(state_));
    if (!merged) report(merged.error());
    else if (auto w = sync_file(host_.files, config_.hosts_file, *merged, 0644); !w) report(w.error());
  }

  // Our files: one keys file per tenant and the one drop-in, nothing else.
  bool sshd_changed = false;
  for (const auto& [user, t] : state_.tenants) {
    auto k = sync_file(host_.files, authorized_keys_path(config_, user), render_authorized_keys(state_, t, config_.wrapper), 0644);
    if (!k) report(k.error());
  }
  if (!state_.tenants.empty()) {
    const std::string dropin = render_sshd_dropin(config_);
    auto current = host_.files.read(dropin_path(config_));
    if (!current) {
      report(current.error());
    } else if (!current->has_value() || **current != dropin) {
      if (Status s = host_.sshd.check_candidate(dropin); !s) {
        report(s.error().with_context("sshd drop-in"));
      } else {
        auto d = sync_file(host_.files, dropin_path(config_), dropin, 0644);
        if (!d) report(d.error());
        else sshd_changed |= *d;
      }
    }
  }
  if (auto strays = stray_files(); !strays) {
    report(strays.error());
  } else {
    for (const StrayFile& stray : *strays) {
      if (Status s = host_.files.remove(stray.path); !s) report(s.error());
      else log::warning("drift: " + stray.path + " belongs to no tenant; removed");
      sshd_changed |= stray.dropin;
    }
  }
  if (sshd_changed)
    if (Status s = host_.sshd.reload(); !s) report(s.error());

  log::info("reconcile: " + std::to_string(state_.enrollments.size()) + " enrollment(s), " +
            std::to_string(state_.tenants.size()) + " tenant(s), " + std::to_string(problems) + " problem(s)");
  return problems;
}

}  // namespace ij
