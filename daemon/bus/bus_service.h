// The D-Bus face of the daemon: one handler per row of the contract
// (common/bus/contract.h). Each reads its arguments, calls the core and
// returns; the Dispatcher has already named and authorised the caller.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>

#include "daemon/bus/dispatch.h"
#include "daemon/core/admin.h"
#include "daemon/core/denials.h"
#include "daemon/core/executor.h"
#include "daemon/core/jumphost.h"
#include "daemon/core/tenant_service.h"

namespace ij {

class BusService {
 public:
  BusService(sdbus::IConnection& connection, Jumphost& jumphost, TenantService& tenants, ConsoleServer& consoles,
             Executor& executor, const Clock& clock);
  // Every few seconds between requests: the summary of refused calls.
  void tick() { denials_.flush(); }

  // Runs `work`, which changes the host from the configuration and the
  // state (a reconcile after a reload, or when the trunk appears), on a
  // worker, so the bus keeps answering; `then` runs on the bus thread when
  // it is done. Meanwhile the configuration and the state must not change:
  // enroll, set, revoke and key changes are refused with a reason. False
  // (and nothing runs) when such work runs already, or no worker takes it.
  bool run_host_work(std::function<void()> work, std::function<void()> then);
  bool host_busy() const { return busy_ != Busy::no; }
  // Whether work on a worker reads the configuration now (a reconcile, a
  // change or a doctor): a reload must wait for it. `on_idle` runs on the
  // bus thread whenever such work ends.
  bool config_in_use() const { return busy_ != Busy::no || doctor_running_; }
  void set_on_idle(std::function<void()> on_idle) { on_idle_ = std::move(on_idle); }

 private:
  // Names the caller of the message being handled from the bus's
  // credentials and checks that they have `role`; logs a refusal.
  Result<Caller> authorize_call(bus::Role role, const char* method);
  void serve_manager();
  void serve_tenant();
  // Refuses a change while host work runs (run_host_work, run_change).
  Status host_free(const std::string& what) const;
  // Runs an enroll or a set and replies with the enrollment. With
  // `off_thread` (--check: the probe waits on the BMC, up to its session
  // timeout) on a worker, while the bus answers others: the change's new
  // state is taken in, and its aftermath (the old owner's access ended)
  // run, here on the bus thread, which alone reads the live state; other
  // changes and reconciles are refused meanwhile.
  void run_change(const std::string& what, bool off_thread, std::function<Result<Enrollment>()> change,
                  Replier<bus::EnrollmentView> reply);

  std::unique_ptr<sdbus::IObject> object_;
  Dispatcher dispatcher_;
  Jumphost& jumphost_;
  Admin admin_;
  TenantService& tenants_;
  ConsoleServer& consoles_;
  Executor& executor_;
  DenialLog denials_;
  // What runs on a worker that the host and the state must not change
  // under: a reconcile, or a change.
  enum class Busy { no, reconcile, change };
  Busy busy_ = Busy::no;
  bool doctor_running_ = false;
  std::function<void()> on_idle_;
};

}  // namespace ij
