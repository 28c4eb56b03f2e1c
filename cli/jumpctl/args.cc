#include "cli/jumpctl/args.h"

#include <map>

#include "common/base/strings.h"

namespace ij::cli {

const char* const kUsage =
    "usage:\n"
    "  jumpctl enroll NAME --vlan VID [--owner USER] [--bmc-ip ADDR/PREFIX] [--key FILE]...\n"
    "                 [--ports 22,80,443,5900] [--bmc-user USER --bmc-password-file FILE]\n"
    "                 [--switch-port LABEL] [--ipmi-privilege user|operator|admin]\n"
    "                 [--cipher-suite ID] [--ipmi-workarounds W1,W2,...]\n"
    "  jumpctl revoke NAME\n"
    "  jumpctl list [--json]\n"
    "  jumpctl show NAME [--json]\n"
    "  jumpctl key add USER FILE\n"
    "  jumpctl key remove USER FINGERPRINT\n"
    "  jumpctl client-config NAME\n"
    "  jumpctl switch-config [--vendor procurve|aoscx|ios|junos|linux] [NAME]...\n"
    "  jumpctl doctor [--json]\n";

namespace {

Error usage(const std::string& m) { return make_error(Errc::invalid_argument, m); }

constexpr size_t kAny = static_cast<size_t>(-1);

struct Shape {
  size_t positional;  // kAny: any number
  bool json_ok;
  bool enroll_flags;
};

const std::map<std::string, Shape>& shapes() {
  static const std::map<std::string, Shape> table = {
      {"enroll", {1, false, true}},     {"revoke", {1, false, false}},    {"list", {0, true, false}},
      {"show", {1, true, false}},       {"key-add", {2, false, false}},   {"key-remove", {2, false, false}},
      {"client-config", {1, false, false}}, {"switch-config", {kAny, false, false}},
      {"doctor", {0, true, false}},
  };
  return table;
}

}  // namespace

Result<Command> parse_command_line(const std::vector<std::string>& argv) {
  Command c;
  if (argv.empty()) return usage("no command given");
  size_t i = 0;
  c.verb = argv[i++];
  if (c.verb == "help" || c.verb == "--help" || c.verb == "-h") {
    c.verb = "help";
    return c;
  }
  if (c.verb == "key") {
    if (i >= argv.size() || (argv[i] != "add" && argv[i] != "remove"))
      return usage("'key' needs 'add' or 'remove'");
    c.verb = "key-" + argv[i++];
  }
  auto shape = shapes().find(c.verb);
  if (shape == shapes().end()) return usage("unknown command '" + c.verb + "'");

  std::map<std::string, std::string*> enroll_flags = {
      {"--vlan", &c.vlan},         {"--owner", &c.owner},         {"--bmc-ip", &c.bmc_ip},
      {"--ports", &c.ports},       {"--bmc-user", &c.bmc_user},   {"--bmc-password-file", &c.bmc_password_file},
      {"--switch-port", &c.switch_port}, {"--ipmi-privilege", &c.ipmi_privilege},
      {"--cipher-suite", &c.cipher_suite}, {"--ipmi-workarounds", &c.ipmi_workarounds},
  };
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
    if (a == "--json" && shape->second.json_ok) {
      c.json = true;
      continue;
    }
    if (c.verb == "switch-config" && (a == "--vendor" || starts_with(a, "--vendor="))) {
      if (!c.vendor.empty()) return usage("option --vendor is given twice");
      if (a == "--vendor") {
        if (i + 1 >= argv.size()) return usage("option --vendor needs a value");
        c.vendor = argv[++i];
      } else {
        c.vendor = a.substr(9);
      }
      if (c.vendor.empty()) return usage("option --vendor has an empty value");
      continue;
    }
    std::string flag = a, value;
    bool inline_value = false;
    if (size_t eq = a.find('='); eq != std::string::npos) {
      flag = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    if (!shape->second.enroll_flags || (flag != "--key" && !enroll_flags.count(flag)))
      return usage("'" + c.verb + "' has no option '" + flag + "'");
    if (!inline_value) {
      if (i + 1 >= argv.size()) return usage("option " + flag + " needs a value");
      value = argv[++i];
    }
    if (flag == "--key") {
      c.key_files.push_back(value);
    } else {
      if (!enroll_flags[flag]->empty()) return usage("option " + flag + " is given twice");
      if (value.empty()) return usage("option " + flag + " has an empty value");
      *enroll_flags[flag] = value;
    }
  }
  if (shape->second.positional != kAny && c.args.size() != shape->second.positional)
    return usage("'" + c.verb + "' takes " + std::to_string(shape->second.positional) + " argument(s), got " +
                 std::to_string(c.args.size()));
  if (c.verb == "enroll") {
    if (c.vlan.empty()) return usage("enroll needs --vlan VID");
    if (!c.bmc_password_file.empty() && c.bmc_user.empty())
      return usage("--bmc-password-file needs --bmc-user");
  }
  return c;
}

}  // namespace ij::cli
