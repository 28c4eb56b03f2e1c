// ipmi-wrapper: the tenant's forced command and login shell. It parses what
// the tenant typed (cli/wrapper/args.h) and asks ipmi-jumphostd over the
// system bus; the daemon knows the tenant from the bus credentials and
// holds the BMC credentials. Nothing here runs a shell or reads a secret
// other than a password the tenant types for one request.
#include <poll.h>
#include <sdbus-c++/sdbus-c++.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/wrapper/args.h"
#include "common/console/client.h"
#include "common/console/protocol.h"
#include "common/base/strings.h"
#include "common/base/version.h"
#include "common/bus/client.h"

namespace {

using ij::wrapper::TenantCommand;
using nlohmann::json;

const char* const kHelp =
    "Commands:\n"
    "  power [status|on|off|cycle|reset|soft|diag] [--wait] [NAME]\n"
    "        NAME's chassis power (default: status; 'power NAME ACTION' works too); --wait answers\n"
    "        once the chassis reports on (on, cycle, reset) or off (off, soft), at most 120 s\n"
    "  console [NAME] [--read-only|--force]\n"
    "        NAME's serial console, shared with your other sessions: the first has the keyboard,\n"
    "        --force takes it (&. detaches, &? help)\n"
    "  log [NAME] [--lines N]         the last N lines (default 100) of its console\n"
    "  bootdev [pxe|disk|cdrom|bios [--once|--persistent] [--efi]] [NAME]\n"
    "        the device the next boot (--persistent: every boot) starts from; no device: show it\n"
    "  identify [on|off|SECONDS] [NAME]\n"
    "        the chassis light, to find the machine in the rack (default 15 s; on: until off)\n"
    "  sel [list|clear] [NAME]        the BMC's event log, oldest first; clear erases it\n"
    "  sensors [NAME]                 every sensor's reading and state\n"
    "  list                           your BMCs and the tunnels to them\n"
    "  help                           this text\n"
    "Every command but console, log and help takes --json. NAME may be left out when you have\n"
    "one BMC. Run commands as: ssh -t USER@JUMPHOST COMMAND\n";

// A forgotten prompt must not hold the session (and a D-Bus slot) forever.
constexpr std::chrono::seconds kPasswordTimeout{60};

struct Failure {
  std::string message;
};

// An IPMI session may take its full timeout, and power --wait up to 120 s
// more: wait longer than sd-bus's 25 s.
class Daemon : public ij::bus::Client {
 public:
  Daemon() : Client(std::chrono::minutes(3)) {}
};

void write_out(const char* p, size_t n) {
  if (!ij::console::write_all(STDOUT_FILENO, p, n)) throw Failure{"the connection was lost"};
}

void say(const std::string& text) { write_out(text.data(), text.size()); }


// The password of a BMC whose password the operator did not store, typed by
// the tenant without echo, for this one request.
std::string ask_password(const std::string& bmc) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) throw Failure{"BMC " + bmc + " needs its password and there is no terminal to ask it on: use ssh -t"};
  // Echo goes off before the prompt shows: whatever is typed once the
  // prompt is visible is never echoed (the other order raced a fast typist).
  struct termios old {};
  bool have = tcgetattr(fileno(tty), &old) == 0;
  if (have) {
    struct termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fileno(tty), TCSANOW, &quiet);
  }
  std::fprintf(tty, "IPMI password for %s: ", bmc.c_str());
  std::fflush(tty);
  char buf[64] = {0};
  struct pollfd p = {fileno(tty), POLLIN, 0};
  const int timeout_ms = static_cast<int>(std::chrono::milliseconds(kPasswordTimeout).count());
  bool got = poll(&p, 1, timeout_ms) == 1 && std::fgets(buf, sizeof buf, tty) != nullptr;
  if (have) tcsetattr(fileno(tty), TCSANOW, &old);
  std::fprintf(tty, "\n");
  std::fclose(tty);
  std::string pw = got ? buf : "";
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  std::memset(buf, 0, sizeof buf);
  if (pw.empty()) throw Failure{"no password given (the prompt waits " + std::to_string(kPasswordTimeout.count()) + " s)"};
  return pw;
}

// Which BMC the command means (the same rule the daemon applies), and the
// password to send with it: empty when the daemon has one (or when the
// request needs none).
struct Target {
  std::string bmc;
  std::string password;  // secret
};

Target target_for(Daemon& d, const std::string& requested, bool needs_password = true) {
  ij::bus::TenantBmcs mine = d.call<ij::bus::ListMine>();
  auto bmc = ij::bus::choose_bmc(ij::bus::names_of(mine), requested);
  if (!bmc) throw Failure{bmc.error().message};
  if (!needs_password) return Target{*bmc, ""};
  for (const ij::bus::TenantBmc& b : mine.bmcs)
    if (b.name == *bmc && !b.password_stored) return Target{*bmc, ask_password(*bmc)};
  return Target{*bmc, ""};
}

