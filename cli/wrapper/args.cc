#include "cli/wrapper/args.h"

#include <set>

#include "common/base/strings.h"
#include "common/ipmi/power.h"
#include "common/model/names.h"

namespace ij::wrapper {
namespace {

using Verb = TenantCommand::Verb;

Error refused() { return make_error(Errc::invalid_argument, kRefusal); }

// Each verb: the options it takes (each at most once) and how many words
// besides them.
struct VerbSpec {
  const char* word;
  Verb verb;
  std::set<std::string> options;
  size_t max_words;
};

const VerbSpec kVerbs[] = {
    {"help", Verb::help, {}, 0},
    {"list", Verb::list, {"--json"}, 0},
    {"power", Verb::power, {"--wait", "--json"}, 2},
    {"console", Verb::console, {"--read-only", "--force"}, 1},
    {"log", Verb::log, {"--lines"}, 1},
    {"bootdev", Verb::bootdev, {"--once", "--persistent", "--efi", "--json"}, 2},
    {"identify", Verb::identify, {"--json"}, 2},
    {"sel", Verb::sel, {"--json"}, 2},
    {"sensors", Verb::sensors, {"--json"}, 1},
};

// words: what is left once the options are taken. The verb's own word
// (ACTION, DEVICE, ...) comes first when it reads as one, then NAME.
Status take_bmc(TenantCommand& cmd, const std::string& word) {
  if (!validate_bmc_name(word)) return refused();
  cmd.bmc = word;
  return ok_status();
}

}  // namespace

Result<TenantCommand> parse_tenant_command(std::string_view text) {
  if (text.size() > kMaxCommandLength) return refused();
  for (char c : text) {
    // Only what the grammar's words are made of, and spaces between them.
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == ' ' || c == '\t';
    if (!ok) return refused();
  }
  std::vector<std::string> all = split_ws(text);
  TenantCommand cmd;
  if (all.empty()) return cmd;  // help
  const VerbSpec* spec = nullptr;
  for (const VerbSpec& v : kVerbs)
    if (all[0] == v.word) spec = &v;
  if (!spec) return refused();
  cmd.verb = spec->verb;
  // Options anywhere after the verb; --lines takes the next word.
  std::set<std::string> seen;
  std::vector<std::string> words;
  for (size_t i = 1; i < all.size(); ++i) {
    const std::string& w = all[i];
    if (w.rfind("--", 0) != 0) {
      words.push_back(w);
      continue;
    }
    if (!spec->options.count(w) || !seen.insert(w).second) return refused();
    if (w == "--lines") {
      unsigned long n = 0;
      if (i + 1 >= all.size() || !parse_uint(all[i + 1], 1, kMaxLogLines, &n)) return refused();
      cmd.lines = static_cast<unsigned>(n);
      ++i;
    }
  }
  if (words.size() > spec->max_words) return refused();
  cmd.json = seen.count("--json") > 0;
  size_t next = 0;
  switch (cmd.verb) {
    case Verb::help:
    case Verb::list:
      break;
    case Verb::console:
      if (seen.count("--read-only") && seen.count("--force")) return refused();
      if (seen.count("--read-only")) cmd.console_mode = "read-only";
      if (seen.count("--force")) cmd.console_mode = "force";
      break;
    case Verb::log:
    case Verb::sensors:
      break;
    case Verb::power: {
      // "power [ACTION] [NAME]", and "power NAME ACTION": the order
      // jumpctl client-config's alias gives ("web01-power on").
      cmd.wait = seen.count("--wait") > 0;
      if (next < words.size())
        if (auto a = parse_power_action(words[next])) {
          cmd.action = *a;
          ++next;
        }
      if (next == 0 && words.size() == 2) {
        IJ_TRY(take_bmc(cmd, words[0]));
        auto a = parse_power_action(words[1]);
        if (!a) return refused();
        cmd.action = *a;
        next = 2;
      }
      break;
    }
    case Verb::bootdev: {
      // "bootdev [DEVICE [--once|--persistent] [--efi]] [NAME]"
      if (next < words.size())
        if (auto d = parse_boot_device(words[next])) {
          cmd.boot = BootSetting{*d, seen.count("--persistent") > 0, seen.count("--efi") > 0};
          ++next;
        }
      const bool flags = seen.count("--once") || seen.count("--persistent") || seen.count("--efi");
      if (seen.count("--once") && seen.count("--persistent")) return refused();
      if (flags && !cmd.boot) return refused();  // options of a setting, without one
      break;
    }
    case Verb::identify: {
      // "identify [on|off|SECONDS] [NAME]"; no word: IPMI's 15 s. A word
      // of digits is SECONDS (a BMC named so: "identify 15 NAME").
      if (next < words.size()) {
        const std::string& w = words[next];
        if (w == "on" || w == "off") {
          cmd.identify = IdentifyRequest{0, w == "on"};
          ++next;
        } else if (w.find_first_not_of("0123456789") == std::string::npos) {
          unsigned long n = 0;
          if (!parse_uint(w, 1, kMaxIdentifySeconds, &n)) return refused();
          cmd.identify = IdentifyRequest{static_cast<unsigned>(n), false};
          ++next;
        }
      }
      break;
    }
    case Verb::sel:
      // "sel [list|clear] [NAME]"
      if (next < words.size() && (words[next] == "list" || words[next] == "clear")) {
        cmd.sel_clear = words[next] == "clear";
        ++next;
      }
      break;
  }
  if (next < words.size()) IJ_TRY(take_bmc(cmd, words[next++]));
  if (next != words.size()) return refused();
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
