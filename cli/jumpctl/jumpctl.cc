// jumpctl: the operator's CLI. It reads the files an operator names (keys,
// BMC password) itself and sends their contents; it speaks only D-Bus.
// Exit codes: 0 done, 1 the operation failed, 2 bad usage.
#include <sdbus-c++/sdbus-c++.h>
#include <sys/stat.h>

#include <cstdio>
#include <iostream>
#include <chrono>
#include <optional>
#include <nlohmann/json.hpp>

#include "cli/jumpctl/args.h"
#include "common/base/strings.h"
#include "common/base/version.h"
#include "common/bus/client.h"
#include "common/console/client.h"
#include "common/console/protocol.h"
#include "common/ipmi/power.h"
#include "common/model/names.h"
#include "common/sys/fs.h"

namespace {

using nlohmann::json;

constexpr size_t kMaxInputFile = 256 * 1024;

struct Failure {
  int exit_code;
  std::string message;
};

std::string read_input_file(const std::string& path, const char* what) {
  auto text = ij::read_file(path);
  if (!text) throw Failure{1, "cannot read " + std::string(what) + " " + text.error().message};
  if (!text->has_value()) throw Failure{1, std::string(what) + " " + path + " does not exist"};
  if ((*text)->size() > kMaxInputFile) throw Failure{1, std::string(what) + " " + path + " is larger than 256 KiB"};
  return **text;
}

std::string read_password_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077))
    std::fprintf(stderr, "jumpctl: warning: %s is readable by others; chmod 600 it\n", path.c_str());
  std::string text = read_input_file(path, "password file");
  // The first line is the password; a trailing newline is not part of it.
  size_t nl = text.find('\n');
  if (nl != std::string::npos) text.resize(nl);
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.empty()) throw Failure{1, "password file " + path + " is empty"};
  return text;
}

class Client : public ij::bus::Client {
 public:
  // The daemon finishes (or rolls back) a change whatever the client does,
  // so giving up early would only report a failure that did not happen:
  // wait up to 10 minutes, not sd-bus's 25 s (a doctor with thousands of
  // tenants, or an enroll on a slow machine, can take longer than that).
  Client() : ij::bus::Client(std::chrono::minutes(10), remote_host) {}
  // -H: the jumphost whose daemon every call goes to (empty: this one).
  static inline std::string remote_host;
};

std::string ports_text(const std::vector<unsigned>& ports) {
  std::vector<std::string> out;
  for (unsigned p : ports) out.push_back(std::to_string(p));
  return ij::join(out, ",");
}

void print_table(const std::vector<ij::bus::EnrollmentView>& list) {
  std::printf("%-20s %5s %-16s %-18s %-16s %s\n", "NAME", "VLAN", "OWNER", "BMC ADDRESS", "LINK", "PORTS");
  for (const auto& e : list)
    std::printf("%-20s %5u %-16s %-18s %-16s %s\n", e.name.c_str(), e.vlan, e.owner.c_str(), e.bmc_address.c_str(),
                e.link.c_str(), ports_text(e.ports).c_str());
}

void print_show(const ij::bus::EnrollmentDetail& d) {
  const ij::bus::EnrollmentView& e = d.enrollment;
  auto line = [](const char* k, const std::string& v) { std::printf("%-18s %s\n", k, v.c_str()); };
  line("name:", e.name);
  line("host name:", e.host_name);
  line("vlan:", std::to_string(e.vlan));
  line("link:", e.link);
  line("bmc address:", e.bmc_address);
  line("jumphost address:", e.jumphost_address);
  line("ports:", ports_text(e.ports));
  line("owner:", e.owner);
  line("owner's bmcs:", ij::join(d.owner_bmcs, " "));
  line("bmc user:", e.bmc_user.empty() ? "-" : e.bmc_user);
  line("bmc password:", e.bmc_password_stored ? "stored" : "not stored (asked per request)");
  line("ipmi:", "privilege " + e.ipmi.privilege + ", cipher suite " + std::to_string(e.ipmi.cipher_suite) +
                    (e.ipmi.workarounds.empty() ? "" : ", workarounds " + ij::join(e.ipmi.workarounds, ",")));
  line("console log:", e.console_log);
  line("switch port:", e.switch_port.empty() ? "-" : e.switch_port);
  line("enrolled:", e.enrolled_at + " by " + e.enrolled_by);
  for (const auto& k : d.tenant.keys) line("key:", k.fingerprint + " " + k.type + " " + k.comment);
}

