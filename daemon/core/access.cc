#include "daemon/core/access.h"

#include "common/bus/names.h"

namespace ij {
namespace {

struct Rule {
  const char* interface;
  const char* method;
  Role role;
};

constexpr Rule kRules[] = {
    {bus::kManagerInterface, "Enroll", Role::admin},
    {bus::kManagerInterface, "Revoke", Role::admin},
    {bus::kManagerInterface, "List", Role::admin},
    {bus::kManagerInterface, "Show", Role::admin},
    {bus::kManagerInterface, "AddKeys", Role::admin},
    {bus::kManagerInterface, "RemoveKey", Role::admin},
    {bus::kManagerInterface, "ClientConfig", Role::admin},
    {bus::kManagerInterface, "SwitchConfig", Role::admin},
    {bus::kManagerInterface, "Doctor", Role::admin},
    {bus::kTenantInterface, "ListMine", Role::tenant},
    {bus::kTenantInterface, "Power", Role::tenant},
    {bus::kTenantInterface, "Console", Role::tenant},
    {bus::kTenantInterface, "ConsoleBreak", Role::tenant},
};

}  // namespace

std::optional<Role> required_role(const std::string& interface, const std::string& method) {
  for (const Rule& r : kRules)
    if (interface == r.interface && method == r.method) return r.role;
  return std::nullopt;
}

Status authorize(const std::string& interface, const std::string& method, const Caller& caller,
                 const CallerFacts& facts) {
  auto role = required_role(interface, method);
  if (!role) return make_error(Errc::access_denied, method + " is not a method anyone may call");
  switch (*role) {
    case Role::admin:
      if (facts.is_admin) return ok_status();
      return make_error(Errc::access_denied, caller.name + " may not call " + method +
                                                 ": only root and members of group jumphost-admin may");
    case Role::tenant:
      if (facts.is_tenant) return ok_status();
      return make_error(Errc::access_denied, caller.name + " is not a tenant of this jumphost");
  }
  return make_error(Errc::access_denied, "denied");
}

}  // namespace ij
