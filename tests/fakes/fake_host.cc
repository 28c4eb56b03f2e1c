#include <stdexcept>
#include "tests/fakes/fake_host.h"

#include <fnmatch.h>

#include "daemon/host/hardening.h"

namespace ij::testing {

Status FakeLinks::create_vlan(const std::string& trunk, unsigned vid, const std::string& name, const Ipv4Cidr& address) {
  if (no_8021q) return make_error(Errc::unsupported, "cannot create VLAN link " + name + ": no 802.1Q");
  if (!links.count(trunk)) return make_error(Errc::not_found, "trunk interface " + trunk + " does not exist");
  if (links.count(name)) return make_error(Errc::exists, name + " exists");
  links[name] = LinkInfo{true, vid, trunk, true, {address}};
  if (create_leaves_link)
    return make_error(Errc::failed, "cannot add an address to " + name + ": injected; removing the half-made link " +
                                        name + " failed too: injected");
  auto h = harden(name);
  return h ? ok_status() : Status(h.error());
}

Result<std::vector<KernelSetting>> FakeLinks::harden(const std::string& name) {
  std::vector<KernelSetting> before;
  if (!proc) return before;
  for (KernelSetting s : link_hardening(name)) {
    if (s.optional) continue;
    auto it = proc->files.find(s.path);
    before.push_back(KernelSetting{s.path, it == proc->files.end() ? "" : it->second, false});
    proc->files[s.path] = s.value + "\n";
  }
  return before;
}

// The fake keeps a setting's file as it was, "" meaning it had none.
Status FakeLinks::restore(const std::vector<KernelSetting>& previous) {
  for (const KernelSetting& s : previous) {
    if (s.value.empty()) proc->files.erase(s.path);
    else proc->files[s.path] = s.value;
  }
  return ok_status();
}

Status FakeLinks::remove(const std::string& name) {
  links.erase(name);
  if (proc)  // the kernel's per-link files go with the link
    for (const KernelSetting& s : link_hardening(name)) proc->files.erase(s.path);
  return ok_status();
}

Status FakeLinks::configure(const std::string& name, const Ipv4Cidr& address) {
  auto it = links.find(name);
  if (it == links.end()) return make_error(Errc::not_found, name + " missing");
  it->second.up = true;
  bool has = false;
  for (const Ipv4Cidr& a : it->second.addresses) has |= a == address;
  if (!has) it->second.addresses.push_back(address);
  auto h = harden(name);
  return h ? ok_status() : Status(h.error());
}

Result<std::optional<LinkInfo>> FakeLinks::inspect(const std::string& name) {
  auto it = links.find(name);
  if (it == links.end()) return std::optional<LinkInfo>{};
  return std::optional<LinkInfo>(it->second);
}

Result<std::optional<uid_t>> FakeUsers::lookup(const std::string& user) {
  auto it = users.find(user);
  if (it == users.end()) return std::optional<uid_t>{};
  return std::optional<uid_t>(it->second);
}

Result<std::map<std::string, uid_t>> FakeUsers::lookup_many(const std::set<std::string>& names) {
  std::map<std::string, uid_t> out;
  for (const std::string& n : names)
    if (auto it = users.find(n); it != users.end()) out[n] = it->second;
  return out;
}

Status FakeUsers::ensure_group(const std::string& group) {
  groups.insert(group);
  return ok_status();
}

Status FakeUsers::add(const std::string& user, const std::string& group, const std::string&, const std::string&) {
  if (fail_add) return make_error(Errc::failed, "useradd exited with 1: injected failure");
  if (users.count(user)) return make_error(Errc::failed, "useradd: user '" + user + "' already exists");
  users[user] = next_uid++;
  group_of[user] = group;
  return ok_status();
}

Status FakeUsers::remove(const std::string& user) {
  users.erase(user);
  group_of.erase(user);
  return ok_status();
}

Result<std::optional<std::string>> FakeFiles::read(const std::string& path) {
  auto it = files.find(path);
  if (it == files.end()) return std::optional<std::string>{};
  return std::optional<std::string>(it->second);
}

Status FakeFiles::write(const std::string& path, const std::string& content, mode_t mode, const std::string& group) {
  if (path == fail_write_path) return make_error(Errc::failed, "cannot write " + path + ": injected failure");
  if (path == crash_write_path) throw std::runtime_error("crash writing " + path);
  files[path] = content;
  modes[path] = Access{mode, group.empty() ? "root" : group};
  return ok_status();
}

Result<std::optional<Files::Access>> FakeFiles::access(const std::string& path) {
  if (dirs.count(path)) return std::optional<Access>(Access{0755, "root", 0, true});
  if (!files.count(path)) return std::optional<Access>{};
  auto it = modes.find(path);
  return std::optional<Access>(it == modes.end() ? Access{0644, "root"} : it->second);
}

Status FakeFiles::remove(const std::string& path) {
  files.erase(path);
  modes.erase(path);
  return ok_status();
}

Result<std::vector<std::string>> FakeFiles::list(const std::string& dir) {
  std::vector<std::string> out;
  const std::string prefix = dir + "/";
  for (const auto& [path, content] : files)
    if (path.compare(0, prefix.size(), prefix) == 0 && path.find('/', prefix.size()) == std::string::npos)
      out.push_back(path.substr(prefix.size()));
  return out;
}

Status FakeSshd::check_candidate(const std::string&) {
  ++checks;
  if (reject) return make_error(Errc::failed, "sshd -t rejects the configuration: injected");
  return ok_status();
}

Status FakeSshd::verify_effective(const std::string& user, const std::string&) {
  if (fail_verify) return make_error(Errc::failed, "sshd does not give " + user + " the tenants' block: injected");
  return ok_status();
}

Result<std::string> FakeSshd::effective(const std::string& user, const SshdListener& at) {
  // The doctor asks from several threads at once (one sshd -T each).
  std::lock_guard lock(mu);
  effective_calls.push_back(user + " " + at.str());
  if (auto it = effective_at.find(user + " " + at.str()); it != effective_at.end()) return it->second;
  auto it = effective_settings.find(user);
  if (it != effective_settings.end()) return it->second;
  return std::string(
      "passwordauthentication no\nkbdinteractiveauthentication no\npermituserenvironment no\n"
      "allowtcpforwarding local\nx11forwarding no\nallowagentforwarding no\npermittunnel no\n"
      "allowstreamlocalforwarding no\ngatewayports no\npermitlisten none\ntrustedusercakeys /dev/null\n"
      "forcecommand /usr/bin/ipmi-wrapper\n");
}

SshdConfigReader FakeSshd::config_files() {
  return SshdConfigReader{
      [this](const std::string& path) -> Result<std::optional<std::string>> {
        if (!files) return std::optional<std::string>{};
        return files->read(path);
      },
      [this](const std::string& pattern) -> Result<std::vector<std::string>> {
        std::vector<std::string> out;
        if (files)
          for (const auto& [path, text] : files->files)
            if (fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) out.push_back(path);
        return out;
      },
  };
}

Status FakeSshd::reload() {
  if (fail_reload) return make_error(Errc::failed, "sshd reload: injected");
  ++reloads;
  return ok_status();
}

Status FakeFirewall::apply(const FirewallSpec& whole) {
  if (reject || fail_calls.count(++calls)) return make_error(Errc::failed, "nftables refuses the firewall table: injected");
  spec = whole;
  for (const auto& [name, type] : firewall_sets()) spec.sets[name];
  live = render_firewall(spec);
  ++applies;
  return ok_status();
}

Status FakeFirewall::change(const FirewallSpec& present, const FirewallSpec& absent) {
  if (reject || fail_calls.count(++calls))
    return make_error(Errc::failed, "nftables refuses the change to the firewall's sets: injected");
  if (live.empty()) return make_error(Errc::failed, "nftables refuses the change to the firewall's sets: no such table");
  for (const auto& [name, elements] : present.sets) {
    if (!spec.sets.count(name)) return make_error(Errc::failed, "no set " + name);
    spec.sets[name].insert(elements.begin(), elements.end());
  }
  for (const auto& [name, elements] : absent.sets) {
    if (!spec.sets.count(name)) return make_error(Errc::failed, "no set " + name);
    for (const std::string& e : elements) spec.sets[name].erase(e);
  }
  live = render_firewall(spec);
  ++changes;
  return ok_status();
}

FakeHost::FakeHost() {
  links.proc = &files;
  users.groups = {"root", "ipmi-tenants", "jumphost-admin"};  // as the daemon's start leaves them
  files.files["/usr/bin/ipmi-wrapper"] = "#!ELF";  // test_config's wrapper, as installed
  files.modes["/usr/bin/ipmi-wrapper"] = Files::Access{0755, "root", 0, false};
  files.dirs.insert("/usr/bin");
  links.links["eth1"] = LinkInfo{false, 0, "", true, {}};
  files.files["/etc/hosts"] = "127.0.0.1\tlocalhost\n";
  sshd.files = &files;
  files.files["/etc/ssh/sshd_config"] = "Include /etc/ssh/sshd_config.d/*.conf\n";  // as Debian's
}

Config test_config() {
  Config c = default_config();
  c.trunk = "eth1";
  c.wrapper = "/usr/bin/ipmi-wrapper";
  c.public_host = "jump.example.org";
  return c;
}

const Clock& fixed_clock() {
  static const FixedClock clock;
  return clock;
}

}  // namespace ij::testing
