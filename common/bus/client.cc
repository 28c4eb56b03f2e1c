#include "common/bus/client.h"

namespace ij::bus {

Client::Client(std::chrono::microseconds timeout)
    : connection_(sdbus::createSystemBusConnection()), timeout_(timeout) {
  proxy_ = sdbus::createProxy(*connection_, kServiceName, kObjectPath);
}

}  // namespace ij::bus