void print_consoles(const std::vector<ij::bus::ConsoleView>& consoles) {
  std::printf("%-16s %-10s %-8s %-12s %12s  %s\n", "NAME", "OWNER", "LOG", "STATE", "BYTES LOGGED", "ATTACHED");
  for (const auto& v : consoles) {
    std::string attached;
    for (const auto& a : v.attached)
      attached += (attached.empty() ? "" : ", ") + std::string(a.by_operator ? "operator " : "") + a.user +
                  (a.keyboard ? " (keyboard" : " (read-only") + " since " + a.since + ")";
    std::printf("%-16s %-10s %-8s %-12s %12llu  %s\n", v.name.c_str(), v.owner.c_str(), v.log.c_str(),
                v.state.c_str(), static_cast<unsigned long long>(v.bytes_logged),
                attached.empty() ? "-" : attached.c_str());
    if (!v.last_error.empty()) std::printf("  last error: %s\n", v.last_error.c_str());
    if (!v.last_reconnect.empty()) std::printf("  last reconnect: %s\n", v.last_reconnect.c_str());
  }
}

std::optional<std::string> given(const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); }

// The options enroll and set share, from the command line.
ij::bus::EnrollOptions options_of(const ij::cli::Command& c) {
  ij::bus::EnrollOptions options;
  options.owner = given(c.owner);
  options.switch_port = given(c.switch_port);
  options.ipmi_privilege = given(c.ipmi_privilege);
  if (!c.ipmi_workarounds.empty()) {
    options.ipmi_workarounds.emplace();
    for (const std::string& w : ij::split(c.ipmi_workarounds, ',')) options.ipmi_workarounds->emplace_back(ij::trim(w));
  }
  if (!c.cipher_suite.empty()) {
    unsigned long id = 0;
    if (!ij::parse_uint(c.cipher_suite, 0, 255, &id))
      throw Failure{2, "--cipher-suite '" + c.cipher_suite + "' is not a number in 0-255"};
    options.cipher_suite = static_cast<uint32_t>(id);
  }
  options.bmc_user = given(c.bmc_user);
  options.console_log = given(c.console_log);
  if (!c.bmc_password_file.empty()) options.bmc_password = read_password_file(c.bmc_password_file);
  if (!c.ports.empty()) {
    auto ports = ij::parse_ports(c.ports);
    if (!ports) throw Failure{2, "--ports: " + ports.error().message};
    options.ports = std::vector<uint16_t>(ports->begin(), ports->end());
  }
  if (c.check) options.check = true;
  return options;
}

void print_probe(const ij::bus::ProbeView& v) {
  const ij::BmcProbe& p = v.probe;
  if (p.credentials_ok)
    std::printf("%s: the BMC takes the credentials (IPMI %s, firmware %s)\n", v.bmc.c_str(),
                p.ipmi_version.empty() ? "?" : p.ipmi_version.c_str(), p.firmware.empty() ? "?" : p.firmware.c_str());
  else
    std::printf("%s: the credentials do NOT work: %s\n", v.bmc.c_str(), p.error.c_str());
  std::vector<std::string> ids;
  for (unsigned id : p.cipher_suites) ids.push_back(std::to_string(id));
  std::printf("%s: cipher suites offered: %s\n", v.bmc.c_str(), ids.empty() ? "(none listed)" : ij::join(ids, " ").c_str());
  for (const std::string& w : p.warnings) std::printf("%s: warning: %s\n", v.bmc.c_str(), w.c_str());
}

// After an enroll or set --check, which the BMC passed: what it offers. A
// failure of this second look is a warning, not the change's failure.
void print_probe_after(Client& client, const std::string& name) {
  try {
    print_probe(client.call<ij::bus::CheckBmc>(name));
  } catch (const sdbus::Error& e) {
    std::fprintf(stderr, "jumpctl: warning: %s passed the check, but reading what it offers failed: %s\n",
                 name.c_str(), e.getMessage().c_str());
  }
}

