// Enroll's (and Set's) options, typed. On the bus they are an a{sv} (a script can leave
// any of them out, and new ones can be added without a new method); here
// they are one struct whose fields and keys are listed once (fields()), read
// by both the encoder (jumpctl) and the decoder (the daemon).
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace ij::bus {

// A key file as the operator named it, with the text jumpctl read from it
// (the daemon never opens a path a caller names). On the bus: (ss).
struct KeyFile {
  std::string label;
  std::string text;
  bool operator==(const KeyFile&) const = default;
};

struct EnrollOptions {
  std::optional<std::string> owner;           // default: the BMC's name
  std::optional<std::string> bmc_address;     // "ADDR/PREFIX"; default: from the pool
  std::optional<std::string> trunk;           // enroll only; default: the configuration's trunk
  std::optional<std::vector<KeyFile>> keys;
  std::optional<std::vector<uint16_t>> ports;  // default: config default_ports
  std::optional<std::string> bmc_user;
  std::optional<std::string> bmc_password;    // secret
  std::optional<std::string> switch_port;
  std::optional<std::string> ipmi_privilege;  // user, operator, admin
  std::optional<uint32_t> cipher_suite;
  std::optional<std::vector<std::string>> ipmi_workarounds;  // FreeIPMI -W names
  std::optional<std::string> console_log;     // always, attached, off
  // Open an IPMI session with the credentials before anything is kept;
  // refuse the change when the BMC does not take them.
  std::optional<bool> check;
  bool operator==(const EnrollOptions&) const = default;

  // Every option with its key on the bus, in one list.
  template <class Self, class F>
  static void fields(Self& o, F&& f) {
    f("owner", o.owner);
    f("bmc_address", o.bmc_address);
    f("trunk", o.trunk);
    f("keys", o.keys);
    f("ports", o.ports);
    f("bmc_user", o.bmc_user);
    f("bmc_password", o.bmc_password);
    f("switch_port", o.switch_port);
    f("ipmi_privilege", o.ipmi_privilege);
    f("cipher_suite", o.cipher_suite);
    f("ipmi_workarounds", o.ipmi_workarounds);
    f("console_log", o.console_log);
    f("check", o.check);
  }
};

using VariantMap = std::map<std::string, sdbus::Variant>;

VariantMap encode(const EnrollOptions& options);
// Refuses an unknown key and a value of the wrong D-Bus type, naming both.
Result<EnrollOptions> decode_enroll_options(const VariantMap& wire);

}  // namespace ij::bus
