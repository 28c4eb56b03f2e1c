// What the FreeIPMI-backed Bmc's files share (daemon/ipmi only): one IPMI
// 2.0 session as an object, fiid objects that free themselves, and the one
// wording of a failed session. No message ever holds the password.
#pragma once

#include <freeipmi/freeipmi.h>

#include <chrono>
#include <string>

#include "daemon/ipmi/bmc.h"

namespace ij {

// FreeIPMI takes milliseconds as plain integers.
inline unsigned ipmi_ms(std::chrono::milliseconds d) { return static_cast<unsigned>(d.count()); }

uint8_t freeipmi_privilege(IpmiPrivilege p);
// "BMC web01 (192.168.101.10)", for messages.
std::string bmc_who(const BmcTarget& t);
// One message per kind of failure (IPMI_ERR_*), with what to do.
Error session_error(const BmcTarget& t, int errnum, const char* detail);

// An IPMI 2.0 session with the target's credentials and settings, closed
// when it goes.
class Session {
 public:
  Session() : ctx_(ipmi_ctx_create()) {}
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Status open(const BmcTarget& t);
  Error error(const BmcTarget& t) const { return session_error(t, ipmi_ctx_errnum(ctx_), ipmi_ctx_errormsg(ctx_)); }
  // Whether the last command failed because the BMC answered it with a
  // completion code that is not 0 (refused it), not because of the session.
  bool was_refused() const;
  // "BMC x refused WHAT: <the code's words>" for a refusal, else error().
  Error refused(const BmcTarget& t, const std::string& what) const;
  ipmi_ctx_t get() const { return ctx_; }

 private:
  ipmi_ctx_t ctx_;
  bool open_ = false;
};

class FiidObj {
 public:
  explicit FiidObj(fiid_template_t tmpl) : obj_(fiid_obj_create(tmpl)) {}
  ~FiidObj() {
    if (obj_) fiid_obj_destroy(obj_);
  }
  FiidObj(const FiidObj&) = delete;
  FiidObj& operator=(const FiidObj&) = delete;
  fiid_obj_t get() const { return obj_; }
  explicit operator bool() const { return obj_ != nullptr; }
  // The field's value; false when the BMC's answer lacks it.
  bool read(const char* field, uint64_t* value) const { return fiid_obj_get(obj_, field, value) > 0; }

 private:
  fiid_obj_t obj_;
};

Error out_of_memory();

}  // namespace ij
