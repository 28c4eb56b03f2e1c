// A client of ipmi-jumphostd on the system bus (DBUS_SYSTEM_BUS_ADDRESS, or
// the standard socket); jumpctl and ipmi-wrapper call methods by their
// contract rows: client.call<bus::Show>(name) returns an EnrollmentDetail.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "common/bus/contract.h"

namespace ij::bus {

class Client {
 public:
  // timeout 0: sd-bus's default (25 s). `host` ([USER@]HOST[:PORT]): the
  // system bus of that machine over ssh (sd-bus's remote transport: ssh
  // runs systemd-stdio-bridge there, as USER), instead of this one's.
  explicit Client(std::chrono::microseconds timeout = std::chrono::microseconds{0}, const std::string& host = "");

  // Calls method M; errors arrive as sdbus::Error, answers of another shape
  // as nlohmann::json::exception.
  template <class M, class... A>
  typename M::Reply call(A&&... args) {
    typename M::Args in{std::forward<A>(args)...};
    sdbus::MethodCall message = proxy_->createMethodCall(M::interface, M::name);
    std::apply([&](const auto&... a) { ((message << a), ...); }, in);
    sdbus::MethodReply reply = proxy_->callMethod(message, static_cast<uint64_t>(timeout_.count()));
    if constexpr (std::is_same_v<typename M::Reply, NoReply>) {
      return NoReply{};
    } else {
      typename Wire<typename M::Reply>::type wire;
      reply >> wire;
      return Wire<typename M::Reply>::decode(wire);
    }
  }

 private:
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<sdbus::IProxy> proxy_;
  std::chrono::microseconds timeout_;
};

}  // namespace ij::bus
