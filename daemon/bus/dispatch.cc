#include "daemon/bus/dispatch.h"

#include <stdexcept>

namespace ij {

void Dispatcher::throw_error(const Error& e) { throw sdbus::Error(bus::error_name(e.code), e.message); }

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
