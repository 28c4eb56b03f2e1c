// Talking to a BMC: chassis power through libfreeipmi and Serial-over-LAN
// through libipmiconsole. The password lives only in memory here; it is
// never put on a command line or in a message.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/base/result.h"
#include "common/base/strings.h"
#include "common/ipmi/operations.h"
#include "common/ipmi/power.h"
#include "daemon/ipmi/settings.h"

namespace ij {

struct BmcTarget {
  std::string name;      // BMC name, for messages
  std::string host;      // address the session goes to
  std::string user;
  SecretText password;
  IpmiSettings settings;
};

// Session timeout: an unreachable BMC answers within about this long
// (ipmipower's default is 20 s; a tenant waiting at a prompt wants less).
constexpr std::chrono::milliseconds kIpmiSessionTimeout{8000};
// Between retransmissions of one request (FreeIPMI's default is 1 s).
constexpr std::chrono::milliseconds kIpmiRetransmissionTimeout{1000};

// A Serial-over-LAN session, being set up or open. fd() is readable from the
// start: once the session is up its first byte is a NUL (then the console's
// bytes); end of file when it could not be set up or was lost, and failure()
// then says why (Errc::exists: another SOL session holds the BMC). What is
// written to fd() is typed on the console.
class SolSession {
 public:
  virtual ~SolSession() = default;
  virtual int fd() const = 0;
  virtual Status send_break() = 0;
  virtual Error failure() const = 0;
};

// The BMC operations the daemon needs. Every call but start_sol is one IPMI
// session (or, for sensors and the SEL, one libipmimonitoring session) and
// may block up to the session timeout, so callers run them off the bus
// thread; start_sol does not block. Calls may run on several threads at once.
class Bmc {
 public:
  virtual ~Bmc() = default;
  // true when the chassis is powered on.
  virtual Result<bool> power_status(const BmcTarget& target) = 0;
  virtual Status power_control(const BmcTarget& target, PowerAction action) = 0;
  // Starts setting a SOL session up and returns at once (non-blocking);
  // `take_over` ends another session that holds the BMC's SOL instead of
  // failing with Errc::exists.
  virtual Result<std::unique_ptr<SolSession>> start_sol(const BmcTarget& target, bool take_over) = 0;
  // Ends the SOL session that holds the BMC's serial console, whoever holds
  // it, and opens none (FreeIPMI's ipmiconsole --deactivate; for a session
  // left by a client that crashed, or a BMC that will not let a take-over
  // through). Ok too when none was active. Blocks, as the calls below.
  virtual Status deactivate_sol(const BmcTarget& target) = 0;

  // Boot device for the next boot (or every boot): Set System Boot Options,
  // boot flags parameter; boot_device reads it back.
  virtual Status set_boot_device(const BmcTarget& target, const BootSetting& setting) = 0;
  virtual Result<BootSetting> boot_device(const BmcTarget& target) = 0;
  // Chassis Identify: the light on for a while, until told, or off.
  virtual Status identify(const BmcTarget& target, const IdentifyRequest& request) = 0;
  // The event log, interpreted, oldest first; sel_clear erases it
  // (Reserve SEL, then Clear SEL until the BMC says erased).
  virtual Result<std::vector<SelEvent>> sel_list(const BmcTarget& target) = 0;
  virtual Status sel_clear(const BmcTarget& target) = 0;
  // Every sensor's reading. The SDR is cached per BMC (in the directory
  // given to make_freeipmi_bmc) and read again when the BMC's SDR changed.
  virtual Result<std::vector<SensorReading>> sensors(const BmcTarget& target) = 0;
  // What the BMC offers before a session (cipher suites, anonymous login,
  // null user) and whether a session with these credentials opens; an
  // error only when the BMC does not answer at all.
  virtual Result<BmcProbe> probe(const BmcTarget& target) = 0;
  // The BMC `name` is revoked or has another owner: what is kept of it
  // (its cached SDR) goes, so that nothing of it reaches whoever comes next.
  virtual void forget(const std::string& name) = 0;
};

// FreeIPMI-backed implementation; `sdr_cache_dir` holds the SDR caches, one
// file per BMC address: made 0700 at the first sensors or SEL call if
// missing; one that exists must be root's and writable by nobody else.
std::unique_ptr<Bmc> make_freeipmi_bmc(const std::string& sdr_cache_dir);

}  // namespace ij
