#include "common/bus/client.h"

namespace ij::bus {

Client::Client(std::chrono::microseconds timeout, const std::string& host)
    : connection_(host.empty() ? sdbus::createSystemBusConnection() : sdbus::createRemoteSystemBusConnection(host)),
      timeout_(timeout) {
  proxy_ = sdbus::createProxy(*connection_, kServiceName, kObjectPath);
}

}  // namespace ij::bus
