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

// An open SOL session: fd() carries the console's bytes both ways.
class SolSession {
 public:
  virtual ~SolSession() = default;
  virtual int fd() const = 0;
  virtual Status send_break() = 0;
};

// The BMC operations the daemon needs; each call is one IPMI session and
// may block up to the session timeout, so callers run it off the bus thread.
class Bmc {
 public:
  virtual ~Bmc() = default;
  // true when the chassis is powered on.
  virtual Result<bool> power_status(const BmcTarget& target) = 0;
  virtual Status power_control(const BmcTarget& target, PowerAction action) = 0;
  virtual Result<std::unique_ptr<SolSession>> open_sol(const BmcTarget& target) = 0;
};

// FreeIPMI-backed implementation.
std::unique_ptr<Bmc> make_freeipmi_bmc();

}  // namespace ij
