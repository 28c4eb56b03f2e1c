// Each field of an enrollment is checked by one function, wherever it
// enters: an enroll over the bus, the state file at start-up, a password a
// tenant types. Messages name the field; a secret is never quoted.
#pragma once

#include <string_view>

#include "common/base/result.h"
#include "daemon/model/enrollment.h"

namespace ij {

// Free text an operator gives (a key file's name, a user name on a BMC):
// printable ASCII, at most `max` bytes, spaces only where allowed.
Status validate_text(const char* what, std::string_view value, size_t max, bool allow_space);

// IPMI v2.0 section 22.28: user names are at most 16 bytes, passwords 20.
constexpr size_t kMaxBmcUserLength = 16;
constexpr size_t kMaxBmcPasswordLength = 20;
Status validate_bmc_user(std::string_view user);
Status validate_bmc_password(std::string_view password);

// The fields an operator chooses (enroll), in the order enroll reports them:
// name, VLAN, owner, ports, BMC user and password, switch port, IPMI settings.
Status validate_operator_fields(const Enrollment& e);

// All of it, as the state file must hold it: the operator's fields, then
// what the daemon derived (link name, the jumphost's address for the BMC's,
// when and by whom).
Status validate_enrollment(const Enrollment& e);

}  // namespace ij
