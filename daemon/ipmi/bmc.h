// Talking to a BMC: chassis power through libfreeipmi and Serial-over-LAN
// through libipmiconsole. The password lives only in memory here; it is
// never put on a command line or in a message.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/base/result.h"
#include "common/base/strings.h"
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

// The BMC operations the daemon needs. Power calls are one IPMI session each
// and may block up to the session timeout, so callers run them off the bus
// thread; start_sol does not block.
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
};

// FreeIPMI-backed implementation.
std::unique_ptr<Bmc> make_freeipmi_bmc();

}  // namespace ij
