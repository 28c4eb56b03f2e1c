#include "cli/jumpctl/args.h"

#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace ij::cli
