#include "cli/jumpctl/args.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/base/strings.h"

namespace ij::cli {
namespace {

Result<Command> parse(std::vector<std::string> argv) { return parse_command_line(argv); }

TEST(JumpctlArgs, Enroll) {
  auto c = parse({"enroll", "web01", "--vlan", "101", "--owner=alice", "--key", "a.pub", "--key", "b.pub",
                  "--bmc-ip", "10.0.0.2/24", "--ports", "22,443", "--bmc-user", "ADMIN", "--bmc-password-file",
                  "pw", "--switch-port", "sw1/0/7"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->verb, "enroll");
  EXPECT_EQ(c->args, std::vector<std::string>{"web01"});
  EXPECT_EQ(c->vlan, "101");
  EXPECT_EQ(c->owner, "alice");
  EXPECT_EQ(c->key_files, (std::vector<std::string>{"a.pub", "b.pub"}));
  EXPECT_EQ(c->bmc_ip, "10.0.0.2/24");
  EXPECT_EQ(c->ports, "22,443");
  EXPECT_EQ(c->bmc_user, "ADMIN");
  EXPECT_EQ(c->bmc_password_file, "pw");
  EXPECT_EQ(c->switch_port, "sw1/0/7");
}

// -H: another jumphost's daemon over ssh; the host goes to ssh as one
// argument, so nothing in it may read as an option.
TEST(JumpctlArgs, RemoteHost) {
  auto c = parse({"-H", "ops@jump2.example.org", "list", "--json"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->host, "ops@jump2.example.org");
  EXPECT_EQ(c->verb, "list");
  EXPECT_TRUE(c->json);
  EXPECT_EQ(parse({"--host=10.0.0.5:2222", "doctor"})->host, "10.0.0.5:2222");
  EXPECT_EQ(parse({"--host", "[fe80::1]:22", "show", "web01"})->host, "[fe80::1]:22");
  EXPECT_EQ(parse({"-H", "jump2", "help"})->verb, "help");
  EXPECT_EQ(parse({"list"})->host, "");
  for (const char* bad : {"-oProxyCommand=sh", "ops@-x", "", "a b", "ops@host:0", "ops@host:99999", "Ops@host",
                          "[fe80::1", "host;rm", "@host"}) {
    auto r = parse({"-H", bad, "list"});
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_FALSE(parse({"-H"}).ok());
  EXPECT_FALSE(parse({"-H", "jump2"}).ok());
  // Only before the command, as systemctl's.
  EXPECT_FALSE(parse({"list", "-H", "jump2"}).ok());
}

TEST(JumpctlArgs, OtherVerbs) {
  EXPECT_EQ(parse({"key", "add", "alice", "k.pub"})->verb, "key-add");
  EXPECT_EQ(parse({"key", "remove", "alice", "SHA256:x"})->args, (std::vector<std::string>{"alice", "SHA256:x"}));
  EXPECT_TRUE(parse({"list", "--json"})->json);
  EXPECT_TRUE(parse({"show", "web01", "--json"})->json);
  EXPECT_EQ(parse({"client-config", "web01"})->verb, "client-config");
  auto sw = parse({"switch-config", "--vendor", "junos", "web01", "db01"});
  ASSERT_TRUE(sw.ok()) << sw.error().message;
  EXPECT_EQ(sw->vendor, "junos");
  EXPECT_EQ(sw->args, (std::vector<std::string>{"web01", "db01"}));
  EXPECT_TRUE(parse({"switch-config"})->args.empty());
  EXPECT_EQ(parse({"switch-config", "--vendor=ios"})->vendor, "ios");
  EXPECT_EQ(parse({"switch-config", "--vendor"}).error().message, "option --vendor needs a value");
  EXPECT_EQ(parse({"--help"})->verb, "help");
  EXPECT_EQ(parse({"console", "web01", "--deactivate"})->console_mode, "deactivate");
  EXPECT_EQ(parse({"console", "--force", "web01"})->console_mode, "force");
  EXPECT_EQ(parse({"console", "web01", "--deactivate", "--force"}).error().message,
            "--read-only, --force and --deactivate exclude each other");
  // A name that starts with '-' after "--".
  EXPECT_EQ(parse({"revoke", "--", "-x"})->args, std::vector<std::string>{"-x"});
}

TEST(JumpctlArgs, UsageErrors) {
  EXPECT_EQ(parse({}).error().message, "no command given");
  EXPECT_EQ(parse({"frob"}).error().message, "unknown command 'frob'");
  EXPECT_EQ(parse({"key", "list"}).error().message, "'key' needs 'add' or 'remove'");
  EXPECT_EQ(parse({"enroll", "web01"}).error().message, "enroll needs --vlan VID");
  EXPECT_EQ(parse({"enroll", "web01", "--vlan"}).error().message, "option --vlan needs a value");
  EXPECT_EQ(parse({"enroll", "web01", "--vlan", "1", "--vlan", "2"}).error().message, "option --vlan is given twice");
  EXPECT_EQ(parse({"enroll", "--vlan", "1"}).error().message, "'enroll' takes 1 argument(s), got 0");
  EXPECT_EQ(parse({"enroll", "web01", "--vlan", "1", "--bmc-password-file", "pw"}).error().message,
            "--bmc-password-file needs --bmc-user");
  EXPECT_EQ(parse({"revoke", "web01", "--vlan", "1"}).error().message, "'revoke' has no option '--vlan'");
  EXPECT_EQ(parse({"revoke", "web01", "--json"}).error().message, "'revoke' has no option '--json'");
  EXPECT_EQ(parse({"list", "extra"}).error().message, "'list' takes 0 argument(s), got 1");
  EXPECT_EQ(parse({"key", "add", "alice"}).error().message, "'key add' takes 2 argument(s), got 1");
  EXPECT_EQ(parse({"list", "--json=yes"}).error().message, "option --json takes no value");
  EXPECT_EQ(parse({"enroll", "web01", "--vlan", "1", "--key="}).error().message, "option --key has an empty value");
  EXPECT_EQ(parse({"enroll", "web01", "--vlan", "1", "--vendor", "ios"}).error().message,
            "'enroll' has no option '--vendor'");
  EXPECT_EQ(parse({"switch-config", "--vendor", "ios", "--vendor=junos"}).error().message,
            "option --vendor is given twice");
  EXPECT_EQ(parse({"key-add", "alice", "k.pub"}).error().message, "unknown command 'key-add'");
  EXPECT_EQ(parse({"--version", "x"}).error().message, "--version takes no argument");
  EXPECT_EQ(parse({"help", "frob"}).error().message, "unknown command 'frob'");
  EXPECT_EQ(parse({"help", "key", "list"}).error().message, "'key' needs 'add' or 'remove'");
  EXPECT_EQ(parse({"help", "show", "web01"}).error().message, "'help' takes one command");
}

TEST(JumpctlArgs, HelpAndVersion) {
  auto help_of = [](std::vector<std::string> argv) {
    auto c = parse(std::move(argv));
    EXPECT_TRUE(c.ok()) << c.error().message;
    if (!c.ok()) return std::string("(error)");
    EXPECT_EQ(c->verb, "help");
    return c->help_topic;
  };
  EXPECT_EQ(help_of({"help"}), "");
  EXPECT_EQ(help_of({"--help"}), "");
  EXPECT_EQ(help_of({"-h"}), "");
  EXPECT_EQ(help_of({"help", "enroll"}), "enroll");
  EXPECT_EQ(help_of({"--help", "switch-config"}), "switch-config");
  EXPECT_EQ(help_of({"help", "key"}), "key");
  EXPECT_EQ(help_of({"help", "key", "remove"}), "key-remove");
  EXPECT_EQ(help_of({"key", "--help"}), "key");
  EXPECT_EQ(help_of({"key", "add", "-h"}), "key-add");
  // Help wins over whatever else is wrong on the line.
  EXPECT_EQ(help_of({"enroll", "--help"}), "enroll");
  EXPECT_EQ(help_of({"enroll", "web01", "--vlan", "--frob", "--help"}), "enroll");
  EXPECT_EQ(help_of({"list", "extra", "-h"}), "list");
  // ... but not after "--", where it is a name.
  EXPECT_EQ(parse({"revoke", "--", "--help"})->args, std::vector<std::string>{"--help"});
  EXPECT_EQ(parse({"--version"})->verb, "version");
}

TEST(JumpctlArgs, UsageHint) {
  EXPECT_EQ(usage_hint({}), "try 'jumpctl --help'");
  EXPECT_EQ(usage_hint({"frob"}), "try 'jumpctl --help'");
  EXPECT_EQ(usage_hint({"--frob"}), "try 'jumpctl --help'");
  EXPECT_EQ(usage_hint({"help", "frob"}), "try 'jumpctl --help'");
  EXPECT_EQ(usage_hint({"enroll", "web01"}), "try 'jumpctl enroll --help'");
  EXPECT_EQ(usage_hint({"switch-config", "--vendor"}), "try 'jumpctl switch-config --help'");
  EXPECT_EQ(usage_hint({"key"}), "try 'jumpctl key --help'");
  EXPECT_EQ(usage_hint({"key", "list"}), "try 'jumpctl key --help'");
  EXPECT_EQ(usage_hint({"key", "remove", "alice"}), "try 'jumpctl key remove --help'");
}

TEST(JumpctlArgs, CommandHelp) {
  const std::string enroll = command_help("enroll").value_or("");
  EXPECT_EQ(enroll.substr(0, enroll.find('\n')),
            "usage: jumpctl enroll NAME --vlan VID [--trunk IFNAME] [--owner USER] [--bmc-ip ADDR/PREFIX] [--key FILE]...");
  EXPECT_NE(enroll.find("\n                      [--ports 22,80,443,5900]"), std::string::npos) << enroll;
  EXPECT_NE(enroll.find("\n  --vlan VID                the BMC's 802.1Q VLAN ID, 1-4094 (required), unique (see vlan_scope)\n"),
            std::string::npos)
      << enroll;
  EXPECT_NE(enroll.find("\n  -h, --help                this text\n"), std::string::npos) << enroll;
  EXPECT_NE(enroll.find("\nexample:\n  jumpctl enroll web01 --vlan 101"), std::string::npos) << enroll;
  const std::string key = command_help("key").value_or("");
  EXPECT_NE(key.find("usage: jumpctl key add USER FILE\n"), std::string::npos) << key;
  EXPECT_NE(key.find("usage: jumpctl key remove USER FINGERPRINT\n"), std::string::npos) << key;
  EXPECT_FALSE(command_help("frob").has_value());
  EXPECT_FALSE(command_help("").has_value());
}

// Every option the help shows is one the parser takes, for its command and
// no other, and every command the usage lists has a help of its own.
TEST(JumpctlArgs, HelpAndParserAgree) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> commands = {
      {"enroll", {"enroll", "web01", "--vlan", "101", "--bmc-user", "u"}},
      {"revoke", {"revoke", "web01"}},
      {"list", {"list"}},                                 {"show", {"show", "web01"}},
      {"key-add", {"key", "add", "alice", "k.pub"}},      {"key-remove", {"key", "remove", "alice", "SHA256:x"}},
      {"client-config", {"client-config", "web01"}},      {"switch-config", {"switch-config"}},
      {"doctor", {"doctor"}},
      {"console", {"console", "web01"}},                  {"consoles", {"consoles"}},
      {"console-log", {"console-log", "web01"}},
      {"set", {"set", "web01"}},                          {"power", {"power", "status", "web01"}},
      {"check", {"check", "web01"}},
  };
  const std::string all = usage();
  size_t options_seen = 0;
  for (const auto& [verb, minimal] : commands) {
    ASSERT_TRUE(parse(minimal).ok()) << verb << ": " << parse(minimal).error().message;
    const std::string help = command_help(verb).value_or("");
    ASSERT_FALSE(help.empty()) << verb;
    // The usage lists the same synopsis the command's help starts with.
    const std::string first = help.substr(0, help.find('\n'));
    EXPECT_NE(all.find("  jumpctl" + first.substr(std::string("usage: jumpctl").size())), std::string::npos)
        << first;
    size_t at = help.find("\noptions:\n");
    ASSERT_NE(at, std::string::npos) << help;
    for (const std::string& line : split_lines(help.substr(at + 10))) {
      if (line == "example:") break;
      if (starts_with(line, "  -h, --help")) continue;
      const std::vector<std::string> words = split_ws(line);
      ASSERT_GE(words.size(), 2u) << line;
      const std::string& option = words[0];
      ++options_seen;
      std::vector<std::string> argv = minimal;
      // Already on the command line that parses (--vlan, which enroll needs).
      if (std::find(argv.begin(), argv.end(), option) != argv.end()) continue;
      // power's --all and --owner stand instead of the names.
      if (verb == "power" && (option == "--all" || option == "--owner")) argv = {"power", "status"};
      // A value is named in capitals in the help (VID, FILE); a flag has none.
      const bool flag = !(words[1][0] >= 'A' && words[1][0] <= 'Z');
      argv.push_back(flag ? option : option + "=v");
      auto c = parse(argv);
      EXPECT_TRUE(c.ok()) << verb << " " << option << ": " << c.error().message;
      for (const auto& [other, other_minimal] : commands) {
        if (command_help(other).value_or("").find("\n  " + option + " ") != std::string::npos) continue;
        std::vector<std::string> wrong = other_minimal;
        wrong.push_back(option);
        EXPECT_FALSE(parse(wrong).ok()) << other << " takes " << option << " but its help does not show it";
      }
    }
  }
  EXPECT_EQ(options_seen, 43u);
}

TEST(JumpctlArgs, PowerNeedsItsBmcsOneWay) {
  auto c = parse({"power", "cycle", "--wait", "--fanout", "8", "web01", "web02"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->args, (std::vector<std::string>{"cycle", "web01", "web02"}));
  EXPECT_TRUE(c->wait);
  EXPECT_EQ(c->fanout, "8");
  EXPECT_TRUE(parse({"power", "status", "--all"}).ok());
  EXPECT_TRUE(parse({"power", "status", "--owner", "alice"}).ok());
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"power"}, {"power", "status"}, {"power", "status", "--all", "web01"},
           {"power", "status", "--all", "--owner", "alice"}, {"power", "status", "--owner", "alice", "web01"}}) {
    auto r = parse(bad);
    ASSERT_FALSE(r.ok()) << join(bad, " ");
  }
  EXPECT_EQ(parse({"power", "on"}).error().message, "power needs the BMCs: NAME..., --all or --owner USER (one of them)");
}

TEST(JumpctlArgs, SetClearsWhatItIsToldTo) {
  auto c = parse({"set", "web01", "--no-bmc-password", "--no-switch-port"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->clear, (std::vector<std::string>{"bmc-password", "switch-port"}));
  EXPECT_EQ(parse({"set", "web01", "--no-switch-port", "--switch-port", "7"}).error().message,
            "--switch-port and --no-switch-port exclude each other");
  EXPECT_FALSE(parse({"enroll", "web01", "--vlan", "1", "--no-switch-port"}).ok());
}

TEST(JumpctlArgs, EveryEnrollOptionLandsInItsField) {
  auto c = parse({"enroll", "web01", "--vlan=101", "--owner", "alice", "--bmc-ip", "10.0.0.2/24", "--key", "a.pub",
                  "--ports", "22", "--bmc-user", "ADMIN", "--bmc-password-file", "pw", "--switch-port", "7",
                  "--ipmi-privilege", "operator", "--cipher-suite", "17", "--ipmi-workarounds", "authcap,sun20"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->vlan, "101");
  EXPECT_EQ(c->ipmi_privilege, "operator");
  EXPECT_EQ(c->cipher_suite, "17");
  EXPECT_EQ(c->ipmi_workarounds, "authcap,sun20");
  EXPECT_EQ(c->switch_port, "7");
  EXPECT_TRUE(c->vendor.empty());
}

}  // namespace
}  // namespace ij::cli
