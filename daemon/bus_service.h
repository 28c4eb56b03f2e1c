// The D-Bus face of the daemon: decodes calls, asks the access table, calls
// Jumphost, and turns error values into org.ipmijumphost.Jumphost1.Error.*.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <memory>

#include "daemon/access.h"
#include "daemon/jumphost.h"

namespace ij {

class BusService {
 public:
  BusService(sdbus::IConnection& connection, Jumphost& jumphost);

 private:
  // Identifies the caller of the message being handled and checks the table;
  // throws the D-Bus error when the caller may not call `method`.
  Caller authorize_call(const std::string& interface, const std::string& method);
  void register_manager();

  std::unique_ptr<sdbus::IObject> object_;
  Jumphost& jumphost_;
};

}  // namespace ij
