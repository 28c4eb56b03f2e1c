// The operator's changes: enroll, revoke and keys, each as a plan of steps
// with their undo (plan.h) over the host interfaces, their content taken
// from the desired host (desired.h). No D-Bus here; callers are already
// authorised and named by the bus layer.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/core/desired.h"
#include "daemon/core/intent.h"
#include "daemon/core/jumphost.h"
#include "daemon/core/plan.h"
#include "daemon/core/sessions.h"
#include "common/ipmi/operations.h"
#include "daemon/ipmi/settings.h"

namespace ij {

struct KeySource {
  std::string label;  // where the text came from (a file name), for messages only
  std::string text;
};

struct EnrollRequest {
  std::string name;
  unsigned vlan = 0;
  std::string trunk;        // empty: the configuration's trunk
  std::string owner;        // empty: the BMC's name
  std::string bmc_address;  // empty: allocate from the pool
  std::vector<KeySource> keys;
  std::optional<std::vector<unsigned>> ports;
  std::string bmc_user;
  std::string bmc_password;
  std::string switch_port;
  IpmiSettings ipmi;
  std::optional<ConsoleLogMode> console_log;
  bool check = false;  // the BMC must take the credentials (Admin::Checker)
};

// Set: what changes in an enrollment; what is not given stays.
struct SetRequest {
  std::string name;
  std::optional<std::string> owner;
  std::optional<std::vector<unsigned>> ports;
  std::optional<std::string> bmc_user;
  std::optional<std::string> bmc_password;  // secret; "" with a bmc_user: none stored
  std::optional<std::string> switch_port;   // "": none
  std::optional<IpmiPrivilege> privilege;
  std::optional<unsigned> cipher_suite;
  std::optional<std::vector<std::string>> workarounds;
  std::optional<ConsoleLogMode> console_log;
  bool check = false;
};

// What of the host's own networks (an address or a route on an interface
// that is not a BMC link of `state`) `subnet` overlaps, or empty.
std::string host_network_overlap(const Ipv4Cidr& subnet, const std::map<std::string, LinkInfo>& links,
                                 const State& state);

class Admin {
 public:
  // Opens an IPMI session to an enrollment's BMC with its credentials
  // (through its link, which exists by then): the BMC's answer, or an error
  // when it did not answer. Blocks up to the session timeout.
  using Checker = std::function<Result<BmcProbe>(const Enrollment&)>;

  // `sessions` (may be null in tests) ends what a revoke leaves live.
  explicit Admin(Jumphost& jh, LiveSessions* sessions = nullptr, Checker checker = nullptr)
      : jh_(jh), sessions_(sessions), checker_(std::move(checker)) {}

  Result<Enrollment> enroll(const EnrollRequest& request, const std::string& who);
  // Changes an enrollment in place, all or nothing, touching only what the
  // change needs: a new owner moves the keys' permitopen, the firewall's
  // rules and the console (its log moves aside); new ports change the
  // firewall and the owner's permitopen; credentials and IPMI settings
  // change the state alone (checked first with `check`).
  Result<Enrollment> set(const SetRequest& request, const std::string& who);
  Status revoke(const std::string& name, const std::string& who);

  // A change run on a worker thread (set with --check, which waits on the
  // BMC) must not touch the live state, which the bus thread reads
  // meanwhile: while `commit` is set, a change leaves its new state there,
  // with what is to follow it (ending the old owner's access), for the bus
  // thread to take in and run; the state file is written as ever. Null:
  // the state is taken in at once, and what follows runs at once.
  struct Commit {
    std::optional<State> state;
    std::vector<std::function<void()>> after;
  };
  void defer_commit(Commit* commit) { commit_ = commit; }
  Result<std::vector<std::string>> add_keys(const std::string& user, const KeySource& source, const std::string& who);
  Status remove_key(const std::string& user, const std::string& fingerprint, const std::string& who);

