#include "daemon/core/drift.h"

#include <sys/stat.h>

#include <cstdio>
#include <set>

#include "common/base/strings.h"
#include "daemon/render/firewall.h"
#include "daemon/render/hosts.h"

namespace ij {
namespace {

const char* kRestart = "restart ipmi-jumphostd: it repairs this";


Check ok(std::string what) { return Check{true, std::move(what)}; }

Check problem(std::string what, std::string fix, Repair repair, std::string subject) {
  Check c;
  c.what = std::move(what);
  c.fix = std::move(fix);
  c.repair = repair;
  c.subject = std::move(subject);
  return c;
}

// Adds a line to `wrong` for each setting the kernel does not have as wanted.
void compare_settings(const std::vector<KernelSetting>& want, Files& files, std::vector<std::string>& wrong) {
  for (const KernelSetting& s : want) {
    auto v = files.read(s.path);
    if (!v || !v->has_value()) {
      if (!s.optional) wrong.push_back(s.path + " cannot be read");
      continue;
    }
    if (first_line(**v) != s.value) wrong.push_back(s.path + " is " + first_line(**v) + ", not " + s.value);
  }
}

void check_users(const DesiredHost& d, Host& host, std::vector<Check>& out) {
  auto uids = host.users.lookup_many(std::set<std::string>(d.users.begin(), d.users.end()));
  if (!uids) {
    out.push_back(problem("cannot look up the tenant users: " + uids.error().message, "check /etc/passwd and NSS",
                          Repair::none, "users"));
    return;
  }
  size_t missing = 0;
  for (const std::string& user : d.users) {
    if (uids->count(user)) continue;
    ++missing;
    out.push_back(problem("tenant user " + user + " is missing", kRestart, Repair::add_user, user));
  }
  if (!missing) out.push_back(ok(std::to_string(d.users.size()) + " tenant user(s) exist"));
}

void check_firewall(const DesiredHost& d, Host& host, std::vector<Check>& out) {
  const std::string table = std::string(kFirewallFamily) + " " + kFirewallTable;
  auto same = host.firewall.matches(d.firewall);
  if (!same)
    out.push_back(problem("cannot read the firewall: " + same.error().message,
                          "install nftables; check nft list ruleset", Repair::none, table));
  else if (*same) out.push_back(ok("firewall table " + table + " is as applied"));
  else out.push_back(problem("the firewall table " + table + " is missing or was changed", kRestart,
                             Repair::apply_firewall, table));
}

void check_links(const DesiredHost& d, Host& host, std::vector<Check>& out) {
  if (d.links.empty()) return;
  auto links = host.links.inspect_all();
  if (!links) {
    out.push_back(problem("cannot list the links: " + links.error().message, "check the kernel's netlink",
                          Repair::none, "links"));
    return;
  }
  for (const DesiredLink& want : d.links) {
    auto found = links->find(want.name);
    if (found == links->end()) {
      Check c = problem("VLAN link " + want.name + " of BMC " + want.bmc + " is missing", kRestart,
                        Repair::create_link, want.name);
      c.link = want;
      out.push_back(std::move(c));
      continue;
    }
    const LinkInfo& l = found->second;
    if (!l.is_vlan || l.vlan_id != want.vid || l.parent != want.trunk) {
      out.push_back(problem("link " + want.name + " is not VLAN " + std::to_string(want.vid) + " on " + want.trunk,
                            "remove it by hand, then restart ipmi-jumphostd", Repair::none, want.name));
      continue;
    }
    std::vector<std::string> wrong;
    bool has_address = false;
    for (const Ipv4Cidr& a : l.addresses) has_address |= a == want.address;
    if (!l.up || !has_address) wrong.push_back("VLAN link " + want.name + " is down or lacks " + want.address.str());
    compare_settings(want.hardening, host.files, wrong);
    if (wrong.empty()) {
      out.push_back(ok("VLAN link " + want.name + " of BMC " + want.bmc));
      continue;
    }
    Check c = problem(join(wrong, "; "), kRestart, Repair::configure_link, want.name);
    c.link = want;
    out.push_back(std::move(c));
  }
}

void check_trunk(const Config& config, const DesiredTrunk& t, Host& host, std::vector<Check>& out) {
  if (!t.in_use) return;  // no BMC on it: the trunk is left as it is
  if (config.trunk_untagged_allowed) {
    out.push_back(problem("the trunk " + t.name + " takes untagged traffic (" + config.origin("trunk_untagged") +
                              " = allow): a host on the switch's native VLAN reaches the jumphost there",
                          "unless the host really uses the trunk untagged, set trunk_untagged = drop", Repair::none,
                          t.name));
    return;
  }
  if (t.has_address) {
    out.push_back(problem("the trunk " + t.name + " has an address of the host, so it is left open to untagged "
                              "traffic although trunk_untagged = drop",
                          "move the address to another interface, or set trunk_untagged = allow if the trunk "
                          "carries the host's own traffic untagged",
                          Repair::none, t.name));
    return;
  }
  std::vector<std::string> wrong;
  compare_settings(t.hardening, host.files, wrong);
  if (wrong.empty()) out.push_back(ok("the trunk " + t.name + " is closed to untagged traffic"));
  else out.push_back(problem(join(wrong, "; "), kRestart, Repair::harden_trunk, t.name));
}

void check_file(const DesiredFile& want, Host& host, std::vector<Check>& out) {
  auto have = host.files.read(want.path);
  if (!have) {
    out.push_back(problem("cannot read " + want.path + ": " + have.error().message, "check its permissions",
                          Repair::none, want.path));
    return;
  }
  if (!want.content) {
    if (have->has_value()) {
      // With the file's entry, as for a stray: removing the drop-in reloads sshd.
      Check c = problem(want.what + " " + want.path + " belongs to no tenant", kRestart, Repair::remove_file, want.path);
      c.file = want;
      out.push_back(std::move(c));
    }
    return;
  }
  std::string content = *want.content;
  if (want.block) {
    auto merged = merge_hosts_block(want.path, have->value_or(""), *want.content);
    if (!merged) {
      out.push_back(problem(merged.error().message, "fix the markers by hand, then restart ipmi-jumphostd",
                            Repair::none, want.path));
      return;
    }
    content = *merged;
    for (const std::string& line : foreign_bmc_lines(want.path, have->value_or(""), want.exclusive_names))
      out.push_back(problem(line + " names a BMC outside the ipmi-jumphost block; the resolver would use the first "
                                   "line for it",
                            "remove that line: the block has the BMC's address", Repair::none, want.path + " (line)"));
  }
  std::string what = want.what + " " + want.path + (have->has_value() ? " was changed" : " is missing");
  if (have->has_value() && **have == content) {
    // Our own files are ours whole: their mode and group too (the operator's
    // /etc/hosts keeps whatever it has).
    const Files::Access expected{want.mode, want.group.empty() ? "root" : want.group};
    auto access = want.block ? Result<std::optional<Files::Access>>(std::optional<Files::Access>(expected))
                             : host.files.access(want.path);
    if (!access) {
      out.push_back(problem("cannot read the mode of " + want.path + ": " + access.error().message,
                            "check its permissions", Repair::none, want.path));
      return;
    }
    if (!access->has_value() || **access == expected) {
      out.push_back(ok(want.what + " " + want.path));
      return;
    }
    auto octal = [](mode_t m) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m));
      return std::string(buf);
    };
    what = want.what + " " + want.path + " has mode " + octal((*access)->mode) + " and group " + (*access)->group +
           ", not " + octal(want.mode) + " and group " + expected.group;
  }
  Check c = problem(what, kRestart, Repair::write_file, want.path);
  c.content = content;
  c.file = want;
  out.push_back(std::move(c));
}