struct StatusRow {
  ij::bus::EnrollmentView enrollment;
  std::optional<ij::bus::PowerView> power;
  std::optional<ij::bus::ConsoleView> console;
};

std::string console_text(const std::optional<ij::bus::ConsoleView>& v) {
  if (!v) return "-";
  std::string text = v->state;
  for (const auto& a : v->attached)
    if (a.keyboard) text += " (" + std::string(a.by_operator ? "operator " : "") + a.user + " typing)";
  if (!v->attached.empty()) text += ", " + std::to_string(v->attached.size()) + " attached";
  return text;
}

void print_status(const std::vector<StatusRow>& rows) {
  std::printf("%-20s %-16s %-6s %-40s %s\n", "NAME", "OWNER", "POWER", "CONSOLE", "ERROR");
  for (const StatusRow& r : rows) {
    const bool ok = r.power && r.power->ok;
    std::printf("%-20s %-16s %-6s %-40s %s\n", r.enrollment.name.c_str(), r.enrollment.owner.c_str(),
                ok ? r.power->power.c_str() : "?", console_text(r.console).c_str(),
                ok || !r.power ? "" : r.power->error.c_str());
  }
}

json status_json(const std::vector<StatusRow>& rows) {
  json out = json::array();
  for (const StatusRow& r : rows) {
    json j = r.enrollment;
    j["power"] = r.power ? json(*r.power) : json(nullptr);
    j["console"] = r.console ? json(*r.console) : json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

int run(const ij::cli::Command& c) {
  if (c.verb == "help") {
    const std::string text = c.help_topic.empty() ? ij::cli::usage() : ij::cli::command_help(c.help_topic).value_or("");
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  if (c.verb == "version") {
    std::printf("jumpctl %s\n", ij::kVersion);
    return 0;
  }
  if (c.verb == "enroll") {
    // Checked here for a quick usage error; the daemon checks everything again.
    unsigned long vid = 0;
    if (!ij::parse_uint(c.vlan, 0, 4294967295UL, &vid)) throw Failure{2, "--vlan '" + c.vlan + "' is not a number"};
    ij::bus::EnrollOptions options = options_of(c);
    options.bmc_address = given(c.bmc_ip);
    options.trunk = given(c.trunk);
    if (!c.key_files.empty()) {
      options.keys.emplace();
      for (const std::string& f : c.key_files) options.keys->push_back({f, read_input_file(f, "key file")});
    }
    Client client;
    auto e = client.call<ij::bus::Enroll>(c.args[0], static_cast<uint32_t>(vid), ij::bus::encode(options));
    std::printf("enrolled %s: VLAN %u on %s, BMC %s reachable as %s, tenant %s\n", c.args[0].c_str(), e.vlan,
                e.link.c_str(), e.bmc_address.c_str(), e.host_name.c_str(), e.owner.c_str());
    if (c.check) print_probe_after(client, c.args[0]);
    return 0;
  }
  if (c.verb == "set") {
    ij::bus::EnrollOptions options = options_of(c);
    for (const std::string& what : c.clear) {
      if (what == "bmc-password") options.bmc_password = std::string();
      if (what == "switch-port") options.switch_port = std::string();
      if (what == "ipmi-workarounds") options.ipmi_workarounds = std::vector<std::string>();
    }
    Client client;
    auto e = client.call<ij::bus::Set>(c.args[0], ij::bus::encode(options));
    std::printf("set %s: owner %s, ports %s, IPMI user %s (password %s), privilege %s, cipher suite %u, console log %s\n",
                e.name.c_str(), e.owner.c_str(), ports_text(e.ports).c_str(), e.bmc_user.empty() ? "-" : e.bmc_user.c_str(),
                e.bmc_password_stored ? "stored" : "not stored", e.ipmi.privilege.c_str(), e.ipmi.cipher_suite,
                e.console_log.c_str());
    if (c.check) print_probe_after(client, c.args[0]);
    return 0;
  }
  if (c.verb == "power") {
    unsigned long fanout = 0;
    if (!c.fanout.empty() && !ij::parse_uint(c.fanout, 1, 64, &fanout))
      throw Failure{2, "--fanout '" + c.fanout + "' is not a number in 1-64"};
    if (auto a = ij::parse_power_action(c.args[0]); !a) throw Failure{2, a.error().message};
    std::vector<std::string> names(c.args.begin() + 1, c.args.end());
    auto results = Client().call<ij::bus::OperatorPower>(names, c.owner, c.all, c.args[0], c.wait,
                                                        static_cast<uint32_t>(fanout));
    int failed = 0;
    for (const auto& r : results) failed += !r.ok;
    if (c.json) {
      std::printf("%s\n", json(results).dump(2).c_str());
    } else {
      for (const auto& r : results) std::printf("%s\n", ij::bus::power_summary(r).c_str());
      if (failed) std::fprintf(stderr, "jumpctl: power %s failed on %d of %zu BMCs\n", c.args[0].c_str(), failed, results.size());
    }
    return failed ? 1 : 0;
  }
  if (c.verb == "check") {
    auto p = Client().call<ij::bus::CheckBmc>(c.args[0]);
    if (c.json) std::printf("%s\n", json(p).dump(2).c_str());
    else print_probe(p);
    return p.probe.credentials_ok ? 0 : 1;
  }
  if (c.verb == "revoke") {
    Client().call<ij::bus::Revoke>(c.args[0]);
    std::printf("revoked %s\n", c.args[0].c_str());
    return 0;
  }
  if (c.verb == "list") {
    Client client;
    auto list = client.call<ij::bus::List>();
    if (c.status) {
      // Three answers joined by name: the BMCs, each one's power (asked of
      // every BMC at once, 64 at a time) and the consoles.
      auto power = client.call<ij::bus::OperatorPower>(std::vector<std::string>{}, std::string(), true,
                                                       std::string("status"), false, uint32_t{0});
      auto consoles = client.call<ij::bus::Consoles>();
      std::vector<StatusRow> rows;
      for (const auto& e : list) {
        StatusRow r{e, {}, {}};
        for (const auto& p : power)
          if (p.bmc == e.name) r.power = p;
        for (const auto& v : consoles)
          if (v.name == e.name) r.console = v;
        rows.push_back(std::move(r));
      }
      if (c.json) std::printf("%s\n", status_json(rows).dump(2).c_str());
      else print_status(rows);
      return 0;
    }
    if (c.json) std::printf("%s\n", json(list).dump(2).c_str());
    else print_table(list);
    return 0;
  }
  if (c.verb == "show") {
    auto detail = Client().call<ij::bus::Show>(c.args[0]);
    if (c.json) std::printf("%s\n", json(detail).dump(2).c_str());
    else print_show(detail);
    return 0;
  }
  if (c.verb == "key-add") {
    auto fingerprints = Client().call<ij::bus::AddKeys>(c.args[0], c.args[1], read_input_file(c.args[1], "key file"));
    for (const std::string& f : fingerprints) std::printf("added %s to %s\n", f.c_str(), c.args[0].c_str());
    return 0;
  }
  if (c.verb == "key-remove") {
    Client().call<ij::bus::RemoveKey>(c.args[0], c.args[1]);
    std::printf("removed %s from %s\n", c.args[1].c_str(), c.args[0].c_str());
    return 0;
  }
  if (c.verb == "doctor") {
    auto findings = Client().call<ij::bus::Doctor>();
    int problems = 0;
    for (const auto& f : findings) problems += !f.ok;
    if (c.json) {
      std::printf("%s\n", json(findings).dump(2).c_str());
    } else {
      for (const auto& f : findings) {
        if (f.ok) std::printf("ok       %s\n", f.what.c_str());
        else std::printf("PROBLEM  %s\n         fix: %s\n", f.what.c_str(), f.fix.c_str());
      }
      std::printf("%d problem(s)\n", problems);
    }
    return problems ? 1 : 0;
  }
  if (c.verb == "switch-config") {
    std::fputs(Client().call<ij::bus::SwitchConfig>(c.vendor, c.args).c_str(), stdout);
    return 0;
  }
  if (c.verb == "client-config") {
    std::fputs(Client().call<ij::bus::ClientConfig>(c.args[0]).c_str(), stdout);
    return 0;
  }
  if (c.verb == "console" && c.console_mode == "deactivate") {
    std::printf("%s\n", Client().call<ij::bus::DeactivateConsole>(c.args[0]).c_str());
    return 0;
  }
  if (c.verb == "console") {
    // A console is a socket the daemon hands over the bus; ssh's pipe to
    // systemd-stdio-bridge carries no file descriptors.
    if (!Client::remote_host.empty())
      throw Failure{1, "console cannot go through -H (ssh's pipe to the remote bus carries no sockets): "
                       "ssh -t " + Client::remote_host + " jumpctl console " + c.args[0]};
    sdbus::UnixFd fd = Client().call<ij::bus::OperatorConsole>(c.args[0], c.console_mode);
    return ij::console::run_console(fd.get(), c.args[0]);
  }
  if (c.verb == "consoles") {
    auto consoles = Client().call<ij::bus::Consoles>();
    if (c.json) std::printf("%s\n", json(consoles).dump(2).c_str());
    else print_consoles(consoles);
    return 0;
  }
  if (c.verb == "console-log") {
    unsigned long lines = ij::console::kDefaultLogLines;
    if (!c.lines.empty() && !ij::parse_uint(c.lines, 1, ij::console::kMaxLogLines, &lines))
      throw Failure{2, "--lines '" + c.lines + "' is not a number in 1-" + std::to_string(ij::console::kMaxLogLines)};
    std::vector<uint8_t> log = Client().call<ij::bus::OperatorConsoleLog>(c.args[0], static_cast<uint32_t>(lines));
    std::fwrite(log.data(), 1, log.size(), stdout);
    return 0;
  }
  throw Failure{2, "unknown command"};
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  // A usage error is one line and where to look, not the whole usage, which
  // would bury the line that says what is wrong.
  auto command = ij::cli::parse_command_line(args);
  if (!command) {
    std::fprintf(stderr, "jumpctl: %s\n%s\n", command.error().message.c_str(), ij::cli::usage_hint(args).c_str());
    return 2;
  }
  Client::remote_host = command->host;
  try {
    return run(*command);
  } catch (const Failure& f) {
    std::fprintf(stderr, "jumpctl: %s\n", f.message.c_str());
    if (f.exit_code == 2) std::fprintf(stderr, "%s\n", ij::cli::usage_hint(args).c_str());
    return f.exit_code;
  } catch (const sdbus::Error& e) {
    const std::string& name = e.getName();
    if (ij::starts_with(name, ij::bus::kErrorPrefix)) {
      std::fprintf(stderr, "jumpctl: %s\n", e.getMessage().c_str());
    } else if (name == "org.freedesktop.DBus.Error.ServiceUnknown" || name == "org.freedesktop.DBus.Error.NoReply" ||
               name == "org.freedesktop.DBus.Error.FileNotFound" || name == "sdbus.Error" ||
               name == "org.freedesktop.DBus.Error.NoServer" ||
               // Over -H, ssh or the bridge failing shows as the transport's errno.
               (!Client::remote_host.empty() && ij::starts_with(name, "System.Error."))) {
      if (Client::remote_host.empty())
        std::fprintf(stderr, "jumpctl: cannot reach ipmi-jumphostd on the system bus (%s): is the service running?\n",
                     e.getMessage().c_str());
      else
        std::fprintf(stderr,
                     "jumpctl: cannot reach ipmi-jumphostd on %s over ssh (%s): jumpctl runs ssh there with the "
                     "command systemd-stdio-bridge; check that ssh logs in and that the service runs there\n",
                     Client::remote_host.c_str(), e.getMessage().c_str());
    } else {
      std::fprintf(stderr, "jumpctl: %s: %s\n", name.c_str(), e.getMessage().c_str());
    }
    return 1;
  } catch (const json::exception& e) {
    std::fprintf(stderr, "jumpctl: the daemon's answer is not what this jumpctl expects: %s\n", e.what());
    return 1;
  }
}
