// What a BMC offers before anyone logs in, and whether the stored
// credentials open a session: Get Channel Authentication Capabilities and
// Get Channel Cipher Suites without a session, then a session and Get
// Device ID.
#include <chrono>
#include <cstdio>

#include "daemon/ipmi/cipher_suites.h"
#include "daemon/ipmi/freeipmi_ops.h"
#include "daemon/ipmi/freeipmi_session.h"

namespace ij {
namespace {

// A BMC that answered Get Channel Authentication Capabilities is up; if it
// ignores a sessionless Get Channel Cipher Suites (some answer it only in a
// session) the probe asks again in the session after this, not after the
// whole session timeout.
constexpr std::chrono::milliseconds kSessionlessCipherSuitesTimeout{3000};

// Sessionless requests (IPMI 1.5 packets with session ID 0, libfreeipmi's
// IPMI_FLAGS_NOSESSION): the few commands a BMC answers to anyone.
class Sessionless {
 public:
  Sessionless() : ctx_(ipmi_ctx_create()) {}
  ~Sessionless() {
    if (!ctx_) return;
    if (open_) ipmi_ctx_close(ctx_);
    ipmi_ctx_destroy(ctx_);
  }
  Sessionless(const Sessionless&) = delete;
  Sessionless& operator=(const Sessionless&) = delete;

  Status open(const BmcTarget& t, std::chrono::milliseconds timeout) {
    if (!ctx_) return make_error(Errc::failed, "cannot create an IPMI context");
    if (ipmi_ctx_open_outofband(ctx_, t.host.c_str(), nullptr, nullptr, IPMI_AUTHENTICATION_TYPE_NONE,
                                freeipmi_privilege(t.settings.privilege), ipmi_ms(timeout),
                                ipmi_ms(kIpmiRetransmissionTimeout), 0, IPMI_FLAGS_NOSESSION) < 0)
      return session_error(t, ipmi_ctx_errnum(ctx_), ipmi_ctx_errormsg(ctx_));
    open_ = true;
    return ok_status();
  }
  ipmi_ctx_t get() const { return ctx_; }

