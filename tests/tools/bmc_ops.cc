// ij-bmc-ops: runs one operation of the daemon's FreeIPMI-backed Bmc
// (make_freeipmi_bmc) against a host and prints the answer as plain lines,
// so the end-to-end tests can hold it against FreeIPMI's own tools.
//
//   IJ_BMC_PASSWORD=... ij-bmc-ops [OPTIONS] HOST OPERATION [ARGS]
//
// The password comes from the environment only, never argv (ps shows argv).
// OPTIONS: --user NAME (ADMIN), --name NAME (sim, for messages),
//   --privilege user|operator|admin, --cipher-suite N, --workarounds a,b,
//   --sdr-cache DIR (/var/cache/ipmi-jumphost/sdr).
// OPERATIONS and what they print:
//   sensors                 ID|NAME|TYPE|VALUE|UNIT|STATE|EVENT, VALUE "%.2f" or N/A
//   sel                     ID|TIME|SENSOR|TYPE|STATE|EVENT
//   sel-clear               nothing
//   boot-device             device=D persistent=yes|no efi=yes|no
//   set-boot-device D [persistent] [efi]
//   identify [SECONDS|forever]
//   probe                   key=value lines (warning= once per warning)
//   power-status            on|off
// A failure prints "ij-bmc-ops: MESSAGE" on stderr and exits 1; bad usage 2.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/base/strings.h"
#include "daemon/ipmi/bmc.h"

namespace ij {
namespace {

int usage(const std::string& why) {
  std::cerr << "ij-bmc-ops: " << why
            << "\nusage: IJ_BMC_PASSWORD=... ij-bmc-ops [--user U] [--name N] [--privilege P] [--cipher-suite N]"
               " [--workarounds a,b] [--sdr-cache DIR] HOST OPERATION [ARGS]\n";
  return 2;
}

int failed(const Error& e) {
  std::cerr << "ij-bmc-ops: " << e.message << "\n";
  return 1;
}

const char* yes(bool b) { return b ? "yes" : "no"; }

std::string join_ids(const std::vector<unsigned>& ids) {
  std::string s;
  for (unsigned id : ids) s += (s.empty() ? "" : " ") + std::to_string(id);
  return s;
}

int run(Bmc& bmc, const BmcTarget& t, const std::string& op, const std::vector<std::string>& args) {
  if (op == "sensors") {
    auto r = bmc.sensors(t);
    if (!r) return failed(r.error());
    for (const SensorReading& s : *r) {
      char value[64] = "N/A";
      if (s.value) std::snprintf(value, sizeof value, "%.2f", *s.value);
      std::cout << s.id << "|" << s.name << "|" << s.type << "|" << value << "|" << s.unit << "|" << s.state << "|"
                << s.event << "\n";
    }
    return 0;
  }
  if (op == "sel") {
    auto r = bmc.sel_list(t);
    if (!r) return failed(r.error());
    for (const SelEvent& e : *r)
      std::cout << e.id << "|" << e.time << "|" << e.sensor << "|" << e.type << "|" << e.state << "|" << e.event << "\n";
    return 0;
  }
  if (op == "sel-clear") {
    Status s = bmc.sel_clear(t);
    return s ? 0 : failed(s.error());
  }
  if (op == "boot-device") {
    auto r = bmc.boot_device(t);
    if (!r) return failed(r.error());
    std::cout << "device=" << boot_device_name(r->device) << " persistent=" << yes(r->persistent)
              << " efi=" << yes(r->efi) << "\n";
    return 0;
  }
  if (op == "set-boot-device") {
    if (args.empty()) return usage("set-boot-device needs a device");
    BootSetting b;
    if (args[0] != "none") {
      auto d = parse_boot_device(args[0]);
      if (!d) return usage(d.error().message);
      b.device = *d;
    }
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "persistent") b.persistent = true;
      else if (args[i] == "efi") b.efi = true;
      else return usage("unknown boot option '" + args[i] + "'");
    }
    Status s = bmc.set_boot_device(t, b);
    return s ? 0 : failed(s.error());
  }
  if (op == "identify") {
    IdentifyRequest req;
    if (!args.empty() && args[0] == "forever") req.forever = true;
    else if (!args.empty()) {
      unsigned long n = 0;
      if (!parse_uint(args[0], 0, 1000, &n)) return usage("identify takes SECONDS or forever");
      req.seconds = static_cast<unsigned>(n);
    }
    Status s = bmc.identify(t, req);
    return s ? 0 : failed(s.error());
  }
  if (op == "probe") {
    auto r = bmc.probe(t);
    if (!r) return failed(r.error());
    std::cout << "credentials_ok=" << yes(r->credentials_ok) << "\nerror=" << r->error
              << "\nipmi_version=" << r->ipmi_version << "\nfirmware=" << r->firmware
              << "\ncipher_suites=" << join_ids(r->cipher_suites) << "\nanonymous_login=" << yes(r->anonymous_login)
              << "\nnull_user=" << yes(r->null_user) << "\n";
    for (const std::string& w : r->warnings) std::cout << "warning=" << w << "\n";
    return 0;
  }
  if (op == "power-status") {
    auto r = bmc.power_status(t);
    if (!r) return failed(r.error());
    std::cout << (*r ? "on" : "off") << "\n";
    return 0;
  }
  return usage("unknown operation '" + op + "'");
}

int main_(int argc, char** argv) {
  BmcTarget t;
  t.name = "sim";
  t.user = "ADMIN";
  std::string cache = "/var/cache/ipmi-jumphost/sdr";
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--user" || a == "--name" || a == "--privilege" || a == "--cipher-suite" || a == "--workarounds" ||
        a == "--sdr-cache") {
      const char* v = value();
      if (!v) return usage(a + " needs a value");
      if (a == "--user") t.user = v;
      else if (a == "--name") t.name = v;
      else if (a == "--sdr-cache") cache = v;
      else if (a == "--privilege") {
        auto p = parse_privilege(v);
        if (!p) return usage(p.error().message);
        t.settings.privilege = *p;
      } else if (a == "--cipher-suite") {
        unsigned long n = 0;
        if (!parse_uint(v, 0, 255, &n)) return usage("--cipher-suite takes a number");
        t.settings.cipher_suite = static_cast<unsigned>(n);
      } else {
        auto w = parse_workarounds(v);
        if (!w) return usage(w.error().message);
        t.settings.workarounds = *w;
      }
    } else {
      rest.push_back(a);
    }
  }
  if (rest.size() < 2) return usage("HOST and OPERATION are needed");
  t.host = rest[0];
  if (const char* pw = std::getenv("IJ_BMC_PASSWORD")) t.password = SecretText(std::string(pw));
  auto bmc = make_freeipmi_bmc(cache);
  return run(*bmc, t, rest[1], std::vector<std::string>(rest.begin() + 2, rest.end()));
}

}  // namespace
}  // namespace ij

int main(int argc, char** argv) { return ij::main_(argc, argv); }