void say_json(const json& j) { say(j.dump(2) + "\n"); }

int do_list(Daemon& d, const TenantCommand& c) {
  ij::bus::TenantBmcs mine = d.call<ij::bus::ListMine>();
  if (c.json) {
    say_json(mine);
    return 0;
  }
  const std::string& host = mine.jumphost;
  const std::string& user = mine.user;
  const std::string p = mine.port == 22 ? "" : " -p " + std::to_string(mine.port);
  if (mine.bmcs.empty()) say("You have no BMC.\n");
  for (const ij::bus::TenantBmc& b : mine.bmcs) {
    const std::string& name = b.name;
    const std::string& hn = b.host_name;
    say(name + " (" + hn + ")\n");
    say("  power:   ssh" + p + " -t " + user + "@" + host + " power status " + name + "\n");
    say("  console: ssh" + p + " -t " + user + "@" + host + " console " + name + "\n");
    say("  log:     ssh" + p + " " + user + "@" + host + " log " + name + " --lines " + std::to_string(ij::console::kDefaultLogLines) + "\n");
    say("  also:    bootdev, identify, sel, sensors (ssh" + p + " " + user + "@" + host + " help)\n");
    for (unsigned bp : b.ports) {
      unsigned local = bp < 1024 ? 10000 + bp : bp;
      say("  tunnel:  ssh" + p + " -N -L " + std::to_string(local) + ":" + hn + ":" + std::to_string(bp) + " " + user +
          "@" + host + "   (then localhost:" + std::to_string(local) + ")\n");
    }
  }
  return 0;
}

int do_power(Daemon& d, const TenantCommand& c) {
  Target t = target_for(d, c.bmc);
  ij::bus::PowerView v = d.call<ij::bus::Power>(t.bmc, ij::power_action_name(c.action), c.wait, t.password);
  ij::wipe(t.password);
  if (c.json) say_json(v);
  else say(ij::bus::power_summary(v) + "\n");
  return 0;
}

int do_bootdev(Daemon& d, const TenantCommand& c) {
  Target t = target_for(d, c.bmc);
  ij::BootSetting b = c.boot.value_or(ij::BootSetting{});
  ij::bus::BootView v = d.call<ij::bus::BootDevice>(t.bmc, c.boot ? ij::boot_device_name(b.device) : "",
                                                    b.persistent, b.efi, t.password);
  ij::wipe(t.password);
  if (c.json) {
    say_json(v);
  } else if (v.device == "none") {
    say(v.bmc + ": no boot device set (the firmware's own order)\n");
  } else {
    say(v.bmc + ": " + (v.persistent ? "every boot" : "next boot") + " from " + v.device + (v.efi ? " (EFI)" : "") +
        "\n");
  }
  return 0;
}

int do_identify(Daemon& d, const TenantCommand& c) {
  Target t = target_for(d, c.bmc);
  ij::bus::IdentifyView v = d.call<ij::bus::Identify>(t.bmc, c.identify.seconds, c.identify.forever, t.password);
  ij::wipe(t.password);
  if (c.json) say_json(v);
  else if (!v.on) say(v.bmc + ": identify light off\n");
  else if (v.forever) say(v.bmc + ": identify light on until 'identify off'\n");
  else say(v.bmc + ": identify light on for " + std::to_string(v.seconds) + " s\n");
  return 0;
}

// "Really?" on the terminal, when there is one; a script without one is
// not asked.
bool confirmed(const std::string& question) {
  if (!isatty(STDIN_FILENO)) return true;
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) return true;
  std::fprintf(tty, "%s [y/N] ", question.c_str());
  std::fflush(tty);
  char buf[16] = {0};
  struct pollfd p = {fileno(tty), POLLIN, 0};
  bool yes = poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kPasswordTimeout).count())) == 1 &&
             std::fgets(buf, sizeof buf, tty) != nullptr && (buf[0] == 'y' || buf[0] == 'Y');
  std::fclose(tty);
  return yes;
}

// What the BMC wrote, as the terminal may show it: the daemon sends it
// printable already; a byte that is not becomes '?' here all the same.
std::string printable(const std::string& text) {
  std::string s = text.substr(0, 128);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return s;
}

