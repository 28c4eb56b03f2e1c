#include "daemon/ipmi/freeipmi_session.h"

namespace ij {

uint8_t freeipmi_privilege(IpmiPrivilege p) {
  switch (p) {
    case IpmiPrivilege::user: return IPMI_PRIVILEGE_LEVEL_USER;
    case IpmiPrivilege::operator_: return IPMI_PRIVILEGE_LEVEL_OPERATOR;
    case IpmiPrivilege::admin: break;
  }
  return IPMI_PRIVILEGE_LEVEL_ADMIN;
}

std::string bmc_who(const BmcTarget& t) { return "BMC " + t.name + " (" + t.host + ")"; }

Error session_error(const BmcTarget& t, int errnum, const char* detail) {
  switch (errnum) {
    case IPMI_ERR_SESSION_TIMEOUT:
    case IPMI_ERR_CONNECTION_TIMEOUT:
      return make_error(Errc::failed, bmc_who(t) + " did not answer within " +
                                          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kIpmiSessionTimeout).count()) +
                                          " s: it may be unplugged, down or not on its VLAN; tell the operator");
    case IPMI_ERR_USERNAME_INVALID:
    case IPMI_ERR_PASSWORD_INVALID:
      return make_error(Errc::access_denied, bmc_who(t) + " refused the IPMI user name or password");
    case IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
    case IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
      return make_error(Errc::access_denied, bmc_who(t) + ": the IPMI user cannot get " + privilege_name(t.settings.privilege) +
                                                 " privilege (the operator may need another privilege or workaround)");
    default:
      return make_error(Errc::failed, bmc_who(t) + ": " + detail);
  }
}

Error out_of_memory() { return make_error(Errc::failed, "out of memory"); }

Session::~Session() {
  if (!ctx_) return;
  if (open_) ipmi_ctx_close(ctx_);
  ipmi_ctx_destroy(ctx_);
}

Status Session::open(const BmcTarget& t) {
  if (!ctx_) return make_error(Errc::failed, "cannot create an IPMI context");
  const char* user = t.user.empty() ? nullptr : t.user.c_str();
  const char* password = t.password.empty() ? nullptr : t.password.str().c_str();
  if (ipmi_ctx_open_outofband_2_0(ctx_, t.host.c_str(), user, password, nullptr, 0,
                                  freeipmi_privilege(t.settings.privilege),
                                  static_cast<uint8_t>(t.settings.cipher_suite), ipmi_ms(kIpmiSessionTimeout),
                                  ipmi_ms(kIpmiRetransmissionTimeout), freeipmi_workaround_flags(t.settings.workarounds),
                                  IPMI_FLAGS_DEFAULT) < 0)
    return error(t);
  open_ = true;
  return ok_status();
}

bool Session::was_refused() const {
  switch (ipmi_ctx_errnum(ctx_)) {
    case IPMI_ERR_BAD_COMPLETION_CODE:
    case IPMI_ERR_COMMAND_INVALID_OR_UNSUPPORTED:
    case IPMI_ERR_BMC_BUSY:
    case IPMI_ERR_MESSAGE_TIMEOUT: return true;
    default: return false;
  }
}

Error Session::refused(const BmcTarget& t, const std::string& what) const {
  if (was_refused()) return make_error(Errc::failed, bmc_who(t) + " refused " + what + ": " + ipmi_ctx_errormsg(ctx_));
  return error(t);
}

}  // namespace ij
