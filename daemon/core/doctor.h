// jumpctl doctor: reads (never changes) what the isolation relies on and
// says, for each finding, what to do. Two kinds of finding:
// - drift in what the daemon owns (find_drift(), daemon/core/drift.h): the
//   same checks the start-up reconcile repairs, so a restart repairs
//   exactly what the doctor reports;
// - audits of what the daemon does not own and never changes: IP forwarding,
//   the Match blocks sshd reads before the tenants' block (they win over it
//   for the connections they match; daemon/render/sshd_order.h), and sshd's
//   effective settings for each tenant on the addresses sshd listens on. The
//   operator fixes these.
#pragma once

#include <vector>

#include "common/bus/views.h"
#include "daemon/core/jumphost.h"

namespace ij {

// Reads, never changes. Safe off the bus thread on snapshots of the
// configuration and the state: the host interfaces it uses may be called
// from any thread.
std::vector<bus::Finding> doctor(const Config& config, const State& state, Host& host);
std::vector<bus::Finding> doctor(Jumphost& jh);

}  // namespace ij
