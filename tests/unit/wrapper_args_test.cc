#include "cli/wrapper/args.h"

#include <gtest/gtest.h>

namespace ij::wrapper {
namespace {

using Verb = TenantCommand::Verb;

TenantCommand ok(std::string_view text) {
  auto c = parse_tenant_command(text);
  EXPECT_TRUE(c.ok()) << text;
  return c.ok() ? *c : TenantCommand{};
}

TEST(WrapperArgs, Grammar) {
  EXPECT_EQ(ok("").verb, Verb::help);
  EXPECT_EQ(ok("help").verb, Verb::help);
  EXPECT_EQ(ok("list").verb, Verb::list);
  TenantCommand p = ok("power");
  EXPECT_EQ(p.verb, Verb::power);
  EXPECT_EQ(p.action, PowerAction::status);
  EXPECT_EQ(p.bmc, "");
  p = ok("power  on\tweb01");
  EXPECT_EQ(p.action, PowerAction::on);
  EXPECT_EQ(p.bmc, "web01");
  p = ok("power web01");
  EXPECT_EQ(p.action, PowerAction::status);
  EXPECT_EQ(p.bmc, "web01");
  // jumpctl client-config's alias: "web01-power on" sends "power web01 on".
  p = ok("power web01 on");
  EXPECT_EQ(p.action, PowerAction::on);
  EXPECT_EQ(p.bmc, "web01");
  for (const char* a : {"status", "on", "off", "cycle", "reset", "soft"}) EXPECT_STREQ(power_action_name(ok(std::string("power ") + a).action), a);
  TenantCommand c = ok("console db-2");
  EXPECT_EQ(c.verb, Verb::console);
  EXPECT_EQ(c.bmc, "db-2");
  EXPECT_EQ(ok("console").bmc, "");
  EXPECT_EQ(ok("console").console_mode, "");
  c = ok("console web01 --read-only");
  EXPECT_EQ(c.bmc, "web01");
  EXPECT_EQ(c.console_mode, "read-only");
  EXPECT_EQ(ok("console --force").console_mode, "force");
  EXPECT_EQ(ok("console --force web01").bmc, "web01");
  TenantCommand l = ok("log");
  EXPECT_EQ(l.verb, Verb::log);
  EXPECT_EQ(l.lines, kDefaultLogLines);
  l = ok("log web01 --lines 500");
  EXPECT_EQ(l.bmc, "web01");
  EXPECT_EQ(l.lines, 500u);
  EXPECT_EQ(ok("log --lines 10000").lines, 10000u);
}

TEST(WrapperArgs, BmcOperations) {
  TenantCommand p = ok("power on --wait web01");
  EXPECT_EQ(p.action, PowerAction::on);
  EXPECT_TRUE(p.wait);
  EXPECT_EQ(p.bmc, "web01");
  p = ok("power --json");
  EXPECT_TRUE(p.json);
  EXPECT_EQ(p.action, PowerAction::status);
  EXPECT_EQ(ok("power diag").action, PowerAction::diag);
  EXPECT_EQ(ok("power web01 cycle --wait").action, PowerAction::cycle);

  TenantCommand b = ok("bootdev");
  EXPECT_EQ(b.verb, Verb::bootdev);
  EXPECT_FALSE(b.boot.has_value());
  b = ok("bootdev pxe web01");
  ASSERT_TRUE(b.boot.has_value());
  EXPECT_EQ(b.boot->device, BootDevice::pxe);
  EXPECT_FALSE(b.boot->persistent);
  EXPECT_EQ(b.bmc, "web01");
  b = ok("bootdev disk --persistent --efi --json");
  EXPECT_TRUE(b.boot->persistent);
  EXPECT_TRUE(b.boot->efi);
  EXPECT_TRUE(b.json);
  EXPECT_FALSE(ok("bootdev cdrom --once").boot->persistent);
  EXPECT_EQ(ok("bootdev web01").bmc, "web01");

  TenantCommand i = ok("identify");
  EXPECT_EQ(i.verb, Verb::identify);
  EXPECT_EQ(i.identify.seconds, 15u);
  EXPECT_FALSE(i.identify.forever);
  EXPECT_TRUE(ok("identify on web01").identify.forever);
  i = ok("identify off");
  EXPECT_FALSE(i.identify.forever);
  EXPECT_EQ(i.identify.seconds, 0u);
  EXPECT_EQ(ok("identify 255").identify.seconds, 255u);
  i = ok("identify 15 42");  // a BMC named 42
  EXPECT_EQ(i.bmc, "42");
  EXPECT_EQ(ok("identify web01").bmc, "web01");

  EXPECT_FALSE(ok("sel").sel_clear);
  EXPECT_FALSE(ok("sel list web01").sel_clear);
  TenantCommand c = ok("sel clear web01");
  EXPECT_TRUE(c.sel_clear);
  EXPECT_EQ(c.bmc, "web01");
  EXPECT_EQ(ok("sel web01 --json").bmc, "web01");
  EXPECT_EQ(ok("sensors web01").verb, Verb::sensors);
  EXPECT_TRUE(ok("sensors --json").json);
  EXPECT_TRUE(ok("list --json").json);
}

TEST(WrapperArgs, RefusesEverythingElse) {
  for (std::string_view bad : std::initializer_list<std::string_view>
       {"power status; id", "power $(id)", "power `id`", "power status | sh", "power status && id", "-h other",
        "power -h other", "power status web01 extra", "POWER", "bash", "sh -c id", "internal-sftp",
        "/usr/lib/openssh/sftp-server", "scp -t /tmp", "power status ../etc", "power status web*", "list all",
        "help me", "console a b", "power on on on", "power status -web", "power status web01\n", "power\x01",
        "power status web01\r", std::string_view("power\0status", 12), "power status Web01", "power status web01 ", "power off -",
        "power web01 web02", "power web01 on off", "power web01 ON", "power web01 -x",
        "console --force --read-only", "console --force --force", "console web01 --shared", "console web01 db01",
        "log --lines", "log --lines 0", "log --lines 10001", "log --lines -5", "log --lines 5 --lines 6",
        "log web01 db01", "log --tail", "log web01 --lines 99999999999999999999",
        // the BMC operations: options of another verb, twice, or without what they qualify
        "power --wait --wait", "power on --lines 5", "console --json", "log --json", "help --json",
        "bootdev --persistent", "bootdev --efi web01", "bootdev pxe --once --persistent",
        "bootdev pxe web01 extra", "identify 0", "identify 256", "identify 15 web01 x",
        "identify --wait", "sel clear web01 db01", "sel --wait", "sensors web01 db01",
        "sensors --all", "list --status", "power on --json --json"}) {
    auto r = parse_tenant_command(bad);
    if (bad == "power status web01 ") {  // trailing whitespace is only whitespace
      EXPECT_TRUE(r.ok());
      continue;
    }
    ASSERT_FALSE(r.ok()) << "accepted: " << bad;
    EXPECT_EQ(r.error().message, kRefusal);
  }
  EXPECT_FALSE(parse_tenant_command(std::string(kMaxCommandLength + 1, 'a')).ok());
  EXPECT_FALSE(parse_tenant_command("power status " + std::string(40, 'a')).ok());  // longer than a BMC name
}

TEST(WrapperArgs, CommandTextFromHowSshdRanUs) {
  // Forced command: what the tenant typed is in SSH_ORIGINAL_COMMAND.
  EXPECT_EQ(command_text({"ipmi-wrapper", "-c", "/usr/bin/ipmi-wrapper"}, "power on"), "power on");
  // Login without a command: the forced command is our own path.
  EXPECT_EQ(command_text({"ipmi-wrapper", "-c", "/usr/bin/ipmi-wrapper"}, nullptr), "");
  EXPECT_EQ(command_text({"-ipmi-wrapper"}, nullptr), "");
  // As a login shell run by something else ("su - alice -c 'power'").
  EXPECT_EQ(command_text({"ipmi-wrapper", "-c", "power status"}, nullptr), "power status");
  EXPECT_EQ(command_text({"ipmi-wrapper", "-x", "power"}, nullptr), std::nullopt);
  EXPECT_EQ(command_text({"ipmi-wrapper", "-c"}, nullptr), std::nullopt);
  EXPECT_EQ(command_text({"ipmi-wrapper", "-c", "a", "b"}, nullptr), std::nullopt);
}

}  // namespace
}  // namespace ij::wrapper
