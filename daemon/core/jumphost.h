// The jumphost's core: enroll, revoke, keys and the start-up reconcile, as
// plans over the host interfaces. No D-Bus here; callers are already
// authorised and named by the bus layer.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/host/host.h"
#include "daemon/ipmi/bmc.h"
#include "daemon/model/enrollment.h"
#include "daemon/core/plan.h"

namespace ij {

struct KeySource {
  std::string label;  // where the text came from (a file name), for messages only
  std::string text;
};

struct EnrollRequest {
  std::string name;
  long vlan = 0;
  std::string owner;                     // empty: the BMC's name
  std::string bmc_address;               // empty: allocate from the pool
  std::vector<KeySource> keys;
  std::optional<std::vector<unsigned>> ports;
  std::string bmc_user;
  std::string bmc_password;
  std::string switch_port;
  IpmiSettings ipmi;
};

struct Host {
  Links& links;
  Users& users;
  Files& files;
  Sshd& sshd;
  Firewall& firewall;
};

class Jumphost {
 public:
  using Clock = std::function<std::string()>;  // RFC 3339 "now"
  Jumphost(Config config, State state, Host host, Clock clock);

  Result<Enrollment> enroll(const EnrollRequest& request, const std::string& who);
  Status revoke(const std::string& name, const std::string& who);
  Result<std::vector<std::string>> add_keys(const std::string& user, const KeySource& source, const std::string& who);
  Status remove_key(const std::string& user, const std::string& fingerprint, const std::string& who);

  nlohmann::json list() const;
  Result<nlohmann::json> show(const std::string& name) const;
  Result<std::string> client_config(const std::string& name) const;
  // The switch's configuration for `names` (all when empty) in `vendor`'s
  // dialect (the configured one when empty).
  Result<std::string> switch_config(const std::string& vendor, const std::vector<std::string>& names) const;

  // Tenant side (daemon/core/tenant.cc): only the tenant's own BMCs.
  Result<BmcTarget> target_for(const std::string& tenant, const std::string& bmc, const std::string& password) const;
  // The tenant's only BMC, for commands that leave the name out.
  Result<std::string> default_bmc_of(const std::string& tenant) const;
  nlohmann::json tenant_bmcs(const std::string& tenant) const;

  // What the isolation relies on, read-only: [{"ok", "what", "fix"}...].
  nlohmann::json doctor();

  // Files in keys_dir of no tenant; our drop-in while there is no tenant, and
  // the per-tenant drop-ins of the first versions.
  struct StrayFile {
    std::string path;
    bool dropin;
  };
  Result<std::vector<StrayFile>> stray_files() const;

  // Makes the host agree with the state; logs every drift it repairs.
  // Returns the number of problems it could not repair.
  int reconcile();

  const State& state() const { return state_; }
  const Config& config() const { return config_; }

 private:
  Result<Enrollment> build_enrollment(const EnrollRequest& request, const std::string& who) const;
  Result<std::vector<SshKey>> new_keys(const std::string& user, const std::vector<KeySource>& sources) const;
  Result<Ipv4Cidr> allocate_subnet() const;
  Status check_address_free(const Ipv4Cidr& bmc) const;

  // Steps that bring one tenant's files to what `next` says.
  Step keys_step(const State& next, const std::string& user);
  Step dropin_step(const State& next, const std::string& user);
  Step hosts_step(const State& next);
  Step state_step(const State& next);
  // Creates (enroll) or removes (revoke) the tenant's Unix user; a created
  // user's uid gets its firewall rules in the same step.
  Step user_step(const State& next, const std::string& user, bool create);
  // The firewall for `s` with the tenants' uids as the system has them now.
  std::map<std::string, uid_t> tenant_uids(const State& s) const;
  std::string firewall_for(const State& s) const;
  // The VLAN link with the firewall around it: the link never exists
  // without its rules (enroll: rules, then link; revoke: link, then rules).
  Step link_step(const State& next, const Enrollment& e, bool create);

  Config config_;
  State state_;
  Host host_;
  Clock clock_;
};

std::string utc_now_rfc3339();

}  // namespace ij
