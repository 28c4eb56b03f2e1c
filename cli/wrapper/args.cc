#include "cli/wrapper/args.h"

#include "common/base/strings.h"
#include "common/ipmi/power.h"
#include "common/model/names.h"

namespace ij::wrapper {
namespace {

Error refused() { return make_error(Errc::invalid_argument, kRefusal); }

}  // namespace

Result<TenantCommand> parse_tenant_command(std::string_view text) {
  if (text.size() > kMaxCommandLength) return refused();
  for (char c : text) {
    // Only what the grammar's words are made of, and spaces between them.
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == ' ' || c == '\t';
    if (!ok) return refused();
  }
  std::vector<std::string> words = split_ws(text);
  TenantCommand cmd;
  if (words.empty()) return cmd;  // help
  const std::string& verb = words[0];
  std::vector<std::string> args(words.begin() + 1, words.end());
  auto take_bmc = [&](const std::string& word) -> Status {
    if (!validate_bmc_name(word)) return refused();
    cmd.bmc = word;
    return ok_status();
  };
  if (verb == "help" && args.empty()) {
    cmd.verb = TenantCommand::Verb::help;
  } else if (verb == "list" && args.empty()) {
    cmd.verb = TenantCommand::Verb::list;
  } else if (verb == "console" && args.size() <= 2) {
    // "console [NAME] [--read-only|--force]", the option last or first.
    cmd.verb = TenantCommand::Verb::console;
    for (const std::string& a : args) {
      if (a == "--read-only" || a == "--force") {
        if (!cmd.console_mode.empty()) return refused();
        cmd.console_mode = a.substr(2);
      } else if (cmd.bmc.empty()) {
        IJ_TRY(take_bmc(a));
      } else {
        return refused();
      }
    }
  } else if (verb == "log" && args.size() <= 3) {
    // "log [NAME] [--lines N]"
    cmd.verb = TenantCommand::Verb::log;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--lines") {
        unsigned long n = 0;
        if (i + 1 >= args.size() || !parse_uint(args[i + 1], 1, kMaxLogLines, &n)) return refused();
        cmd.lines = static_cast<unsigned>(n);
        ++i;
      } else if (cmd.bmc.empty()) {
        IJ_TRY(take_bmc(args[i]));
      } else {
        return refused();
      }
    }
  } else if (verb == "power" && args.size() <= 2) {
    cmd.verb = TenantCommand::Verb::power;
    // "power [ACTION] [BMC]", and "power BMC ACTION": the order
    // jumpctl client-config's alias gives ("web01-power on").
    size_t next = 0;
    if (next < args.size())
      if (auto a = parse_power_action(args[next])) {
        cmd.action = *a;
        ++next;
      }
    if (next < args.size()) IJ_TRY(take_bmc(args[next++]));
    if (next == 1 && args.size() == 2) {
      auto a = parse_power_action(args[next++]);
      if (!a) return refused();
      cmd.action = *a;
    }
    if (next != args.size()) return refused();
  } else {
    return refused();
  }
  return cmd;
}

std::optional<std::string> command_text(const std::vector<std::string>& argv, const char* ssh_original_command) {
  if (argv.size() <= 1) return ssh_original_command ? std::string(ssh_original_command) : std::string();
  if (argv.size() != 3 || argv[1] != "-c") return std::nullopt;
  // sshd runs the login shell with "-c FORCECOMMAND" and keeps what the
  // tenant typed in SSH_ORIGINAL_COMMAND.
  if (ssh_original_command) return std::string(ssh_original_command);
  const std::string& cmd = argv[2];
  // The forced command itself (our own path): a login without a command.
  if (!cmd.empty() && cmd[0] == '/' && (cmd.size() >= 13 && cmd.compare(cmd.size() - 13, 13, "/ipmi-wrapper") == 0))
    return std::string();
  return cmd;
}

}  // namespace ij::wrapper