 private:
  ipmi_ctx_t ctx_;
  bool open_ = false;
};

// Get Channel Authentication Capabilities, asking for the IPMI 2.0 data
// (section 22.13): whether it lets in an anonymous or a null user. An error
// only when the BMC did not answer (a sessionless request that gets no
// answer ends in a "message timeout").
Status read_authentication(ipmi_ctx_t ctx, const BmcTarget& t, BmcProbe* p) {
  FiidObj rs(tmpl_cmd_get_channel_authentication_capabilities_rs);
  if (!rs) return out_of_memory();
  if (ipmi_cmd_get_channel_authentication_capabilities(ctx, IPMI_CHANNEL_NUMBER_CURRENT_CHANNEL,
                                                       freeipmi_privilege(t.settings.privilege),
                                                       IPMI_GET_IPMI_V20_EXTENDED_DATA, rs.get()) < 0) {
    const int e = ipmi_ctx_errnum(ctx);
    if (e == IPMI_ERR_BAD_COMPLETION_CODE || e == IPMI_ERR_COMMAND_INVALID_OR_UNSUPPORTED) return ok_status();
    return session_error(t, e == IPMI_ERR_MESSAGE_TIMEOUT ? IPMI_ERR_SESSION_TIMEOUT : e, ipmi_ctx_errormsg(ctx));
  }
  uint64_t v = 0;
  p->anonymous_login = rs.read("authentication_status.anonymous_login", &v) && v;
  p->null_user = rs.read("authentication_status.null_username", &v) && v;
  return ok_status();
}

// Get Channel Cipher Suites (section 22.15), list index by list index
// until an answer has fewer than 16 record bytes. False when the command
// failed (some BMCs answer it only inside a session).
// A BMC that answers each request slowly gets this long for all of them
// (64 requests at most): the check of an enroll waits for it.
constexpr std::chrono::milliseconds kCipherSuitesBudget{4000};

bool read_cipher_suites(ipmi_ctx_t ctx, std::vector<unsigned>* ids) {
  FiidObj rq(tmpl_cmd_get_channel_cipher_suites_rq), rs(tmpl_cmd_get_channel_cipher_suites_rs);
  if (!rq || !rs) return false;
  std::vector<uint8_t> records;
  const auto deadline = std::chrono::steady_clock::now() + kCipherSuitesBudget;
  for (unsigned index = 0; index <= kCipherSuiteMaxIndex; ++index) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (fill_cmd_get_channel_cipher_suites(IPMI_CHANNEL_NUMBER_CURRENT_CHANNEL, IPMI_PAYLOAD_TYPE_IPMI,
                                           static_cast<uint8_t>(index), IPMI_LIST_ALGORITHMS_BY_CIPHER_SUITE,
                                           rq.get()) < 0 ||
        ipmi_cmd(ctx, IPMI_BMC_IPMB_LUN_BMC, IPMI_NET_FN_APP_RQ, rq.get(), rs.get()) < 0)
      return false;
    uint8_t chunk[kCipherSuiteBytesPerIndex];
    const int n = fiid_obj_get_data(rs.get(), "cipher_suite_record_data", chunk, sizeof chunk);
    if (n < 0) return false;
    records.insert(records.end(), chunk, chunk + n);
    if (static_cast<size_t>(n) < kCipherSuiteBytesPerIndex) break;
  }
  // Records the BMC garbled leave the list empty rather than half right.
  Result<std::vector<unsigned>> parsed = parse_cipher_suite_records(records);
  if (parsed) *ids = std::move(*parsed);
  return true;
}

// Get Device ID (section 20.1): the IPMI version is two BCD digits, the
// firmware a binary major and a BCD minor revision ("1.05"), printed as
// bmc-info and ipmitool print them.
void read_device_id(ipmi_ctx_t ctx, BmcProbe* p) {
  FiidObj rs(tmpl_cmd_get_device_id_rs);
  if (!rs || ipmi_cmd_get_device_id(ctx, rs.get()) < 0) return;
  uint64_t major = 0, minor = 0, fw_major = 0, fw_minor = 0;
  char buf[32];
  if (rs.read("ipmi_version_major", &major) && rs.read("ipmi_version_minor", &minor)) {
    std::snprintf(buf, sizeof buf, "%u.%u", static_cast<unsigned>(major), static_cast<unsigned>(minor));
    p->ipmi_version = buf;
  }
  if (rs.read("firmware_revision1.major_revision", &fw_major) && rs.read("firmware_revision2.minor_revision", &fw_minor)) {
    std::snprintf(buf, sizeof buf, "%u.%02x", static_cast<unsigned>(fw_major), static_cast<unsigned>(fw_minor));
    p->firmware = buf;
  }
}

}  // namespace

Result<BmcProbe> freeipmi_probe(const BmcTarget& t) {
  BmcProbe p;
  bool have_suites = false;
  {
    Sessionless pre;
    IJ_TRY(pre.open(t, kIpmiSessionTimeout));
    // The only error of a probe: a BMC that does not answer at all.
    IJ_TRY(read_authentication(pre.get(), t, &p));
  }
  {
    Sessionless pre;
    have_suites = pre.open(t, kSessionlessCipherSuitesTimeout).ok() && read_cipher_suites(pre.get(), &p.cipher_suites);
  }
  Session s;
  if (Status open = s.open(t); !open) {
    p.error = open.error().message;
  } else {
    p.credentials_ok = true;
    read_device_id(s.get(), &p);
    if (!have_suites) read_cipher_suites(s.get(), &p.cipher_suites);
  }
  p.warnings = probe_warnings(p);
  return p;
}

}  // namespace ij