void check_strays(const DesiredHost& d, Host& host, std::vector<Check>& out) {
  std::set<std::string> desired;
  for (const DesiredFile& f : d.files) desired.insert(f.path);
  for (const OwnedDir& dir : d.owned_dirs) {
    auto names = host.files.list(dir.dir);
    if (!names) {
      out.push_back(problem("cannot look for stray files in " + dir.dir + ": " + names.error().message,
                            "check the directory", Repair::none, dir.dir));
      continue;
    }
    for (const std::string& n : *names) {
      const std::string path = dir.dir + "/" + n;
      if (!dir.owned(n) || desired.count(path)) continue;
      Check c = problem(path + " belongs to no tenant", kRestart, Repair::remove_file, path);
      DesiredFile gone{"stray", path, std::nullopt};
      gone.sshd = dir.sshd;
      c.file = gone;
      out.push_back(std::move(c));
    }
  }
}

}  // namespace

Status check_wrapper(Files& files, const std::string& path) {
  auto check = [&](const std::string& p, bool dir) -> Status {
    auto a = files.access(p);
    if (!a) return a.error().with_context("wrapper");
    if (!a->has_value()) return make_error(Errc::failed, "wrapper: " + p + " does not exist");
    const Files::Access& x = **a;
    if (x.directory != dir)
      return make_error(Errc::failed, "wrapper: " + p + " is not a " + (dir ? "directory" : "regular file"));
    if (x.owner != 0) return make_error(Errc::failed, "wrapper: " + p + " is not owned by root");
    if (x.mode & (S_IWGRP | S_IWOTH)) return make_error(Errc::failed, "wrapper: " + p + " is writable by others than root");
    if (!dir && (x.mode & S_IXOTH) == 0) return make_error(Errc::failed, "wrapper: " + p + " is not executable by tenants");
    return ok_status();
  };
  if (path.empty() || path[0] != '/') return make_error(Errc::failed, "wrapper: '" + path + "' is not an absolute path");
  IJ_TRY(check(path, false));
  const size_t slash = path.rfind('/');
  return check(slash == 0 ? "/" : path.substr(0, slash), true);
}

