#include "cli/jumpctl/args.h"

#include <algorithm>
#include <cctype>

#include "common/base/strings.h"

namespace ij::cli {
namespace {

Error usage_error(const std::string& m) { return make_error(Errc::invalid_argument, m); }

constexpr size_t kAny = static_cast<size_t>(-1);

struct Option {
  const char* name;   // "--vlan"
  const char* value;  // "VID"; nullptr for a flag
  const char* help;   // one line
};

// One row per command: how it is typed, what it takes, and its help. The
// parser accepts exactly the options of the row, and the help lists them.
struct Spec {
  const char* verb;    // Command::verb
  const char* words;   // as typed
  size_t positional;   // kAny: any number
  std::vector<const char*> synopsis;  // after "jumpctl WORDS "; further lines align under the first
  const char* summary;
  std::vector<Option> options;
  std::vector<const char*> example;
};

const Option kJson = {"--json", nullptr, "print JSON instead of text"};
const Option kCheck = {"--check", nullptr, "first try an IPMI session with the credentials; refuse if it fails"};

const std::vector<Spec>& specs() {
  static const std::vector<Spec> table = {
      {"enroll", "enroll", 1,
       {"NAME --vlan VID [--trunk IFNAME] [--owner USER] [--bmc-ip ADDR/PREFIX] [--key FILE]...",
        "[--ports 22,80,443,5900] [--bmc-user USER --bmc-password-file FILE]",
        "[--switch-port LABEL] [--ipmi-privilege user|operator|admin]",
        "[--cipher-suite ID] [--ipmi-workarounds W1,W2,...]",
        "[--console-log always|attached|off] [--check]"},
       "Gives tenant USER access to BMC NAME on VLAN VID: the VLAN link, the Unix user,\n"
       "the /etc/hosts entry, the keys and sshd's block; all of it or, on a failure, none.",
       {{"--vlan", "VID", "the BMC's 802.1Q VLAN ID, 1-4094 (required), unique (see vlan_scope)"},
        {"--trunk", "IFNAME", "the trunk the VLAN is on, one of 'trunks' (default: 'trunk')"},
        {"--owner", "USER", "the tenant's Unix user (default: NAME)"},
        {"--bmc-ip", "ADDR/PREFIX", "the BMC's address (default: from address_pool)"},
        {"--key", "FILE", "the tenant's public keys, one per line; repeatable"},
        {"--ports", "PORTS", "BMC ports to forward to (default: default_ports)"},
        {"--bmc-user", "USER", "the IPMI user the daemon logs in as"},
        {"--bmc-password-file", "FILE", "its password, the first line (default: asked)"},
        {"--switch-port", "LABEL", "the BMC's port on the switch, for switch-config"},
        {"--ipmi-privilege", "LEVEL", "user, operator or admin (default: admin)"},
        {"--cipher-suite", "ID", "1-3, 6-8, 11, 12 or 17 (default: 3)"},
        {"--ipmi-workarounds", "LIST", "FreeIPMI workarounds, as ipmipower(8) -W"},
        {"--console-log", "MODE", "hold and log the console always, while attached, or attach only (off)"},
        kCheck},
       {"jumpctl enroll web01 --vlan 101 --owner alice --key alice.pub \\",
        "    --bmc-user ADMIN --bmc-password-file web01.pw --switch-port 1/1/7 --check"}},
      {"set", "set", 1,
       {"NAME [--owner USER] [--ports 22,80,443,5900]",
        "[--bmc-user USER] [--bmc-password-file FILE] [--switch-port LABEL]",
        "[--ipmi-privilege user|operator|admin] [--cipher-suite ID]",
        "[--ipmi-workarounds W1,W2,...] [--console-log always|attached|off] [--check]",
        "[--no-bmc-password] [--no-switch-port] [--no-ipmi-workarounds]"},
       "Changes BMC NAME's enrollment in place, all of it or, on a failure, none; what\n"
       "is not given stays. A new owner gets the BMC's tunnels and console (the old\n"
       "owner's sessions to it end, and its console log is set aside).",
       {{"--owner", "USER", "the tenant who gets the BMC (created when new)"},
        {"--ports", "PORTS", "BMC ports the tenant may forward to"},
        {"--bmc-user", "USER", "the IPMI user the daemon logs in as"},
        {"--bmc-password-file", "FILE", "its password, the first line"},
        {"--switch-port", "LABEL", "the BMC's port on the switch, for switch-config"},
        {"--ipmi-privilege", "LEVEL", "user, operator or admin"},
        {"--cipher-suite", "ID", "1-3, 6-8, 11, 12 or 17"},
        {"--ipmi-workarounds", "LIST", "FreeIPMI workarounds, as ipmipower(8) -W"},
        {"--console-log", "MODE", "always, attached or off"},
        kCheck,
        {"--no-bmc-password", nullptr, "store no password (the tenant types it per request)"},
        {"--no-switch-port", nullptr, "the BMC has no switch port any more"},
        {"--no-ipmi-workarounds", nullptr, "no FreeIPMI workarounds"}},
       {"jumpctl set web01 --bmc-user ADMIN --bmc-password-file new.pw --check"}},
      {"revoke", "revoke", 1, {"NAME"},
       "Removes what enroll made for BMC NAME (the user when they own no other BMC),\n"
       "and ends its console and every connection to it.",
       {},
       {"jumpctl revoke web01"}},
      {"list", "list", 0, {"[--status] [--json]"},
       "Lists the enrolled BMCs; --status asks each BMC its power state (64 at a time,\n"
       "so at most 8 s for each 64 that do not answer) and adds its console's state.",
       {{"--status", nullptr, "add each BMC's power, whether it answers, and its console"}, kJson},
       {"jumpctl list --status"}},
      {"show", "show", 1, {"NAME [--json]"},
       "Shows BMC NAME's enrollment, its owner's keys with their fingerprints, and the\n"
       "owner's BMCs.",
       {kJson},
       {"jumpctl show web01"}},
      {"key-add", "key add", 2, {"USER FILE"},
       "Adds the keys in FILE (bare keys, one per line, as in authorized_keys) to tenant USER.", {},
       {"jumpctl key add alice alice-laptop.pub"}},
      {"key-remove", "key remove", 2, {"USER FINGERPRINT"},
       "Removes tenant USER's key FINGERPRINT (as show lists it) and ends USER's sessions.", {},
       {"jumpctl key remove alice SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"}},
      {"client-config", "client-config", 1, {"NAME"},
       "Prints the tenant's ~/.ssh/config block and shell aliases for BMC NAME.", {},
       {"jumpctl client-config web01"}},
      {"switch-config", "switch-config", kAny, {"[--vendor procurve|aoscx|ios|junos|linux] [NAME]..."},
       "Prints the switch's configuration for the BMCs' VLANs (every BMC's, or NAME's)\n"
       "and for the ports of revoked BMCs.",
       {{"--vendor", "VENDOR", "procurve, aoscx, ios, junos or linux (default: switch_vendor)"}},
       {"jumpctl switch-config --vendor aoscx web01 db01"}},
      {"console", "console", 1, {"NAME [--read-only|--force|--deactivate]"},
       "Joins BMC NAME's console (audited): its recent output first, then live; the\n"
       "keyboard if nobody has it, else read-only. &. detaches, &? lists the escapes.\n"
       "--deactivate joins nothing: it ends the SOL session that holds the BMC's\n"
       "serial console, whoever holds it, and the console connects again if held.",
       {{"--read-only", nullptr, "join without the keyboard"},
        {"--force", nullptr, "take the keyboard, and a SOL session held outside the jumphost"},
        {"--deactivate", nullptr, "end the BMC's SOL session (stored password needed)"}},
       {"jumpctl console web01 --read-only", "jumpctl console web01 --deactivate"}},
      {"consoles", "consoles", 0, {"[--json]"},
       "Lists every console: its state, who is attached (with the keyboard or\n"
       "read-only, since when), bytes logged, the last error and reconnect.",
       {kJson},
       {"jumpctl consoles"}},
      {"console-log", "console-log", 1, {"NAME [--lines N]"},
       "Prints the last N lines of BMC NAME's console log.",
       {{"--lines", "N", "how many lines, 1-10000 (default 100)"}},
       {"jumpctl console-log web01 --lines 500"}},
      {"power", "power", kAny, {"ACTION (NAME...|--all|--owner USER) [--wait] [--fanout N] [--json]"},
       "Runs power ACTION (status, on, off, cycle, reset, soft, diag) on each BMC named,\n"
       "every BMC (--all) or every BMC of tenant USER, up to N at a time; one line per BMC.\n"
       "Exits 0 only when it succeeded on every one.",
       {{"--all", nullptr, "every enrolled BMC"},
        {"--owner", "USER", "every BMC of tenant USER"},
        {"--wait", nullptr, "answer once each chassis reports the state (at most 120 s)"},
        {"--fanout", "N", "sessions at a time, 1-64 (default 64)"},
        kJson},
       {"jumpctl power status --all", "jumpctl power cycle --wait web01 web02"}},
      {"check", "check", 1, {"NAME [--json]"},
       "Opens an IPMI session to BMC NAME with its stored credentials; prints its IPMI\n"
       "version, the cipher suites it offers and what BMC hardening guidance forbids.\n"
       "Exits 1 when the BMC refuses the credentials or does not answer.",
       {kJson},
       {"jumpctl check web01"}},
      {"doctor", "doctor", 0, {"[--json]"},
       "Compares the host with what the state says it must hold, and audits sshd's\n"
       "settings for every tenant; exits 1 when it finds a problem.",
       {kJson},
       {"jumpctl doctor"}},
  };
  return table;
}

const Spec* spec_typed(const std::string& words) {
  for (const Spec& s : specs())
    if (words == s.words) return &s;
  return nullptr;
}

const Spec* spec_of_verb(const std::string& verb) {
  for (const Spec& s : specs())
    if (verb == s.verb) return &s;
  return nullptr;
}

const Option* find_option(const Spec& spec, const std::string& name) {
  for (const Option& o : spec.options)
    if (name == o.name) return &o;
  return nullptr;
}

// Where an option's value goes (--key, which repeats, has its own list).
std::string* value_slot(Command& c, const std::string& option) {
  if (option == "--vlan") return &c.vlan;
  if (option == "--owner") return &c.owner;
  if (option == "--bmc-ip") return &c.bmc_ip;
  if (option == "--trunk") return &c.trunk;
  if (option == "--ports") return &c.ports;
  if (option == "--bmc-user") return &c.bmc_user;
  if (option == "--bmc-password-file") return &c.bmc_password_file;
  if (option == "--switch-port") return &c.switch_port;
  if (option == "--ipmi-privilege") return &c.ipmi_privilege;
  if (option == "--cipher-suite") return &c.cipher_suite;
  if (option == "--ipmi-workarounds") return &c.ipmi_workarounds;
  if (option == "--vendor") return &c.vendor;
  if (option == "--console-log") return &c.console_log;
  if (option == "--lines") return &c.lines;
  if (option == "--fanout") return &c.fanout;
  return nullptr;
}

bool is_help(const std::string& a) { return a == "--help" || a == "-h"; }

// The topic of "help WORDS": empty for the whole usage, the verb of the
// command WORDS names, or "key" for both key commands.
Result<std::string> help_topic(const std::vector<std::string>& words) {
  if (words.empty()) return std::string();
  if (words[0] == "key") {
    if (words.size() == 1) return std::string("key");
    if (words[1] != "add" && words[1] != "remove") return usage_error("'key' needs 'add' or 'remove'");
    if (words.size() == 2) return "key-" + words[1];
  } else if (!spec_typed(words[0])) {
    return usage_error("unknown command '" + quote_for_message(words[0]) + "'");
  } else if (words.size() == 1) {
    return words[0];
  }
  return usage_error("'help' takes one command");
}

std::string synopsis(const Spec& s, size_t indent) {
  std::string out;
  for (size_t i = 0; i < s.synopsis.size(); ++i)
    out += (i ? std::string(indent, ' ') : std::string()) + s.synopsis[i] + "\n";
  return out;
}

std::string help_of(const Spec& s) {
  const std::string lead = std::string("usage: jumpctl ") + s.words + " ";
  std::string out = lead + synopsis(s, lead.size()) + s.summary + "\noptions:\n";
  auto line = [&](const std::string& name, const char* help) {
    std::string left = "  " + name;
    left.resize(std::max<size_t>(left.size(), 27), ' ');
    out += left + " " + help + "\n";
  };
  for (const Option& o : s.options) line(std::string(o.name) + (o.value ? std::string(" ") + o.value : ""), o.help);
  line("-h, --help", "this text");
  out += "example:\n";
  for (const char* e : s.example) out += std::string("  ") + e + "\n";
  return out;
}

}  // namespace

std::string usage() {
  std::string out = "usage:\n";
  for (const Spec& s : specs()) {
    const std::string lead = std::string("  jumpctl ") + s.words + " ";
    out += lead + synopsis(s, lead.size());
  }
  out += "  jumpctl help [COMMAND]\n";
  out += "  jumpctl --version\n";
  out += "-H [USER@]HOST[:PORT] before a command runs it on that jumphost's daemon, over ssh as USER\n";
  out += "(its systemd-stdio-bridge; the same rights as there: root or jumphost-admin); not console (but\n";
  out += "console --deactivate).\n";
  out += "A command's options and an example: jumpctl COMMAND --help.\n";
  out += "Exit status: 0 done, 1 the operation failed, 2 bad usage. See jumpctl(8).\n";
  return out;
}

std::optional<std::string> command_help(const std::string& topic) {
  if (topic == "key") return help_of(*spec_of_verb("key-add")) + "\n" + help_of(*spec_of_verb("key-remove"));
  const Spec* s = spec_of_verb(topic);
  if (!s) return std::nullopt;
  return help_of(*s);
}

std::string usage_hint(const std::vector<std::string>& argv) {
  std::string topic;
  if (!argv.empty() && argv[0] == "key")
    topic = argv.size() > 1 && (argv[1] == "add" || argv[1] == "remove") ? "key " + argv[1] : "key";
  else if (!argv.empty() && spec_typed(argv[0]))
    topic = argv[0];
  return topic.empty() ? "try 'jumpctl --help'" : "try 'jumpctl " + topic + " --help'";
}

Status validate_remote_host(const std::string& host) {
  auto bad = [&](const std::string& why) {
    return usage_error("-H '" + quote_for_message(host) + "': " + why + " (want [USER@]HOST[:PORT])");
  };
  if (host.empty()) return bad("empty");
  std::string rest = host;
  if (size_t at = rest.find('@'); at != std::string::npos) {
    const std::string user = rest.substr(0, at);
    if (user.empty() || !(std::islower(static_cast<unsigned char>(user[0])) || user[0] == '_')) return bad("not a user name");
    for (char ch : user)
      if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '_' ||
            ch == '-' || ch == '.'))
        return bad("not a user name");
    rest = rest.substr(at + 1);
  }
  std::string port;
  if (!rest.empty() && rest[0] == '[') {  // [IPv6]:PORT
    size_t close = rest.find(']');
    if (close == std::string::npos) return bad("no ']'");
    std::string tail = rest.substr(close + 1);
    rest = rest.substr(1, close - 1);
    if (!tail.empty()) {
      if (tail[0] != ':') return bad("junk after ']'");
      port = tail.substr(1);
    }
    for (char ch : rest)
      if (!(std::isxdigit(static_cast<unsigned char>(ch)) || ch == ':' || ch == '.')) return bad("not an IPv6 address");
  } else {
    if (size_t colon = rest.find(':'); colon != std::string::npos) {
      port = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    for (char ch : rest)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-')) return bad("not a host name");
  }
  if (rest.empty() || rest[0] == '-') return bad("not a host name");
  if (!port.empty()) {
    unsigned long p = 0;
    if (!parse_uint(port, 1, 65535, &p)) return bad("not a port in 1-65535");
  }
  return ok_status();
}

