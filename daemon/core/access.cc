#include "daemon/core/access.h"

namespace ij {

Status authorize(bus::Role role, const std::string& method, const std::string& who, const CallerFacts& facts) {
  switch (role) {
    case bus::Role::admin:
      if (facts.is_admin) return ok_status();
      return make_error(Errc::access_denied,
                        who + " may not call " + method + ": only root and members of group " + facts.admin_group + " may");
    case bus::Role::tenant:
      if (facts.is_tenant) return ok_status();
      return make_error(Errc::access_denied, who + " is not a tenant of this jumphost");
  }
  return make_error(Errc::access_denied, "denied");
}

}  // namespace ij
