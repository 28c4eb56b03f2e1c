#include <ipmiconsole.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <type_traits>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/sys/fs.h"
#include "daemon/ipmi/bmc.h"
#include "daemon/ipmi/freeipmi_monitoring.h"
#include "daemon/ipmi/freeipmi_ops.h"
#include "daemon/ipmi/freeipmi_session.h"

namespace ij {
namespace {

int ipmiconsole_privilege(IpmiPrivilege p) {
  switch (p) {
    case IpmiPrivilege::user: return IPMICONSOLE_PRIVILEGE_USER;
    case IpmiPrivilege::operator_: return IPMICONSOLE_PRIVILEGE_OPERATOR;
    case IpmiPrivilege::admin: break;
  }
  return IPMICONSOLE_PRIVILEGE_ADMIN;
}

uint8_t chassis_control_code(PowerAction a) {
  switch (a) {
    case PowerAction::on: return IPMI_CHASSIS_CONTROL_POWER_UP;
    case PowerAction::off: return IPMI_CHASSIS_CONTROL_POWER_DOWN;
    case PowerAction::cycle: return IPMI_CHASSIS_CONTROL_POWER_CYCLE;
    case PowerAction::reset: return IPMI_CHASSIS_CONTROL_HARD_RESET;
    case PowerAction::soft: return IPMI_CHASSIS_CONTROL_INITIATE_SOFT_SHUTDOWN;
    case PowerAction::diag: return IPMI_CHASSIS_CONTROL_PULSE_DIAGNOSTIC_INTERRUPT;
    case PowerAction::status: break;
  }
  return IPMI_CHASSIS_CONTROL_POWER_DOWN;  // unreachable: status is not a control
}

// A deactivation is a handful of exchanges, each within the session
// timeout; past this the daemon stops waiting (closing the fd ends it).
constexpr std::chrono::seconds kDeactivateLimit{60};

// What a console context's failure means, for the console's clients and log.
Error sol_error(ipmiconsole_ctx_t ctx, const BmcTarget& t) {
  const int errnum = ipmiconsole_ctx_errnum(ctx);
  switch (errnum) {
    case IPMICONSOLE_ERR_SESSION_TIMEOUT:
    case IPMICONSOLE_ERR_CONNECTION_TIMEOUT:
      return make_error(Errc::failed, bmc_who(t) + " stopped answering (no reply within " +
                                          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                             kIpmiSessionTimeout).count()) + " s)");
    case IPMICONSOLE_ERR_USERNAME_INVALID:
    case IPMICONSOLE_ERR_PASSWORD_INVALID:
      return session_error(t, IPMI_ERR_PASSWORD_INVALID, "");
    case IPMICONSOLE_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
    case IPMICONSOLE_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
      return session_error(t, IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT, "");
    case IPMICONSOLE_ERR_SOL_INUSE:
      return make_error(Errc::exists, bmc_who(t) + ": its serial console is in use by another SOL session");
    case IPMICONSOLE_ERR_SOL_STOLEN:
      return make_error(Errc::exists, bmc_who(t) + ": another SOL session took its serial console over");
    case IPMICONSOLE_ERR_BMC_BUSY:
      return make_error(Errc::failed, bmc_who(t) + " is busy");
    case IPMICONSOLE_ERR_SUCCESS:
      return make_error(Errc::failed, bmc_who(t) + ": the SOL session ended");
    default:
      return make_error(Errc::failed, bmc_who(t) + ": SOL: " + ipmiconsole_ctx_strerror(errnum));
  }
}

