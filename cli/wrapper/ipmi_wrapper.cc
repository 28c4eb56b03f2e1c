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
    "  power [status|on|off|cycle|reset|soft] [NAME]   NAME's chassis power (default: status;\n"
    "                                                  'power NAME ACTION' works too)\n"
    "  console [NAME] [--read-only|--force]            NAME's serial console, shared with your other\n"
    "                                                  sessions: the first has the keyboard, --force\n"
    "                                                  takes it (&. detaches, &? help)\n"
    "  log [NAME] [--lines N]                          the last N lines (default 100) of its console\n"
    "  list                                            your BMCs and the tunnels to them\n"
    "  help                                            this text\n"
    "NAME may be left out when you have one BMC. Run commands as: ssh -t USER@JUMPHOST COMMAND\n";

// A forgotten prompt must not hold the session (and a D-Bus slot) forever.
constexpr std::chrono::seconds kPasswordTimeout{60};

struct Failure {
  std::string message;
};

// An IPMI session may take its full timeout: wait longer than sd-bus's 25 s.
class Daemon : public ij::bus::Client {
 public:
  Daemon() : Client(std::chrono::minutes(1)) {}
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

int do_list(Daemon& d) {
  ij::bus::TenantBmcs mine = d.call<ij::bus::ListMine>();
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
  std::string result = d.call<ij::bus::Power>(t.bmc, ij::power_action_name(c.action), t.password);
  ij::wipe(t.password);
  say(result + "\n");
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
      case TenantCommand::Verb::list: return do_list(daemon);
      case TenantCommand::Verb::power: return do_power(daemon, *parsed);
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
