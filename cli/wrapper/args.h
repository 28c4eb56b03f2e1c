// The tenant's command, as ipmi-wrapper receives it from sshd: a strict
// grammar over a short string of lowercase words. No shell, no globbing, no
// quoting: anything outside the grammar is refused before anything runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/console/protocol.h"
#include "common/ipmi/operations.h"
#include "common/ipmi/power.h"

namespace ij::wrapper {

inline constexpr const char* kRefusal =
    "Sorry. Only these commands are available to you: power, console, log, bootdev, identify, sel, sensors, list, "
    "help";
constexpr size_t kMaxCommandLength = 256;
using console::kDefaultLogLines;
using console::kMaxLogLines;

struct TenantCommand {
  enum class Verb { help, list, power, console, log, bootdev, identify, sel, sensors };
  Verb verb = Verb::help;
  std::string bmc;     // empty: the tenant's only BMC
  bool json = false;   // --json: one JSON document on standard output
  PowerAction action = PowerAction::status;  // power
  bool wait = false;                         // power --wait
  std::string console_mode;  // console: "", "read-only" or "force"
  unsigned lines = kDefaultLogLines;  // log
  std::optional<BootSetting> boot;    // bootdev: the device to set (none: show it)
  IdentifyRequest identify;           // identify
  bool sel_clear = false;             // sel clear
};

// Parses the command text; an empty text (a login without a command) is help.
Result<TenantCommand> parse_tenant_command(std::string_view text);

// Which text to parse, from how sshd ran us: as the forced command (the
// original command in SSH_ORIGINAL_COMMAND) or as the login shell
// ("ipmi-wrapper -c CMD", or no arguments for an interactive login).
// nullopt for an invocation that is neither.
std::optional<std::string> command_text(const std::vector<std::string>& argv, const char* ssh_original_command);

}  // namespace ij::wrapper
