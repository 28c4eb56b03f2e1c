#include "common/bus/contract.h"

namespace ij::bus {

std::optional<Role> required_role(const std::string& interface, const std::string& method) {
  std::optional<Role> role;
  std::apply(
      [&](auto... row) {
        ((interface == decltype(row)::interface && method == decltype(row)::name ? (void)(role = decltype(row)::role)
                                                                                 : (void)0),
         ...);
      },
      Methods{});
  return role;
}

}  // namespace ij::bus