Result<Command> parse_command_line(const std::vector<std::string>& argv) {
  Command c;
  if (argv.empty()) return usage_error("no command given");
  size_t i = 0;
  // -H HOST, --host HOST or --host=HOST: before the command, as systemctl's.
  if (argv[0] == "-H" || argv[0] == "--host" || starts_with(argv[0], "--host=")) {
    if (argv[0] == "-H" || argv[0] == "--host") {
      if (argv.size() < 2) return usage_error(argv[0] + " needs [USER@]HOST");
      c.host = argv[1];
      i = 2;
    } else {
      c.host = argv[0].substr(7);
      i = 1;
    }
    IJ_TRY(validate_remote_host(c.host));
    if (i >= argv.size()) return usage_error("no command given");
  }
  const std::string first = argv[i++];
  if (first == "help" || is_help(first)) {
    c.verb = "help";
    auto topic = help_topic(std::vector<std::string>(argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end()));
    if (!topic) return topic.error();
    c.help_topic = *topic;
    return c;
  }
  if (first == "--version") {
    if (argv.size() > i) return usage_error("--version takes no argument");
    c.verb = "version";
    return c;
  }
  std::string words = first;
  if (first == "key") {
    if (i < argv.size() && is_help(argv[i])) {
      c.verb = "help";
      c.help_topic = "key";
      return c;
    }
    if (i >= argv.size() || (argv[i] != "add" && argv[i] != "remove"))
      return usage_error("'key' needs 'add' or 'remove'");
    words += " " + argv[i++];
  }
  const Spec* spec = spec_typed(words);
  if (!spec) return usage_error("unknown command '" + quote_for_message(first) + "'");
  c.verb = spec->verb;
  // Asking for help wins over any mistake on the rest of the line.
  for (size_t j = i; j < argv.size() && argv[j] != "--"; ++j) {
    if (is_help(argv[j])) {
      c.verb = "help";
      c.help_topic = spec->verb;
      return c;
    }
  }

  bool only_positional = false;
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional || a.empty() || a[0] != '-' || a == "-") {
      c.args.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name = a, value;
    const size_t eq = a.find('=');
    if (eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    }
    const Option* option = find_option(*spec, name);
    if (!option)
      return usage_error("'" + std::string(spec->words) + "' has no option '" + quote_for_message(name) + "'");
    if (!option->value) {
      if (eq != std::string::npos) return usage_error("option " + name + " takes no value");
      if (name == "--json") {
        c.json = true;
      } else if (name == "--check") {
        c.check = true;
      } else if (name == "--status") {
        c.status = true;
      } else if (name == "--all") {
        c.all = true;
      } else if (name == "--wait") {
        c.wait = true;
      } else if (name == "--no-bmc-password" || name == "--no-switch-port" || name == "--no-ipmi-workarounds") {
        c.clear.push_back(name.substr(5));  // bmc-password, switch-port, ipmi-workarounds
      } else {  // --read-only, --force, --deactivate
        if (!c.console_mode.empty()) return usage_error("--read-only, --force and --deactivate exclude each other");
        c.console_mode = name.substr(2);
      }
      continue;
    }
    if (eq == std::string::npos) {
      if (i + 1 >= argv.size()) return usage_error("option " + name + " needs a value");
      value = argv[++i];
    }
    if (name == "--key") {
      if (value.empty()) return usage_error("option --key has an empty value");
      c.key_files.push_back(value);
      continue;
    }
    std::string* slot = value_slot(c, name);
    if (!slot) return usage_error("option " + name + " has no place in the command (a bug in jumpctl)");
    if (!slot->empty()) return usage_error("option " + name + " is given twice");
    if (value.empty()) return usage_error("option " + name + " has an empty value");
    *slot = value;
  }
  if (spec->positional != kAny && c.args.size() != spec->positional)
    return usage_error("'" + std::string(spec->words) + "' takes " + std::to_string(spec->positional) +
                       " argument(s), got " + std::to_string(c.args.size()));
  if (c.verb == "set") {
    auto both = [&](const char* what, bool given) -> Status {
      if (given && std::find(c.clear.begin(), c.clear.end(), what) != c.clear.end())
        return usage_error(std::string("--") + what + " and --no-" + what + " exclude each other");
      return ok_status();
    };
    IJ_TRY(both("bmc-password", !c.bmc_password_file.empty()));
    IJ_TRY(both("switch-port", !c.switch_port.empty()));
    IJ_TRY(both("ipmi-workarounds", !c.ipmi_workarounds.empty()));
  }
  if (c.verb == "power") {
    if (c.args.empty()) return usage_error("power needs an ACTION");
    const size_t names = c.args.size() - 1;
    if ((names > 0) + c.all + !c.owner.empty() != 1)
      return usage_error("power needs the BMCs: NAME..., --all or --owner USER (one of them)");
  }
  if (c.verb == "enroll") {
    if (c.vlan.empty()) return usage_error("enroll needs --vlan VID");
    if (!c.bmc_password_file.empty() && c.bmc_user.empty()) return usage_error("--bmc-password-file needs --bmc-user");
  }
  return c;
}

}  // namespace ij::cli