// A SOL session in libipmiconsole's engine, submitted non-blocking: the
// engine writes one NUL on the fd once the session is up
// (OUTPUT_ON_SOL_ESTABLISHED) and closes its end when it fails or is lost.
class IpmiconsoleSession : public SolSession {
 public:
  IpmiconsoleSession(ipmiconsole_ctx_t ctx, int fd, BmcTarget target)
      : ctx_(ctx), fd_(fd), target_(std::move(target)) {}
  ~IpmiconsoleSession() override {
    // Closing the fd tears the SOL session down in the engine (ipmiconsole.h).
    ::close(fd_);
    ipmiconsole_ctx_destroy(ctx_);
  }
  int fd() const override { return fd_; }
  Status send_break() override {
    if (ipmiconsole_ctx_generate_break(ctx_) < 0)
      return make_error(Errc::failed, std::string("cannot send a break: ") + ipmiconsole_ctx_errormsg(ctx_));
    return ok_status();
  }
  Error failure() const override { return sol_error(ctx_, target_); }

 private:
  ipmiconsole_ctx_t ctx_;
  int fd_;
  BmcTarget target_;  // for messages; no password
};

class FreeIpmiBmc : public Bmc {
 public:
  // The engine closes the SOL sessions cleanly (each BMC told), so that a
  // restarted daemon does not find its own old session holding the SOL.
  // Every SolSession is gone by now (the console server goes first).
  ~FreeIpmiBmc() override {
    if (engine_error_.empty()) ipmiconsole_engine_teardown(1);
  }

  Result<bool> power_status(const BmcTarget& t) override {
    Session s;
    IJ_TRY(s.open(t));
    FiidObj rs(tmpl_cmd_get_chassis_status_rs);
    if (!rs) return out_of_memory();
    if (ipmi_cmd_get_chassis_status(s.get(), rs.get()) < 0) return s.error(t);
    uint64_t on = 0;
    if (fiid_obj_get(rs.get(), "current_power_state.power_is_on", &on) < 0)
      return make_error(Errc::failed, bmc_who(t) + " sent a chassis status without the power state");
    return on != 0;
  }

  Status power_control(const BmcTarget& t, PowerAction a) override {
    Session s;
    IJ_TRY(s.open(t));
    FiidObj rs(tmpl_cmd_chassis_control_rs);
    if (!rs) return out_of_memory();
    if (ipmi_cmd_chassis_control(s.get(), chassis_control_code(a), rs.get()) < 0)
      return s.refused(t, std::string("power ") + power_action_name(a));
    return ok_status();
  }

