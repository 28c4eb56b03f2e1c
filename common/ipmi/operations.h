// What a BMC can be asked besides power and its console, and the words for
// it: boot device, identify, the event log (SEL), sensors and a check of the
// credentials. One set of types that the daemon fills (daemon/ipmi/bmc.h),
// the bus carries as JSON (common/bus/views.h) and the wrapper and jumpctl
// print. No field ever holds a password.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace ij {

// The device the next boot starts from ("none": the BIOS's own order).
enum class BootDevice { none, pxe, disk, cdrom, bios };
Result<BootDevice> parse_boot_device(std::string_view word);
const char* boot_device_name(BootDevice d);

struct BootSetting {
  BootDevice device = BootDevice::none;
  bool persistent = false;  // every boot, not only the next one
  bool efi = false;         // EFI boot, not legacy BIOS
};

// Identify: the chassis light on for `seconds` (0: off), or until turned off
// (`forever`).
struct IdentifyRequest {
  unsigned seconds = 15;  // IPMI's own default interval
  bool forever = false;
};
constexpr unsigned kMaxIdentifySeconds = 255;  // the command's one byte

// One event of the BMC's event log, interpreted (libipmimonitoring).
struct SelEvent {
  uint32_t id = 0;
  std::string time;     // RFC 3339 (UTC), "" when the record has none
  std::string sensor;   // the sensor's name, "" when unknown
  std::string type;     // the sensor type ("Temperature", "Processor", ...)
  std::string event;    // what happened ("Upper Critical - going high", ...)
  std::string state;    // nominal, warning, critical or unknown
};

// One sensor's reading (libipmimonitoring, with the daemon's SDR cache).
struct SensorReading {
  uint32_t id = 0;           // the record id in the SDR
  std::string name;
  std::string type;          // "Temperature", "Fan", ...
  std::optional<double> value;  // a threshold sensor's reading
  std::string unit;          // "C", "RPM", "V", ... ("" for discrete sensors)
  std::string event;         // a discrete sensor's events, or the threshold state's words
  std::string state;         // nominal, warning, critical or unknown
};

// What a check of a BMC found: whether the IPMI session with the stored (or
// given) credentials works, and what the BMC offers before any session.
struct BmcProbe {
  bool credentials_ok = false;
  std::string error;              // why not, when !credentials_ok
  std::string ipmi_version;       // "2.0" (Get Device ID), "" when no session
  std::string firmware;           // "9.8" (Get Device ID), "" when no session
  std::vector<unsigned> cipher_suites;  // the ids the BMC offers
  bool anonymous_login = false;   // Get Channel Authentication Capabilities
  bool null_user = false;
  std::vector<std::string> warnings;  // what BMC hardening guidance forbids
};

// The warnings for what a probe found (cipher suite 0, anonymous login, a
// null user), in words an operator acts on.
std::vector<std::string> probe_warnings(const BmcProbe& p);

}  // namespace ij
