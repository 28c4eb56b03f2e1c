// The record of a change in progress (state_dir/intent, 0600): what an
// enroll, a set or a revoke is about to do that the state, written last,
// would not account for if the daemon stopped between its steps (a crash,
// a kill -9, a power cut). The start-up reads it before the reconcile:
// - a new VLAN link and new tenant users that the state does not name are
//   taken off the host (the reconcile repairs the rest from the state: the
//   firewall's elements, the hosts block, the keys files, the drop-in);
// - a revoke is finished: access that was being taken away stays away.
// The record is written (atomically) before the first step and removed
// after the plan, whether it succeeded or rolled back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "daemon/config/config.h"
#include "daemon/host/host.h"
#include "daemon/model/enrollment.h"

namespace ij {

struct Intent {
  std::string operation;  // enroll, set, revoke
  std::string bmc;
  std::vector<std::string> links;  // VLAN links the change creates
  std::vector<std::string> users;  // tenant users the change creates
  bool operator==(const Intent&) const = default;
};

std::string intent_path(const Config& config);
std::string serialize_intent(const Intent& intent);
// Every line checked: a record that does not parse is an error (the start
// says so and leaves the record for the operator).
Result<Intent> parse_intent(const std::string& text);

Status write_intent(Files& files, const Config& config, const Intent& intent);
void clear_intent(Files& files, const Config& config);

// At start, before the reconcile: undoes what an interrupted change left
// that the state does not name. Returns the BMC whose revoke must be
// finished once the host agrees with the state, if any.
Result<std::optional<std::string>> recover_interrupted(const Config& config, const State& state, Host& host);

}  // namespace ij
