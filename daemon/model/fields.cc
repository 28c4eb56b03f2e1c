#include "daemon/model/fields.h"

#include <string>

#include "common/base/strings.h"
#include "common/model/names.h"

namespace ij {
namespace {

Error invalid(std::string m) { return make_error(Errc::invalid_argument, std::move(m)); }

// RFC 3339 UTC as the daemon writes it, and operator names: short, printable.
constexpr size_t kMaxStampLength = 32;
constexpr size_t kMaxOperatorNameLength = 64;

}  // namespace

Status validate_text(const char* what, std::string_view v, size_t max, bool allow_space) {
  if (v.size() > max) return invalid(std::string(what) + " is longer than " + std::to_string(max) + " characters");
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || (!allow_space && c == ' '))
      return invalid(std::string(what) + " '" + quote_for_message(v) + "' contains a character that is not allowed");
  }
  return ok_status();
}

Status validate_bmc_user(std::string_view user) { return validate_text("BMC user", user, kMaxBmcUserLength, false); }

Status validate_bmc_password(std::string_view password) {
  if (password.size() > kMaxBmcPasswordLength)
    return invalid("the BMC password is longer than 20 bytes (IPMI 2.0 limit)");
  for (char ch : password)  // never quoted in a message: it is a secret
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f)
      return invalid("the BMC password contains a control or non-ASCII character");
  return ok_status();
}

Status validate_operator_fields(const Enrollment& e) {
  IJ_TRY(validate_bmc_name(e.name));
  IJ_TRY(validate_vlan(e.vlan));
  IJ_TRY(validate_user_name(e.owner));
  IJ_TRY(validate_ports(e.ports));
  IJ_TRY(validate_bmc_user(e.bmc_user));
  IJ_TRY(validate_bmc_password(e.bmc_password.reveal()));
  if (!e.bmc_password.empty() && e.bmc_user.empty()) return invalid("a BMC password needs a BMC user");
  if (!e.switch_port.empty()) IJ_TRY(validate_switch_port(e.switch_port));
  return validate_ipmi_settings(e.ipmi);
}

Status validate_enrollment(const Enrollment& e) {
  IJ_TRY(validate_operator_fields(e));
  IJ_TRY(validate_ifname(e.link));
  auto jumphost = jumphost_address_for(e.bmc_address);
  if (!jumphost) return jumphost.error();
  if (!(*jumphost == e.jumphost_address)) return invalid("jumphost_address does not belong with bmc_address");
  IJ_TRY(validate_text("enrolled_at", e.enrolled_at, kMaxStampLength, false));
  return validate_text("enrolled_by", e.enrolled_by, kMaxOperatorNameLength, true);  // "uid N" has a space
}

}  // namespace ij
