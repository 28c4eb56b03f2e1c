// A BMC in memory for the tenant service's tests: a power state per BMC,
// errors and delays to inject, every target it was asked for (to check
// passwords), and SOL sessions whose far end the test holds (a socket pair).
// And an Executor that runs work only when the test says so, so that
// requests can be held in flight.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/executor.h"
#include "daemon/ipmi/bmc.h"

namespace ij::testing {

class FakeBmc : public Bmc {
 public:
  Result<bool> power_status(const BmcTarget& target) override;
  Status power_control(const BmcTarget& target, PowerAction action) override;
  // Non-blocking as the real one: a session whose BMC fails (`fail`, or
  // `sol_in_use` without take_over) ends at once with that error; any other
  // is up at once (its NUL written), and the test's end of it is sol_peer().
  Result<std::unique_ptr<SolSession>> start_sol(const BmcTarget& target, bool take_over) override;
  // Frees sol_in_use (unless `fail`), after waiting while deactivate_gate
  // is closed; counted.
  Status deactivate_sol(const BmcTarget& target) override;

  Status set_boot_device(const BmcTarget& target, const BootSetting& setting) override;
  Result<BootSetting> boot_device(const BmcTarget& target) override;
  Status identify(const BmcTarget& target, const IdentifyRequest& request) override;
  Result<std::vector<SelEvent>> sel_list(const BmcTarget& target) override;
  Status sel_clear(const BmcTarget& target) override;
  Result<std::vector<SensorReading>> sensors(const BmcTarget& target) override;
  Result<BmcProbe> probe(const BmcTarget& target) override;
  void forget(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mutex_);
    forgotten.push_back(name);
  }
  std::vector<std::string> forgotten;          // every forget(), in order

  // The test's end of the last SOL session started to `bmc` (-1 if none);
  // closing it is the BMC going away. The test closes it.
  int sol_peer(const std::string& bmc);
  int sol_starts(const std::string& bmc);
  // Locked reads, for what the console loop's thread writes.
  int break_count(const std::string& bmc);
  void count_break(const std::string& bmc);
  BmcTarget last_seen();
  std::vector<bool> take_overs_seen();
  int deactivations(const std::string& bmc);
  // Holds deactivate_sol until opened (a BMC slow to answer).
  void close_deactivate_gate();
  void open_deactivate_gate();
  // Sets (or, with nullopt, clears) `bmc`'s failure while a loop runs.
  void set_fail(const std::string& bmc, std::optional<Error> e);

  std::map<std::string, bool> sol_in_use;      // by BMC name: another SOL session holds it
  std::vector<bool> take_overs;                // each start_sol's take_over

  std::map<std::string, bool> power;           // by BMC name: on?
  std::map<std::string, Error> fail;           // by BMC name: every call fails so
  std::chrono::milliseconds delay{0};          // each call takes this long
  std::vector<BmcTarget> seen;                 // every target asked for, in order
  std::map<std::string, int> breaks;           // breaks sent, by BMC name
  // A power control takes effect only after this many status reads (a BMC
  // that says "done" before the chassis is), by BMC name.
  std::map<std::string, int> power_lag;
  std::map<std::string, BootSetting> boot;     // by BMC name
  std::map<std::string, IdentifyRequest> identified;  // the last request, by BMC name
  std::map<std::string, std::vector<SelEvent>> sel;   // by BMC name
  std::map<std::string, std::vector<SensorReading>> sensor_readings;  // by BMC name
  std::map<std::string, BmcProbe> probes;      // by BMC name (default: credentials work)

 private:
  Status begin(const BmcTarget& target);
  std::mutex mutex_;
  std::map<std::string, int> peers_;
  std::map<std::string, int> starts_;
  std::map<std::string, int> deactivations_;
  bool gate_closed_ = false;
  std::condition_variable gate_;
  struct PendingPower {
    bool on = false;
    int reads_left = 0;
  };
  std::map<std::string, PendingPower> pending_power_;
};

class ManualExecutor : public Executor {
 public:
  Status run(std::function<Done()> work) override {
    if (full) return make_error(Errc::failed, "the jumphost has 1024 requests waiting already; try again in a minute");
    pending.push_back(std::move(work));
    return ok_status();
  }
  // Delayed work waits with the rest (the test's steps are its clock).
  Status run_after(std::chrono::milliseconds delay, std::function<Done()> work) override {
    delays.push_back(delay);
    return run(std::move(work));
  }
  std::vector<std::chrono::milliseconds> delays;  // each run_after's
  // Runs the oldest pending work and its Done; false when none waits.
  bool step();
  void run_all() {
    while (step()) {
    }
  }
  std::deque<std::function<Done()>> pending;
  bool full = false;  // run() refuses, as a full pool's queue does
};

}  // namespace ij::testing
