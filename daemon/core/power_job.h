// One power request to its end: the control (or the status read), then,
// with --wait, a status read every second until the chassis reports the
// state asked for or the time is up. Every step is work on the Executor; the
// waits between reads hold no worker (Executor::run_after). Tenants' power
// and the operators' fan-out both run through here.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "common/base/result.h"
#include "common/bus/views.h"
#include "common/ipmi/power.h"
#include "daemon/core/access_ticket.h"
#include "daemon/core/executor.h"
#include "daemon/ipmi/bmc.h"

namespace ij {

// How long --wait waits for the chassis (a soft shutdown is the operating
// system's, and may take a while), and how often it asks.
constexpr std::chrono::seconds kPowerWaitTimeout{120};
constexpr std::chrono::milliseconds kPowerPollInterval{1000};

// The state `a` leads to: on for on, cycle and reset; off for off and soft;
// nothing to wait for with status and diag. A reset never turns the chassis
// off, and a cycle's off time may fall between two reads: for both, --wait
// means "on again", which the first read after the request may already see.
std::optional<bool> power_goal(PowerAction a);

struct PowerJob {
  BmcTarget target;  // its password is wiped when the job ends
  PowerAction action = PowerAction::status;
  bool wait = false;
  Ticket ticket;     // checked before each step at the BMC (null: none)
};

struct PowerOutcome {
  bus::PowerView view;
  Error error;  // when !view.ok: what failed, with its kind
};

// Runs `job` and calls `done` on the bus thread with the outcome, once.
// When the executor refuses the work, `done` runs before run_power returns:
// a caller that starts more work from `done` must expect to be re-entered.
// Called on the bus thread.
void run_power(Executor& executor, Bmc& bmc, PowerJob job, std::function<void(PowerOutcome)> done);

}  // namespace ij
