// The narrow interfaces through which the daemon changes the host. Each has a
// real implementation (netlink, useradd, files, sshd) and a fake in tests.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "daemon/host/hardening.h"
#include "daemon/model/ipv4.h"
#include "daemon/render/firewall.h"
#include "daemon/render/sshd_order.h"

namespace ij {

struct LinkInfo {
  bool is_vlan = false;
  unsigned vlan_id = 0;
  std::string parent;  // name of the lower link
  bool up = false;
  std::vector<Ipv4Cidr> addresses;
  std::vector<Ipv4Cidr> routes;  // IPv4 routes out of this link, any table (inspect_all only)
  bool ipv6_global = false;      // an IPv6 address beyond link-local
  // The host's own traffic uses this link untagged.
  bool has_host_address() const { return !addresses.empty() || ipv6_global; }
};

class Links {
 public:
  virtual ~Links() = default;
  // Creates link `name` as 802.1Q VID `vid` on `trunk`, with `address`, up.
  // Leaves nothing behind when it fails.
  virtual Status create_vlan(const std::string& trunk, unsigned vid, const std::string& name,
                             const Ipv4Cidr& address) = 0;
  virtual Status remove(const std::string& name) = 0;
  // Sets an existing link up and adds `address` if it lacks it.
  virtual Status configure(const std::string& name, const Ipv4Cidr& address) = 0;
  // Writes the per-link settings of hardening.h (the trunk gets them too);
  // returns the values they had, for restore().
  virtual Result<std::vector<KernelSetting>> harden(const std::string& name) = 0;
  virtual Status restore(const std::vector<KernelSetting>& previous) = 0;
  // nullopt when no link has that name.
  virtual Result<std::optional<LinkInfo>> inspect(const std::string& name) = 0;
  // Every link by name, from one dump of links and one of addresses (the
  // reconcile and the doctor: inspect() per link would dump every address
  // each time).
  virtual Result<std::map<std::string, LinkInfo>> inspect_all() = 0;
};

class Users {
 public:
  virtual ~Users() = default;
  virtual Result<std::optional<uid_t>> lookup(const std::string& user) = 0;
  // The uids of those of `users` that exist, in one pass over the user
  // database rather than one lookup (one scan) per user.
  virtual Result<std::map<std::string, uid_t>> lookup_many(const std::set<std::string>& users) = 0;
  virtual Status ensure_group(const std::string& group) = 0;
  virtual Result<bool> group_exists(const std::string& group) = 0;
  // Whether `user` is in `group` as sshd's Match Group sees it (primary or
  // supplementary); false when either does not exist. Every call here may
  // come from any thread (the doctor runs on a worker).
  virtual Result<bool> in_group(const std::string& user, const std::string& group) = 0;
  virtual Status add(const std::string& user, const std::string& group, const std::string& shell,
                     const std::string& home) = 0;
  // Ends the user's processes (their ssh sessions), then deletes the user.
  virtual Status remove(const std::string& user) = 0;
  // Ends the user's processes: a tenant has nothing but ssh sessions.
  virtual Status end_sessions(const std::string& user) = 0;
};

class Files {
 public:
  virtual ~Files() = default;
  virtual Result<std::optional<std::string>> read(const std::string& path) = 0;
  // `group` empty: the writer's (root's); else the file's group, for a
  // file others read through it (the tenants' keys files).
  virtual Status write(const std::string& path, const std::string& content, mode_t mode,
                       const std::string& group) = 0;
  // The file's mode bits and group name; nullopt when it does not exist.
  struct Access {
    mode_t mode = 0;  // permission bits only
    std::string group;
    uid_t owner = 0;
    bool directory = false;
    bool operator==(const Access&) const = default;
  };
  virtual Result<std::optional<Access>> access(const std::string& path) = 0;
  virtual Status remove(const std::string& path) = 0;
  virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;
};

class Sshd {
 public:
  virtual ~Sshd() = default;
  // Checks the live configuration with a candidate for our drop-in read
  // first (as if installed); the error carries sshd's complaint.
  virtual Status check_candidate(const std::string& dropin) = 0;
  // Checks that the live configuration gives `user` ForceCommand `command`
  // on every address and port sshd listens on, i.e. that sshd really reads
  // the drop-in we installed.
  virtual Status verify_effective(const std::string& user, const std::string& command) = 0;
  // `sshd -t` of the live configuration, then SIGHUP to the running sshd.
  virtual Status reload() = 0;
  // Where the configuration makes sshd listen (`sshd -T`'s listenaddress).
  virtual Result<std::vector<SshdListener>> listeners() = 0;
  // `sshd -T -C user=USER,laddr=…,lport=…`: the settings sshd applies to
  // USER's logins there.
  virtual Result<std::string> effective(const std::string& user, const SshdListener& at) = 0;
  // sshd's configuration files, to read them in sshd's order (sshd_order.h).
  virtual SshdConfigReader config_files() = 0;
};

// Live connections, which outlast the files that allowed them.
class Sockets {
 public:
  virtual ~Sockets() = default;
  // Closes every TCP connection to `address` (the kernel's SOCK_DESTROY, as
  // `ss -K`): the open forwards to a revoked BMC.
  virtual Status close_to(const Ipv4& address) = 0;
};

class Firewall {
 public:
  virtual ~Firewall() = default;
  // Writes the whole table, replacing any table of its name, atomically
  // (all of it or, on error, nothing).
  virtual Status apply(const FirewallSpec& spec) = 0;
  // Makes every element of `present` be in its set and none of `absent`,
  // in one transaction; an error (the table or a set is missing) changes
  // nothing, and the caller writes the whole table instead.
  virtual Status change(const FirewallSpec& present, const FirewallSpec& absent) = 0;
  // Whether the live table is the one the last apply made (counters aside)
  // with exactly `spec`'s elements; false when it was changed, removed or
  // never applied since boot.
  virtual Result<bool> matches(const FirewallSpec& spec) = 0;
  // Deletes the table, if it is there (the package's removal).
  virtual Status remove() = 0;
};

// The host as the daemon sees it: one of each.
struct Host {
  Links& links;
  Users& users;
  Files& files;
  Sshd& sshd;
  Firewall& firewall;
  Sockets& sockets;
};

}  // namespace ij
