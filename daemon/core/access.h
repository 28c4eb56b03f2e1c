// Who may call what. The role each method needs is a column of the contract
// table (common/bus/contract.h); this decides, in one place, whether a
// caller has that role.
#pragma once

#include <string>

#include "common/base/result.h"
#include "common/bus/contract.h"

namespace ij {

// Facts about the caller that the decision needs, looked up by the bus
// layer so that the decision stays pure and testable.
struct CallerFacts {
  bool is_admin = false;   // root or in the admin group
  bool is_tenant = false;  // a tenant in the state
  std::string admin_group;  // the configuration's, named in a refusal
};

// `who` names the caller in the message; `method` names what they called.
Status authorize(bus::Role role, const std::string& method, const std::string& who, const CallerFacts& facts);

}  // namespace ij
