// What the daemon answers, typed. Both ends link this file: the daemon fills
// these structs and the clients read them, so a renamed field breaks the
// build of both, not an end-to-end run. On the bus each view travels as one
// JSON string (as systemd-networkd's Describe()); the keys are the field
// names, written in one place (views.cc). No view holds a BMC password.
#pragma once

#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/ipmi/operations.h"

// The operations' own types, as JSON (a sensor without a reading has
// "value": null).
namespace ij {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SelEvent, id, time, sensor, type, event, state)
void to_json(nlohmann::json& j, const SensorReading& v);
void from_json(const nlohmann::json& j, SensorReading& v);
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BmcProbe, credentials_ok, error, ipmi_version, firmware, cipher_suites,
                                   anonymous_login, null_user, warnings)
}  // namespace ij

namespace ij::bus {

struct IpmiView {
  std::string privilege;  // user, operator, admin
  unsigned cipher_suite = 0;
  std::vector<std::string> workarounds;
};

// A console as the daemon holds it (jumpctl consoles).
struct ConsoleClientView {
  std::string user;
  bool by_operator = false;
  bool keyboard = false;  // types on the console; the others are read-only
  std::string since;      // RFC 3339
};

struct ConsoleView {
  std::string name;
  std::string owner;
  std::string log;          // always, attached, off
  std::string state;        // down, connecting, up, waiting, busy, deactivating
  std::string state_since;  // RFC 3339
  std::string last_error;   // why it last failed or was lost, "" if never
  std::string last_reconnect;  // RFC 3339, "" if never
  uint64_t bytes_logged = 0;   // since the daemon started
  std::vector<ConsoleClientView> attached;
};

struct EnrollmentView {
  std::string name;
  unsigned vlan = 0;
  std::string owner;
  std::string link;
  std::string bmc_address;       // "ADDR/PREFIX"
  std::string jumphost_address;  // "ADDR/PREFIX"
  std::string host_name;         // NAME-ipmi
  std::vector<unsigned> ports;
  std::string bmc_user;
  bool bmc_password_stored = false;
  std::string switch_port;
  IpmiView ipmi;
  std::string console_log;  // always, attached, off (the configuration's when not set)
  std::string enrolled_at;
  std::string enrolled_by;
};

struct KeyView {
  std::string type;
  std::string fingerprint;
  std::string comment;
};

struct TenantView {
  std::string user;
  std::vector<KeyView> keys;
};

// Show: the enrollment, its owner with their keys, and the owner's BMCs.
struct EnrollmentDetail {
  EnrollmentView enrollment;
  TenantView tenant;
  std::vector<std::string> owner_bmcs;
};

struct Finding {
  bool ok = false;
  std::string what;
  std::string fix;  // empty when ok
};

// Tenant side: one of the caller's BMCs, and all of them.
struct TenantBmc {
  std::string name;
  std::string host_name;
  std::vector<unsigned> ports;
  bool password_stored = false;  // false: the tenant is asked per request
  bool has_user = false;
};

struct TenantBmcs {
  std::string user;
  std::string jumphost;  // the name tenants ssh to
  unsigned port = 22;
  std::vector<TenantBmc> bmcs;
};

// A power request's answer, for one BMC (a tenant's) or each of many (an
// operator's fan-out).
struct PowerView {
  std::string bmc;
  std::string action;   // status, on, off, cycle, reset, soft, diag
  bool ok = false;
  std::string power;    // on, off; "" when not known (failed, or not read)
  std::string error;    // why not ok (a wait that timed out says so); with ok,
                        // why a wait asked for did not happen
  bool waited = false;  // --wait: the chassis reached the state asked for
  double seconds = 0;   // from the request to the answer
};

// "web01: on", "web01: ok" (accepted), "web01: on (after 4 s)", or
// "web01: " and the error: the answer in words.
std::string power_summary(const PowerView& v);

struct BootView {
  std::string bmc;
  std::string device;  // none, pxe, disk, cdrom, bios
  bool persistent = false;
  bool efi = false;
};

struct IdentifyView {
  std::string bmc;
  bool on = false;
  unsigned seconds = 0;  // how long it stays on; 0 with `forever`
  bool forever = false;
};

struct SelView {
  std::string bmc;
  std::vector<SelEvent> events;  // oldest first
  bool cleared = false;          // sel clear: the log was erased
};

struct SensorsView {
  std::string bmc;
  std::vector<SensorReading> sensors;
};

struct ProbeView {
  std::string bmc;
  BmcProbe probe;
};

// The BMC a tenant's command means: `requested` when the tenant owns it, the
// only one when `requested` is empty. A BMC of another tenant gets the same
// answer as one that does not exist. The wrapper and the daemon both decide
// with this function.
Result<std::string> choose_bmc(const std::vector<std::string>& owned, const std::string& requested);
std::vector<std::string> names_of(const TenantBmcs& mine);

// JSON: each struct's keys are its field names, listed once here; from_json
// throws nlohmann::json::exception on an answer that lacks a field or has
// the wrong type.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(IpmiView, privilege, cipher_suite, workarounds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ConsoleClientView, user, by_operator, keyboard, since)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ConsoleView, name, owner, log, state, state_since, last_error, last_reconnect,
                                   bytes_logged, attached)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(EnrollmentView, name, vlan, owner, link, bmc_address, jumphost_address, host_name,
                                   ports, bmc_user, bmc_password_stored, switch_port, ipmi, console_log, enrolled_at, enrolled_by)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KeyView, type, fingerprint, comment)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TenantView, user, keys)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Finding, ok, what, fix)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TenantBmc, name, host_name, ports, password_stored, has_user)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TenantBmcs, user, jumphost, port, bmcs)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PowerView, bmc, action, ok, power, error, waited, seconds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BootView, bmc, device, persistent, efi)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(IdentifyView, bmc, on, seconds, forever)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SelView, bmc, events, cleared)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SensorsView, bmc, sensors)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProbeView, bmc, probe)
// Show's answer is the enrollment's own object with two more keys, so that
// `show --json` reads like `list --json` plus the tenant.
void to_json(nlohmann::json& j, const EnrollmentDetail& v);
void from_json(const nlohmann::json& j, EnrollmentDetail& v);

}  // namespace ij::bus

