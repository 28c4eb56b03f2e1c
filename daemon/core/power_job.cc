#include "daemon/core/power_job.h"

#include <cmath>
#include <memory>

namespace ij {
namespace {

using Clock = std::chrono::steady_clock;

struct Run {
  Run(Executor& e, Bmc& b, PowerJob j, std::function<void(PowerOutcome)> d)
      : executor(e), bmc(b), job(std::move(j)), done(std::move(d)) {}
  Executor& executor;
  Bmc& bmc;
  PowerJob job;
  std::function<void(PowerOutcome)> done;
  Clock::time_point start = Clock::now();
  // Whichever comes first: the time (a read of a BMC that does not answer
  // takes the session timeout) or the reads that fit in it.
  Clock::time_point deadline = start + kPowerWaitTimeout;
  int polls_left = static_cast<int>(kPowerWaitTimeout / kPowerPollInterval);
  PowerOutcome outcome;
  std::string last_read_error;  // a read while the BMC resets may fail
};

const char* on_off(bool on) { return on ? "on" : "off"; }

// On the bus thread: the answer, once.
void finish(const std::shared_ptr<Run>& r) {
  r->job.target.password.clear();
  r->outcome.view.seconds =
      std::round(std::chrono::duration<double>(Clock::now() - r->start).count() * 10) / 10;
  if (!r->outcome.view.ok && r->outcome.view.error.empty()) r->outcome.view.error = r->outcome.error.message;
  if (r->outcome.view.ok) r->outcome.error = Error{};
  r->done(std::move(r->outcome));
}

void fail(const std::shared_ptr<Run>& r, Error e) {
  r->outcome.view.ok = false;
  r->outcome.view.error = e.message;
  r->outcome.error = std::move(e);
}

void poll_later(const std::shared_ptr<Run>& r);

// False (and the outcome says why) once the access it was accepted under
// is gone.
bool still_allowed(const std::shared_ptr<Run>& r) {
  if (!r->job.ticket || r->job.ticket->valid()) return true;
  fail(r, r->job.ticket->voided());
  return false;
}

Executor::Done poll(const std::shared_ptr<Run>& r) {
  if (!still_allowed(r)) return [r] { finish(r); };
  const bool goal = *power_goal(r->job.action);
  auto on = r->bmc.power_status(r->job.target);
  if (on) {
    r->outcome.view.power = on_off(*on);
    if (*on == goal) {
      r->outcome.view.ok = true;
      r->outcome.view.waited = true;
      return [r] { finish(r); };
    }
  } else {
    r->last_read_error = on.error().message;
  }
  if (--r->polls_left <= 0 || Clock::now() + kPowerPollInterval > r->deadline) {
    std::string now = on ? std::string("still reports ") + on_off(*on) : "did not answer the last read (" + r->last_read_error + ")";
    fail(r, make_error(Errc::failed, "BMC " + r->job.target.name + " accepted power " +
                                         power_action_name(r->job.action) + " but " + now + " after " +
                                         std::to_string(kPowerWaitTimeout.count()) + " s"));
    return [r] { finish(r); };
  }
  return [r] { poll_later(r); };
}

void poll_later(const std::shared_ptr<Run>& r) {
  Status queued = r->executor.run_after(kPowerPollInterval, [r] { return poll(r); });
  if (!queued) {
    // The chassis was told; only the wait cannot be had: say so, not "failed".
    r->outcome.view.ok = true;
    r->outcome.view.waited = false;
    r->outcome.view.error = "accepted, but the jumphost cannot wait for it now: " + queued.error().message;
    finish(r);
  }
}

}  // namespace

std::optional<bool> power_goal(PowerAction a) {
  switch (a) {
    case PowerAction::on:
    case PowerAction::cycle:
    case PowerAction::reset: return true;
    case PowerAction::off:
    case PowerAction::soft: return false;
    case PowerAction::status:
    case PowerAction::diag: break;
  }
  return std::nullopt;
}

void run_power(Executor& executor, Bmc& bmc, PowerJob job, std::function<void(PowerOutcome)> done) {
  auto r = std::make_shared<Run>(executor, bmc, std::move(job), std::move(done));
  r->outcome.view.bmc = r->job.target.name;
  r->outcome.view.action = power_action_name(r->job.action);
  Status queued = executor.run([r]() -> Executor::Done {
    if (!still_allowed(r)) return [r] { finish(r); };
    if (r->job.action == PowerAction::status) {
      auto on = r->bmc.power_status(r->job.target);
      if (on) {
        r->outcome.view.ok = true;
        r->outcome.view.power = on_off(*on);
      } else {
        fail(r, on.error());
      }
      return [r] { finish(r); };
    }
    if (Status s = r->bmc.power_control(r->job.target, r->job.action); !s) {
      fail(r, s.error());
      return [r] { finish(r); };
    }
    if (!r->job.wait || !power_goal(r->job.action)) {
      r->outcome.view.ok = true;
      return [r] { finish(r); };
    }
    return [r] { poll_later(r); };
  });
  if (!queued) {
    fail(r, queued.error());
    finish(r);
  }
}

}  // namespace ij
