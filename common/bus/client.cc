#include "common/bus/client.h"

#include "common/bus/names.h"

namespace ij::bus {

Client::Client(const char* interface, uint64_t timeout_usec)
    : connection_(sdbus::createSystemBusConnection()), interface_(interface), timeout_usec_(timeout_usec) {
  proxy_ = sdbus::createProxy(*connection_, kServiceName, kObjectPath);
}

sdbus::MethodInvoker Client::call(const char* method) {
  sdbus::MethodInvoker invoker = proxy_->callMethod(method);
  invoker.onInterface(interface_);
  if (timeout_usec_) invoker.withTimeout(timeout_usec_);
  return invoker;
}

}  // namespace ij::bus
