// Who may call what: one declarative table, checked in one place.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "common/base/result.h"

namespace ij {

enum class Role {
  admin,   // root or a member of the admin group (jumphost-admin)
  tenant,  // any user the state knows as a tenant; acts only on their own BMCs
};

// The role a method requires; nullopt for a method not in the table (denied).
std::optional<Role> required_role(const std::string& interface, const std::string& method);

struct Caller {
  uid_t uid = 0;
  std::string name;  // user name, or "uid N" when it has none
};

// Facts about the caller that the decision needs, looked up by the caller of
// authorize() so the table stays pure and testable.
struct CallerFacts {
  bool is_admin = false;   // root or in the admin group
  bool is_tenant = false;  // a tenant in the state
};

Status authorize(const std::string& interface, const std::string& method, const Caller& caller,
                 const CallerFacts& facts);

}  // namespace ij
