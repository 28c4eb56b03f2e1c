#include "daemon/bus/dispatch.h"

#include <stdexcept>

#include "common/base/log.h"

namespace ij {

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