// A column: at least one blank after it, however long it is.
std::string pad(const std::string& text, size_t width) {
  const std::string s = printable(text);
  return s.size() + 1 >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

int do_sel(Daemon& d, const TenantCommand& c) {
  Target t = target_for(d, c.bmc);
  if (c.sel_clear && !confirmed("Erase every event in " + t.bmc + "'s event log?")) {
    ij::wipe(t.password);
    throw Failure{"nothing erased"};
  }
  ij::bus::SelView v = d.call<ij::bus::Sel>(t.bmc, c.sel_clear, t.password);
  ij::wipe(t.password);
  if (c.json) {
    say_json(v);
    return 0;
  }
  if (v.cleared) {
    say(v.bmc + ": event log erased\n");
    return 0;
  }
  if (v.events.empty()) {
    say(v.bmc + ": the event log is empty\n");
    return 0;
  }
  say(pad("ID", 6) + pad("TIME", 22) + pad("SENSOR", 20) + pad("STATE", 10) + "EVENT\n");
  for (const ij::SelEvent& e : v.events)
    say(pad(std::to_string(e.id), 6) + pad(e.time.empty() ? "-" : e.time, 22) +
        pad(e.sensor.empty() ? e.type : e.sensor, 20) + pad(e.state, 10) + printable(e.event) + "\n");
  return 0;
}

std::string reading_text(const ij::SensorReading& r) {
  if (!r.value) return r.event.empty() ? "-" : r.event;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", *r.value);
  return std::string(buf) + (r.unit.empty() ? "" : " " + r.unit);
}

int do_sensors(Daemon& d, const TenantCommand& c) {
  Target t = target_for(d, c.bmc);
  ij::bus::SensorsView v = d.call<ij::bus::Sensors>(t.bmc, t.password);
  ij::wipe(t.password);
  if (c.json) {
    say_json(v);
    return 0;
  }
  if (v.sensors.empty()) {
    say(v.bmc + ": no sensors\n");
    return 0;
  }
  say(pad("NAME", 20) + pad("TYPE", 20) + pad("READING", 22) + "STATE\n");
  for (const ij::SensorReading& r : v.sensors)
    say(pad(r.name, 20) + pad(r.type, 20) + pad(reading_text(r), 22) + printable(r.state) + "\n");
  return 0;
}

int do_console(Daemon& d, const TenantCommand& c) {
  Target t = target_for(d, c.bmc);
  sdbus::UnixFd console = d.call<ij::bus::Console>(t.bmc, t.password, c.console_mode);
  ij::wipe(t.password);
  return ij::console::run_console(console.get(), t.bmc);
}

int do_log(Daemon& d, const TenantCommand& c) {
  const std::string bmc = target_for(d, c.bmc, false).bmc;
  std::vector<uint8_t> log = d.call<ij::bus::ConsoleLog>(bmc, static_cast<uint32_t>(c.lines));
  write_out(reinterpret_cast<const char*>(log.data()), log.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* original = std::getenv("SSH_ORIGINAL_COMMAND");
  // `ipmi-wrapper --version`, typed by an operator; sshd never runs the
  // wrapper with such arguments (it passes "-c COMMAND" or none).
  if (argc == 2 && !original && std::strcmp(argv[1], "--version") == 0) {
    std::printf("ipmi-wrapper %s\n", ij::kVersion);
    return 0;
  }
  auto text = ij::wrapper::command_text(std::vector<std::string>(argv, argv + argc), original);
  // Nothing from the tenant's environment is used past this point.
  std::string command = text.value_or("");
  clearenv();
  setenv("PATH", "/usr/bin:/bin", 1);
  if (!text) {
    std::fprintf(stderr, "%s\n", ij::wrapper::kRefusal);
    return 1;
  }
  auto parsed = ij::wrapper::parse_tenant_command(command);
  if (!parsed) {
    std::fprintf(stderr, "%s\n", ij::wrapper::kRefusal);
    return 1;
  }
  try {
    if (parsed->verb == TenantCommand::Verb::help) {
      std::fputs(kHelp, stdout);
      return 0;
    }
    Daemon daemon;
    switch (parsed->verb) {
      case TenantCommand::Verb::list: return do_list(daemon, *parsed);
      case TenantCommand::Verb::power: return do_power(daemon, *parsed);
      case TenantCommand::Verb::bootdev: return do_bootdev(daemon, *parsed);
      case TenantCommand::Verb::identify: return do_identify(daemon, *parsed);
      case TenantCommand::Verb::sel: return do_sel(daemon, *parsed);
      case TenantCommand::Verb::sensors: return do_sensors(daemon, *parsed);
      case TenantCommand::Verb::console: return do_console(daemon, *parsed);
      case TenantCommand::Verb::log: return do_log(daemon, *parsed);
      case TenantCommand::Verb::help: break;
    }
    return 0;
  } catch (const Failure& f) {
    ij::console::restore_terminal();
    std::fprintf(stderr, "%s\n", f.message.c_str());
    return 1;
  } catch (const sdbus::Error& e) {
    ij::console::restore_terminal();
    if (e.getName().rfind(ij::bus::kErrorPrefix, 0) == 0)
      std::fprintf(stderr, "%s\n", e.getMessage().c_str());
    else
      std::fprintf(stderr, "the jumphost's service is not answering; tell the operator (%s)\n", e.getName().c_str());
    return 1;
  } catch (const json::exception&) {
    ij::console::restore_terminal();
    std::fprintf(stderr, "the jumphost's service gave an answer this wrapper does not understand\n");
    return 1;
  }
}