 private:
  // The enrollment `request` asks for, checked field by field
  // (daemon/model/fields.h) and against the state and the host.
  Result<Enrollment> build_enrollment(const EnrollRequest& request, const std::string& who) const;
  Result<std::vector<SshKey>> new_keys(const std::string& user, const std::vector<KeySource>& sources) const;
  Result<Ipv4Cidr> allocate_subnet(const std::map<std::string, LinkInfo>& links) const;
  Status check_address_free(const Ipv4Cidr& bmc) const;
  // A switch port label released on another trunk's switch is refused.
  Status check_released_port(const std::string& port, const std::string& trunk) const;
  // A BMC subnet must not take over a special-purpose range or a network the
  // host reaches through another interface (an address or a route there).
  Status check_host_networks(const Ipv4Cidr& bmc, const std::map<std::string, LinkInfo>& links) const;

  // Refuses, before any step, when sshd would not apply the tenants' block
  // first: a Match block read before it, or no Include of it (steps.cc).
  Status check_sshd_order() const;

  // Steps that bring the host to what `next` says (steps.cc).
  Step keys_step(const State& next, const std::string& user);
  Step dropin_step(const State& next, const std::string& user, bool enrolling);
  Step hosts_step(const State& next);
  Step state_step(const State& next);
  // What one change touches in the firewall: its BMCs and tenants, and
  // which trunks have an address of the host.
  struct FirewallTouch {
    std::set<std::string> bmcs, users;
    AddressedTrunks addressed;
  };
  using Touch = std::shared_ptr<FirewallTouch>;
  Result<Touch> touch(std::set<std::string> bmcs, std::set<std::string> users) const;
  // Moves the touched elements of the table from what `from` gives them
  // (with the uids the daemon wrote them with) to what `to` gives them
  // (with the uids of now), in one transaction that costs what the touch
  // holds, not what the table holds; when that fails (the table is missing
  // or was changed) it writes the whole table for `to`.
  Status move_firewall(const State& from, const State& to, const FirewallTouch& t);
  // The whole table for `to`, with every tenant's uid as it is now.
  Status write_whole_firewall(const State& to);
  // Deletes the elements of `user`'s written uid for t's BMCs in `state`.
  Status drop_uid_elements(const std::string& user, const State& state, const FirewallTouch& t);
  // The state before a change and the one it makes, for the steps that
  // render the firewall from both (and undo to `before`): one copy of each
  // per change, shared by its steps (a state of 4,094 BMCs is thousands of
  // nodes, and each copy counted in a change's time).
  struct Snapshots {
    std::shared_ptr<const State> before, after;
  };
  Snapshots snapshots(const State& next) const;
  // Creates (enroll) or removes (revoke) the tenant's Unix user; a created
  // user's uid gets its firewall elements in the same step.
  Step user_step(const Snapshots& s, const std::string& user, bool create, Touch t);
  // The VLAN link with the firewall around it: the link never exists
  // without its rules (enroll: rules, then link; revoke: link, then rules).
  Step link_step(const Snapshots& s, const Enrollment& e, bool create, Touch t);
  // The firewall for s.after; the undo puts back s.before's.
  Step firewall_step(const Snapshots& s, Touch t);
  // Runs the plan with the record of it in place (intent.h): written
  // before the first step (the plan does not run when it cannot be),
  // removed after the last or the rollback.
  // BEGAN: when the change was asked for, so the debug log can say what
  // its checks took before the first step.
  Status run_recorded(Plan& plan, const Intent& intent, std::chrono::steady_clock::time_point began);
  // The BMC takes `e`'s credentials (checker_), or the step fails.
  Step check_step(const Enrollment& e);

  // After a revoke: the BMC's console and every connection to its address;
  // after a key removal: the user's sessions. Failures are logged, the
  // change stands.
  // `operation` and `why` say what for (revoke, set).
  void end_live_access(const Enrollment& revoked, const std::string& operation, const std::string& why);
  // Runs `f` once the change's state is live: now, or after the deferred
  // commit is taken in.
  void after_commit(std::function<void()> f);

  Jumphost& jh_;
  LiveSessions* sessions_;
  Checker checker_;
  Commit* commit_ = nullptr;
};

}  // namespace ij
