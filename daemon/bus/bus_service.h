// The D-Bus face of the daemon: one handler per row of the contract
// (common/bus/contract.h). Each reads its arguments, calls the core and
// returns; the Dispatcher has already named and authorised the caller.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <memory>

#include "daemon/bus/dispatch.h"
#include "daemon/core/admin.h"
#include "daemon/core/denials.h"
#include "daemon/core/jumphost.h"
#include "daemon/core/tenant_service.h"

namespace ij {

class BusService {
 public:
  BusService(sdbus::IConnection& connection, Jumphost& jumphost, TenantService& tenants, ConsoleServer& consoles,
             const Clock& clock);
  // Every few seconds between requests: the summary of refused calls.
  void tick() { denials_.flush(); }

 private:
  // Names the caller of the message being handled from the bus's
  // credentials and checks that they have `role`; logs a refusal.
  Result<Caller> authorize_call(bus::Role role, const char* method);
  void serve_manager();
  void serve_tenant();

  std::unique_ptr<sdbus::IObject> object_;
  Dispatcher dispatcher_;
  Jumphost& jumphost_;
  Admin admin_;
  TenantService& tenants_;
  ConsoleServer& consoles_;
  DenialLog denials_;
};

}  // namespace ij
