#include "daemon/bus/dispatch.h"

#include <systemd/sd-bus.h>

#include <stdexcept>

#include "common/base/log.h"

namespace ij {
namespace {

// sdbus-c++ 1.2 has no call for sd_bus_message_sensitive(); the message
// it wraps is a protected member, reached through a member pointer.
struct RawMessage : sdbus::Message {
  static sd_bus_message* of(const sdbus::Message& m) {
    return static_cast<sd_bus_message*>(m.*(&RawMessage::msg_));
  }
};

}  // namespace

void Dispatcher::mark_sensitive() const {
  if (const sdbus::Message* m = object_.getCurrentlyProcessedMessage())
    sd_bus_message_sensitive(RawMessage::of(*m));
}

void Dispatcher::throw_error(const Error& e) { throw sdbus::Error(bus::error_name(e.code), e.message); }

void Dispatcher::internal_error(const char* method, const char* what) {
  log::error(std::string("internal error in ") + method + ": " + what);
  throw sdbus::Error(bus::error_name(Errc::failed),
                     std::string(method) + " failed inside the daemon (" + what + "); see its log and report it");
}

void Dispatcher::finish() {
  std::apply(
      [&](auto... row) {
        for (const std::string& method : {std::string(decltype(row)::interface) + "." + decltype(row)::name...})
          if (!served_.count(method)) throw std::logic_error("contract row " + method + " has no handler");
      },
      bus::Methods{});
  object_.finishRegistration();
}

}  // namespace ij