  Result<std::unique_ptr<SolSession>> start_sol(const BmcTarget& t, bool take_over) override {
    // Refuse rather than steal a SOL session someone else holds, unless an
    // operator asked to take it over.
    auto ctx = console_context(t, take_over ? 0 : IPMICONSOLE_BEHAVIOR_ERROR_ON_SOL_INUSE);
    if (!ctx) return ctx.error();
    if (ipmiconsole_engine_submit(*ctx, nullptr, nullptr) < 0) {
      std::string detail = ipmiconsole_ctx_errormsg(*ctx);
      ipmiconsole_ctx_destroy(*ctx);
      return make_error(Errc::failed, bmc_who(t) + ": the serial console did not start: " + detail);
    }
    int fd = ipmiconsole_ctx_fd(*ctx);
    if (fd < 0) {
      ipmiconsole_ctx_destroy(*ctx);
      return make_error(Errc::failed, bmc_who(t) + ": the console engine gave no file descriptor");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    BmcTarget named = t;
    named.password.clear();
    return std::unique_ptr<SolSession>(new IpmiconsoleSession(*ctx, fd, std::move(named)));
  }

  Status deactivate_sol(const BmcTarget& t) override {
    // Submitted as the consoles are, not with ipmiconsole_engine_submit_block:
    // in 1.6.10 that waits with select(), which aborts once the daemon's fds
    // pass 1023 (a few hundred consoles), and its wake-up races the engine's
    // cleanup, which can leave the context, with its copy of the password,
    // never freed. The engine closes its end of the fd once the payload is
    // deactivated (or was not active) and the session closed, or on a
    // failure, and every failure sets errnum before that close (a timeout,
    // a completion code, a refused login); so errnum SUCCESS at end of file
    // stands for the "deactivated" notice that submit_block would have
    // waited for. The instance is the consoles' (1, unless the site's
    // libipmiconsole.conf says otherwise: see start_engine).
    auto made = console_context(t, IPMICONSOLE_BEHAVIOR_DEACTIVATE_ONLY);
    if (!made) return made.error();
    std::unique_ptr<std::remove_pointer_t<ipmiconsole_ctx_t>, decltype(&ipmiconsole_ctx_destroy)> ctx(
        *made, &ipmiconsole_ctx_destroy);
    if (ipmiconsole_engine_submit(ctx.get(), nullptr, nullptr) < 0)
      return make_error(Errc::failed, bmc_who(t) + ": the deactivation did not start: " +
                                          ipmiconsole_ctx_errormsg(ctx.get()));
    const int fd = ipmiconsole_ctx_fd(ctx.get());
    if (fd < 0) return make_error(Errc::failed, bmc_who(t) + ": the console engine gave no file descriptor");
    struct CloseFirst {  // the fd, then the context (as IpmiconsoleSession)
      int fd;
      ~CloseFirst() { ::close(fd); }
    } close_first{fd};
    // Each step of the exchange has the session timeout; this bounds them all.
    const auto limit = std::chrono::steady_clock::now() + kDeactivateLimit;
    for (char buf[256];;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(limit - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return make_error(Errc::failed, bmc_who(t) + ": the deactivation of its SOL session did not finish within " +
                                            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                               kDeactivateLimit).count()) + " s");
      struct pollfd p = {fd, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(left.count()));
      if (n < 0 && errno != EINTR) return make_error(Errc::failed, std::string("poll: ") + std::strerror(errno));
      if (n <= 0) continue;
      const ssize_t r = ::read(fd, buf, sizeof buf);  // bytes: none expected; ignored
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (r < 0) return make_error(Errc::failed, bmc_who(t) + ": reading the console engine: " + std::strerror(errno));
      if (r == 0) break;
    }
    if (ipmiconsole_ctx_errnum(ctx.get()) == IPMICONSOLE_ERR_SUCCESS) return ok_status();
    Error e = sol_error(ctx.get(), t);
    return make_error(e.code, e.message + " (deactivating its SOL session)");
  }

  Status set_boot_device(const BmcTarget& t, const BootSetting& b) override { return freeipmi_set_boot_device(t, b); }
  Result<BootSetting> boot_device(const BmcTarget& t) override { return freeipmi_boot_device(t); }
  Status identify(const BmcTarget& t, const IdentifyRequest& r) override { return freeipmi_identify(t, r); }
  Result<std::vector<SelEvent>> sel_list(const BmcTarget& t) override { return monitoring_.sel(t); }
  Status sel_clear(const BmcTarget& t) override { return freeipmi_sel_clear(t); }
  Result<std::vector<SensorReading>> sensors(const BmcTarget& t) override { return monitoring_.sensors(t); }
  Result<BmcProbe> probe(const BmcTarget& t) override { return freeipmi_probe(t); }

  void forget(const std::string& name) override { monitoring_.forget(name); }

  // libipmimonitoring asks to be initialised before any thread uses it:
  // here, on the main thread, before the workers and the console engine
  // start (a failure is said again at each call that needs it).
  // The console engine starts here too, at the daemon's start: its site
  // file is judged (and a problem said) at once, and the descriptors the
  // engine makes for itself are low ones (its garbage collector waits with
  // select(), which takes none past 1023).
  explicit FreeIpmiBmc(std::string sdr_cache_dir) : monitoring_(std::move(sdr_cache_dir)) {
    if (Status s = Monitoring::init(); !s) log::warning(s.error().message);
    engine_error_ = start_engine();
  }

