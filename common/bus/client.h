// A client of ipmi-jumphostd on the system bus (DBUS_SYSTEM_BUS_ADDRESS, or
// the standard socket), for one of its interfaces; used by jumpctl and
// ipmi-wrapper.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <memory>
#include <string>

namespace ij::bus {

class Client {
 public:
  // timeout_usec 0: sd-bus's default (25 s).
  explicit Client(const char* interface, uint64_t timeout_usec = 0);
  // A call of `method` on the interface, ready for withArguments/storeResultsTo.
  sdbus::MethodInvoker call(const char* method);

 private:
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<sdbus::IProxy> proxy_;
  std::string interface_;
  uint64_t timeout_usec_;
};

}  // namespace ij::bus
