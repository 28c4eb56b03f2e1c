// In-memory host for unit tests: links, users, files and sshd, with switches
// to make a chosen operation fail.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "daemon/host/host.h"
#include "daemon/config/config.h"
#include "daemon/core/clock.h"

namespace ij::testing {

class FakeLinks : public Links {
 public:
  Status create_vlan(const std::string& trunk, unsigned vid, const std::string& name, const Ipv4Cidr& address) override;
  Status remove(const std::string& name) override;
  Status configure(const std::string& name, const Ipv4Cidr& address) override;
  Result<std::optional<LinkInfo>> inspect(const std::string& name) override;
  Result<std::map<std::string, LinkInfo>> inspect_all() override { return links; }

  std::map<std::string, LinkInfo> links;
  bool no_8021q = false;
  // create_vlan fails after making the link, and cannot remove it (the
  // real one says "removing the half-made link ... failed too").
  bool create_leaves_link = false;
  // Where a created or configured link's hardening goes, as the kernel's
  // /proc/sys files (the real one writes them; daemon/host/hardening.h).
  class FakeFiles* proc = nullptr;
  Result<std::vector<KernelSetting>> harden(const std::string& name) override;
  Status restore(const std::vector<KernelSetting>& previous) override;
};

class FakeUsers : public Users {
 public:
  Result<std::optional<uid_t>> lookup(const std::string& user) override;
  Result<std::map<std::string, uid_t>> lookup_many(const std::set<std::string>& names) override;
  Status ensure_group(const std::string& group) override;
  Result<bool> group_exists(const std::string& group) override { return groups.count(group) > 0; }
  Result<bool> in_group(const std::string& user, const std::string& group) override {
    auto it = group_of.find(user);
    return it != group_of.end() && it->second == group;
  }
  Status add(const std::string& user, const std::string& group, const std::string& shell, const std::string& home) override;
  Status remove(const std::string& user) override;
  Status end_sessions(const std::string& user) override {
    ended.push_back(user);
    return ok_status();
  }

  std::vector<std::string> ended;  // users whose sessions were ended
  std::map<std::string, uid_t> users{{"root", 0}, {"daemon", 1}};
  std::set<std::string> groups;
  std::map<std::string, std::string> group_of;  // by user: the group add() gave
  uid_t next_uid = 1000;
  bool fail_add = false;
};

class FakeFiles : public Files {
 public:
  Result<std::optional<std::string>> read(const std::string& path) override;
  Status write(const std::string& path, const std::string& content, mode_t mode, const std::string& group) override;
  Status remove(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
  // A file the test planted without a mode has 0644 root's.
  Result<std::optional<Access>> access(const std::string& path) override;

  std::map<std::string, std::string> files;
  std::map<std::string, Access> modes;
  std::set<std::string> dirs;  // directories access() knows (root's, 0755)
  std::string fail_write_path;  // writes to this path fail
  // A write to this path throws (nothing after it runs, no rollback): the
  // daemon dying there, for the tests of an interrupted change.
  std::string crash_write_path;
};

class FakeSshd : public Sshd {
 public:
  Status check_candidate(const std::string& dropin) override;
  Status verify_effective(const std::string& user, const std::string& command) override;
  Status reload() override;
  Result<std::vector<SshdListener>> listeners() override { return listening; }
  Result<std::string> effective(const std::string& user, const SshdListener& at) override;
  // Reads `files` (FakeHost: with Debian's Include in /etc/ssh/sshd_config).
  SshdConfigReader config_files() override;

  std::map<std::string, std::string> effective_settings;  // by user; default: as the drop-in says
  std::map<std::string, std::string> effective_at;        // by "USER ADDR:PORT", before effective_settings
  std::vector<SshdListener> listening{{"0.0.0.0", 22}, {"::", 22}};
  FakeFiles* files = nullptr;
  std::vector<std::string> effective_calls;  // "USER ADDR:PORT"
  std::mutex mu;
  bool reject = false;       // check_candidate fails
  bool fail_verify = false;  // verify_effective fails
  bool fail_reload = false;  // reload fails
  int checks = 0;
  int reloads = 0;
};

class FakeFirewall : public Firewall {
 public:
  Status apply(const FirewallSpec& spec) override;
  Status change(const FirewallSpec& present, const FirewallSpec& absent) override;
  Result<bool> matches(const FirewallSpec& spec) override { return !live.empty() && spec == this->spec; }
  Status remove() override {
    live.clear();
    spec = {};
    return ok_status();
  }

  std::string live;  // the table as a whole script; empty: no table
  FirewallSpec spec;  // its elements
  bool reject = false;
  std::set<int> fail_calls;  // the Nth call (1-based, apply or change) fails
  int calls = 0;
  int applies = 0;  // whole tables written
  int changes = 0;  // element changes
};

class FakeSockets : public Sockets {
 public:
  Status close_to(const Ipv4& address) override {
    closed.push_back(address.str());
    return ok_status();
  }
  std::vector<std::string> closed;  // every address whose connections were closed
};

// A complete fake host with a trunk "eth1" and a standard /etc/hosts.
struct FakeHost {
  FakeHost();
  Host host() { return Host{links, users, files, sshd, firewall, sockets}; }
  FakeLinks links;
  FakeUsers users;
  FakeFiles files;
  FakeSshd sshd;
  FakeFirewall firewall;
  FakeSockets sockets;
};

Config test_config();
// 2026-11-25T12:00:00Z, unless a test moves it.
class FixedClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return t; }
  std::chrono::system_clock::time_point t = std::chrono::sys_days{std::chrono::November / 25 / 2026} + std::chrono::hours(12);
};
const Clock& fixed_clock();

}  // namespace ij::testing