AddressedTrunks trunks_with_address(const Config& config, Host& host) {
  AddressedTrunks out;
  for (const std::string& name : config.trunks) {
    auto trunk = host.links.inspect(name);
    if (trunk && trunk->has_value() && (*trunk)->has_host_address()) out.insert(name);
  }
  return out;
}

std::vector<Check> find_drift(const Config& config, const DesiredHost& desired, Host& host) {
  // In the order the reconcile repairs: users before the firewall (a
  // recreated user's new uid is in the rules), the firewall before the links
  // (no link without its rules), then the files sshd and the resolver read.
  std::vector<Check> out;
  check_users(desired, host, out);
  check_firewall(desired, host, out);
  for (const DesiredTrunk& t : desired.trunks) check_trunk(config, t, host, out);
  check_links(desired, host, out);
  for (Check& c : find_file_drift(desired, host)) out.push_back(std::move(c));
  return out;
}

std::vector<Check> find_file_drift(const DesiredHost& desired, Host& host) {
  std::vector<Check> out;
  for (const DesiredFile& f : desired.files) check_file(f, host, out);
  check_strays(desired, host, out);
  return out;
}

Status repair(const Config& config, const Check& c, const DesiredHost& desired, Host& host) {
  switch (c.repair) {
    case Repair::none: return make_error(Errc::failed, c.what + " (" + c.fix + ")");
    case Repair::add_user: return host.users.add(c.subject, config.tenant_group, config.wrapper, config.tenant_home);
    case Repair::apply_firewall: return host.firewall.apply(desired.firewall);
    case Repair::create_link:
      return host.links.create_vlan(c.link->trunk, c.link->vid, c.link->name, c.link->address);
    case Repair::configure_link: return host.links.configure(c.link->name, c.link->address);
    case Repair::harden_trunk: {
      auto before = host.links.harden(c.subject);
      return before ? ok_status() : Status(before.error());
    }
    case Repair::write_file:
      if (c.file->sshd)
        if (Status s = host.sshd.check_candidate(c.content); !s) return s.error().with_context("sshd drop-in");
      return host.files.write(c.subject, c.content, c.file->mode, c.file->group);
    case Repair::remove_file: return host.files.remove(c.subject);
  }
  return make_error(Errc::failed, "unknown repair");
}

const char* repair_done(Repair r) {
  switch (r) {
    case Repair::none: break;
    case Repair::add_user: return "recreated";
    case Repair::apply_firewall: return "rewritten";
    case Repair::create_link: return "recreated";
    case Repair::configure_link: return "fixed";
    case Repair::harden_trunk: return "hardened";
    case Repair::write_file: return "rewritten";
    case Repair::remove_file: return "removed";
  }
  return "left as it is";
}

}  // namespace ij