 private:
  // A console context for `t` with these behavior flags, not yet submitted.
  Result<ipmiconsole_ctx_t> console_context(const BmcTarget& t, unsigned int behavior_flags) {
    if (!engine_error_.empty()) return make_error(Errc::failed, engine_error_);
    // The library keeps its own copies of these strings.
    std::string user = t.user, password = t.password.str();
    ipmiconsole_ipmi_config ipmi{};
    ipmi.username = user.empty() ? nullptr : user.data();
    ipmi.password = password.empty() ? nullptr : password.data();
    ipmi.privilege_level = ipmiconsole_privilege(t.settings.privilege);
    ipmi.cipher_suite_id = static_cast<int>(t.settings.cipher_suite);
    ipmi.workaround_flags = ipmiconsole_workaround_flags(t.settings.workarounds);
    ipmiconsole_protocol_config protocol{};
    protocol.session_timeout_len = static_cast<int>(ipmi_ms(kIpmiSessionTimeout));
    protocol.retransmission_timeout_len = static_cast<int>(ipmi_ms(kIpmiRetransmissionTimeout));
    protocol.retransmission_backoff_count = -1;
    // Keepalives must fit inside the session timeout (the library refuses
    // a context otherwise, with EINVAL).
    protocol.keepalive_timeout_len = static_cast<int>(ipmi_ms(kIpmiSessionTimeout * 3 / 4));
    protocol.retransmission_keepalive_timeout_len = static_cast<int>(ipmi_ms(kIpmiSessionTimeout * 3 / 8));
    protocol.acceptable_packet_errors_count = -1;
    protocol.maximum_retransmission_count = -1;
    ipmiconsole_engine_config engine{};
    // A NUL tells the reader the session is up. Not LOCK_MEMORY: in FreeIPMI
    // 1.6.10 a locked buffer that grows comes without the bytes it held
    // (scbuf_grow allocates the new one and frees the old uncopied), so a
    // paste of more than 2 KiB reached the BMC as NULs (e2e_console); and it
    // costs 30 KiB a console (a page per buffer, mlocked). What it also did,
    // wipe the password's copy when the context is freed, malloc does for
    // every free (M_PERTURB, main.cc), and the unit has MemorySwapMax=0.
    engine.engine_flags = IPMICONSOLE_ENGINE_OUTPUT_ON_SOL_ESTABLISHED;
    engine.behavior_flags = behavior_flags;
    ipmiconsole_ctx_t ctx = ipmiconsole_ctx_create(t.host.c_str(), &ipmi, &protocol, &engine);
    wipe(password);
    if (!ctx) return make_error(Errc::failed, bmc_who(t) + ": cannot create a console context: " + std::strerror(errno));
    return ctx;
  }

  // Starts libipmiconsole's engine unless its site defaults would crash
  // the daemon; empty when it runs, else why not.
  std::string start_engine() {
    const std::string path = "/etc/freeipmi/libipmiconsole.conf";  // the library's, built in
    auto text = read_file(path);
    if (!text) log::warning("cannot read " + path + " (libipmiconsole reads it too): " + text.error().message);
    if (text && *text) {
      ConsoleLibraryDefaults d = read_libipmiconsole_conf(**text);
      if (d.lock_memory) {
        const std::string why = path + " sets the engine flag lockmemory, with which FreeIPMI 1.6.10 frees each "
                                       "console session's memory wrongly (the daemon would crash): no console "
                                       "starts until that flag is removed and the daemon restarted";
        log::error(why);
        return why;
      }
      if (!d.keys.empty())
        log::warning(path + " sets " + join(d.keys, ", ") + ": libipmiconsole takes what the daemon does not give "
                     "from it, for every console and deactivation (K_g, the SOL payload instance, the "
                     "retransmission and packet error counts, a user name left empty)");
    }
    // Two engine threads serve every console (each polls all its sessions).
    if (ipmiconsole_engine_init(2, 0) < 0)
      return std::string("cannot start the FreeIPMI console engine: ") + std::strerror(errno);
    return "";
  }

  Monitoring monitoring_;
  std::string engine_error_;  // why the console engine does not run; empty: it runs
};

}  // namespace

std::unique_ptr<Bmc> make_freeipmi_bmc(const std::string& sdr_cache_dir) {
  return std::make_unique<FreeIpmiBmc>(sdr_cache_dir);
}

}  // namespace ij
