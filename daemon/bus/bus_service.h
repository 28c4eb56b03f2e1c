// The D-Bus face of the daemon: decodes calls, asks the access table, calls
// Jumphost, and turns error values into org.ipmijumphost.Jumphost1.Error.*.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <memory>

#include "daemon/ipmi/bmc.h"
#include "daemon/core/access.h"
#include "daemon/core/completions.h"
#include "daemon/core/consoles.h"
#include "daemon/core/jumphost.h"

namespace ij {

class BusService {
 public:
  BusService(sdbus::IConnection& connection, Jumphost& jumphost, Bmc& bmc, Completions& completions);

 private:
  // Identifies the caller of the message being handled and checks the table;
  // throws the D-Bus error when the caller may not call `method`.
  Caller authorize_call(const std::string& interface, const std::string& method);
  void register_manager();
  void register_tenant();
  // At most kMaxTenantRequests IPMI requests of one tenant run at a time.
  bool begin_request(const std::string& tenant);
  void end_request(const std::string& tenant);

  std::unique_ptr<sdbus::IObject> object_;
  Jumphost& jumphost_;
  Bmc& bmc_;
  Completions& completions_;
  Consoles consoles_;
  std::map<std::string, int> inflight_;
};

}  // namespace ij
