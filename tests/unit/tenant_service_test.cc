#include "daemon/core/tenant_service.h"

#include <gtest/gtest.h>

#include <map>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

#include "common/base/log.h"
#include "daemon/core/admin.h"
#include "daemon/core/power_job.h"
#include "tests/fakes/fake_bmc.h"
#include "tests/fakes/fake_host.h"
#include "tests/fakes/test_jumphost.h"

namespace ij {
namespace {

// Every line logged while it lives.
class LogCapture {
 public:
  LogCapture() {
    previous_ = log::set_sink([this](log::Level, const std::string& line, const log::Fields& f) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back(line);
      fields_[line] = f;
    });
  }
  ~LogCapture() { log::set_sink(previous_); }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  bool has(const std::string& line) {
    for (const std::string& l : lines())
      if (l == line) return true;
    return false;
  }

  // The journal's fields of `line`, as "OPERATION BMC TENANT CALLER RESULT".
  std::string fields(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    const log::Fields& f = fields_[line];
    return f.operation + " " + f.bmc + " " + f.tenant + " " + f.caller + " " + f.result;
  }

 private:
  log::Sink previous_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
  std::map<std::string, log::Fields> fields_;
};

class TenantServiceTest : public ::testing::Test {
 protected:
  TenantServiceTest() : jh(testing::test_config(), State{}, host.host()) {
    EXPECT_EQ(jh.reconcile(), 0);
    for (auto [name, vlan, owner, pw] : {std::tuple{"web01", 101, "alice", "secret-web01"},
                                         std::tuple{"web02", 102, "alice", ""},
                                         std::tuple{"db01", 103, "bob", "secret-db01"}}) {
      EnrollRequest r;
      r.name = name;
      r.vlan = vlan;
      r.owner = owner;
      r.bmc_user = "ADMIN";
      r.bmc_password = pw;
      EXPECT_TRUE(jh.enroll(r, "root").ok());
    }
    // Consoles connect when attached (the console server's test has `always`).
    jh.world.config.console_log = ConsoleLogMode::attached;
    service.sync_consoles();
  }
  ~TenantServiceTest() override {
    // No password ever reaches a log line.
    for (const std::string& line : log.lines())
      for (const char* secret : {"secret-web01", "secret-db01", "typed-pw"})
        EXPECT_EQ(line.find(secret), std::string::npos) << line;
  }

  // Runs a power request to completion; its answer.
  Result<std::string> power(const std::string& tenant, const std::string& bmc, const std::string& action,
                            const std::string& password = "", bool wait = false) {
    std::optional<Result<bus::PowerView>> answer;
    service.power(tenant, bmc, action, wait, password, [&](Result<bus::PowerView> r) { answer = std::move(r); });
    executor.run_all();
    if (!answer) return make_error(Errc::failed, "no answer");
    if (!*answer) return answer->error();
    return bus::power_summary(**answer);
  }
  Result<int> console(const std::string& tenant, const std::string& bmc, const std::string& password = "",
                      const std::string& mode = "") {
    return service.console(tenant, bmc, password, mode);
  }
  static ConsoleSettings console_settings() {
    ConsoleSettings s;
    s.log_dir = "";  // no files: the console server's own test has them
    return s;
  }

  LogCapture log;
  testing::FakeHost host;
  testing::TestJumphost jh;
  testing::FakeBmc bmc;
  testing::ManualExecutor executor;
  testing::FixedClock clock;
  ConsoleServer consoles{bmc, console_settings(), clock};
  TenantService service{jh.world.config, jh.world.state, bmc, executor, consoles};
};

// Reads what is there within a second.
std::string read_some(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  if (poll(&p, 1, 1000) != 1) return "";
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// Reads until `needle` has come (or 5 s of silence, or the end); all of it.
std::string read_until(int fd, const std::string& needle) {
  std::string seen, chunk;
  while (seen.find(needle) == std::string::npos && !(chunk = read_some(fd)).empty()) seen += chunk;
  return seen;
}

void type(int fd, const std::string& text) {
  const std::string packet = "d" + text;
  ASSERT_EQ(::send(fd, packet.data(), packet.size(), 0), static_cast<ssize_t>(packet.size()));
}

TEST_F(TenantServiceTest, ListsOnlyTheirOwnBmcsWithoutSecrets) {
  bus::TenantBmcs mine = service.list_mine("alice");
  EXPECT_EQ(bus::names_of(mine), (std::vector<std::string>{"web01", "web02"}));
  EXPECT_EQ(mine.jumphost, "jump.example.org");
  EXPECT_TRUE(mine.bmcs[0].password_stored);
  EXPECT_FALSE(mine.bmcs[1].password_stored);
  EXPECT_EQ(nlohmann::json(mine).dump().find("secret"), std::string::npos);
  EXPECT_TRUE(service.list_mine("mallory").bmcs.empty());
}

TEST_F(TenantServiceTest, PowerReachesTheBmcWithTheStoredPassword) {
  EXPECT_EQ(*power("alice", "web01", "status"), "web01: off");
  EXPECT_EQ(*power("alice", "web01", "on"), "web01: ok");
  EXPECT_EQ(*power("alice", "web01", "status"), "web01: on");
  ASSERT_EQ(bmc.seen.size(), 3u);
  EXPECT_EQ(bmc.seen[0].host, "10.254.0.2");
  EXPECT_EQ(bmc.seen[0].user, "ADMIN");
  EXPECT_EQ(bmc.seen[0].password.str(), "secret-web01");
  EXPECT_TRUE(log.has("power on web01 by=alice: web01: ok"));
  EXPECT_EQ(log.fields("power on web01 by=alice: web01: ok"), "power-on web01 alice alice ok");
}

TEST_F(TenantServiceTest, TypedPasswordOnlyWhereNoneIsStored) {
  EXPECT_TRUE(power("alice", "web02", "status", "typed-pw").ok());
  EXPECT_EQ(bmc.seen.back().password.str(), "typed-pw");
  EXPECT_TRUE(power("alice", "web01", "status", "typed-pw").ok());
  EXPECT_EQ(bmc.seen.back().password.str(), "secret-web01");
  // The same rule as an enroll's, and never quoted.
  EXPECT_EQ(power("alice", "web02", "status", "typed-pw-typed-pw-typed-pw").error().message,
            "the BMC password is longer than 20 bytes (IPMI 2.0 limit)");
}

TEST_F(TenantServiceTest, AnotherTenantsBmcIsAnsweredAsMissing) {
  auto theirs = power("alice", "db01", "on");
  auto missing = power("alice", "nope", "on");
  EXPECT_EQ(theirs.error().code, Errc::not_found);
  EXPECT_EQ(theirs.error().message, "you have no BMC named db01");
  EXPECT_EQ(missing.error().message, "you have no BMC named nope");
  EXPECT_EQ(console("alice", "db01").error().message, "you have no BMC named db01");
  EXPECT_EQ(service.console_log("alice", "db01", 10).error().message, "you have no BMC named db01");
  EXPECT_EQ(power("mallory", "web01", "status").error().code, Errc::not_found);
  EXPECT_TRUE(bmc.seen.empty());  // nothing reached a BMC
}

TEST_F(TenantServiceTest, TheOnlyBmcWhenNoneIsNamed) {
  EXPECT_EQ(*power("bob", "", "status"), "db01: off");
  EXPECT_EQ(power("alice", "", "status").error().message, "you have several BMCs, name one: web01 web02");
  EXPECT_EQ(power("mallory", "", "status").error().message, "you have no BMC");
  EXPECT_EQ(power("bob", "", "explode").error().message,
            "power action 'explode' is not one of status, on, off, cycle, reset, soft, diag");
}

TEST_F(TenantServiceTest, AtMostFourRequestsOfOneTenantAtATime) {
  int answered = 0;
  auto count = [&](Result<bus::PowerView> r) {
    EXPECT_TRUE(r.ok());
    ++answered;
  };
  for (int i = 0; i < TenantService::kMaxRequestsPerTenant; ++i) service.power("alice", "web01", "status", false, "", count);
  std::optional<Result<bus::PowerView>> fifth;
  service.power("alice", "web01", "status", false, "", [&](Result<bus::PowerView> r) { fifth = std::move(r); });
  ASSERT_TRUE(fifth.has_value());
  EXPECT_EQ(fifth->error().message, "you have 4 requests running already; wait for them");
  // Another tenant is not held up by alice's.
  std::optional<Result<bus::PowerView>> bobs;
  service.power("bob", "db01", "status", false, "", [&](Result<bus::PowerView> r) { bobs = std::move(r); });
  EXPECT_FALSE(bobs.has_value());  // accepted, in flight
  ASSERT_TRUE(executor.step());    // one of alice's is done: room for one more
  service.power("alice", "web01", "status", false, "", count);
  executor.run_all();
  EXPECT_EQ(answered, 5);
  ASSERT_TRUE(bobs.has_value());
  EXPECT_TRUE(bobs->ok());
}

// --wait reads the chassis a second apart until it says what was asked,
// holding no worker between the reads (run_after), and says how long.
TEST_F(TenantServiceTest, PowerWaitPollsUntilTheChassisSaysSo) {
  bmc.power_lag["web01"] = 3;  // "done" at once, on only at the third read
  std::optional<Result<bus::PowerView>> answer;
  service.power("alice", "web01", "on", true, "", [&](Result<bus::PowerView> r) { answer = std::move(r); });
  executor.run_all();
  ASSERT_TRUE(answer && answer->ok()) << (answer ? answer->error().message : "no answer");
  EXPECT_TRUE((*answer)->waited);
  EXPECT_EQ((*answer)->power, "on");
  EXPECT_EQ(executor.delays.size(), 3u);  // three reads, each after a pause
  for (auto d : executor.delays) EXPECT_EQ(d, kPowerPollInterval);
  EXPECT_EQ(bmc.seen.size(), 4u);  // the control and three reads
}

TEST_F(TenantServiceTest, PowerWaitGivesUpAndSaysWhatTheChassisSays) {
  bmc.power_lag["web01"] = 100000;  // never
  std::optional<Result<bus::PowerView>> answer;
  service.power("alice", "web01", "off", true, "", [&](Result<bus::PowerView> r) { answer = std::move(r); });
  bmc.power["web01"] = true;
  executor.run_all();
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->ok());
  EXPECT_EQ(answer->error().message, "BMC web01 accepted power off but still reports on after 120 s");
  EXPECT_EQ(executor.delays.size(), 120u);
  EXPECT_TRUE(log.has("power off web01 by=alice: FAILED: BMC web01 accepted power off but still reports on after 120 s"));
  // Nothing to wait for with status and diag.
  service.power("alice", "web01", "diag", true, "", [&](Result<bus::PowerView> r) { answer = std::move(r); });
  EXPECT_EQ(answer->error().message, "power diag has no state to wait for");
}

TEST_F(TenantServiceTest, BmcOperationsReachOnlyTheirOwnBmcAndAreJournaled) {
  auto run = [&](auto call) {
    call();
    executor.run_all();
  };
  std::optional<Result<bus::BootView>> boot;
  run([&] { service.boot_device("alice", "web01", "pxe", false, true, "", [&](auto r) { boot = std::move(r); }); });
  ASSERT_TRUE(boot && boot->ok());
  EXPECT_EQ(bmc.boot["web01"].device, BootDevice::pxe);
  EXPECT_TRUE(bmc.boot["web01"].efi);
  EXPECT_FALSE(bmc.boot["web01"].persistent);
  EXPECT_EQ(log.fields("bootdev-set web01 by=alice: pxe once efi"), "bootdev-set web01 alice alice pxe once efi");
  run([&] { service.boot_device("alice", "web01", "", false, false, "", [&](auto r) { boot = std::move(r); }); });
  EXPECT_EQ((*boot)->device, "pxe");
  run([&] { service.boot_device("alice", "web01", "floppy", false, false, "", [&](auto r) { boot = std::move(r); }); });
  EXPECT_EQ(boot->error().message, "boot device 'floppy' is not one of pxe, disk, cdrom, bios");

  std::optional<Result<bus::IdentifyView>> id;
  run([&] { service.identify("alice", "web01", 30, false, "", [&](auto r) { id = std::move(r); }); });
  EXPECT_EQ(bmc.identified["web01"].seconds, 30u);
  EXPECT_TRUE(log.has("identify web01 by=alice: on for 30 s"));
  run([&] { service.identify("alice", "web01", 256, false, "", [&](auto r) { id = std::move(r); }); });
  EXPECT_FALSE(id->ok());

  bmc.sel["web01"] = {SelEvent{1, "2026-11-30T03:00:00Z", "CPU Temp", "Temperature", "Upper Critical - going high", "critical"}};
  std::optional<Result<bus::SelView>> sel;
  run([&] { service.sel("alice", "web01", false, "", [&](auto r) { sel = std::move(r); }); });
  ASSERT_TRUE(sel && sel->ok());
  EXPECT_EQ((*sel)->events.size(), 1u);
  run([&] { service.sel("alice", "web01", true, "", [&](auto r) { sel = std::move(r); }); });
  EXPECT_TRUE((*sel)->cleared);
  EXPECT_TRUE(bmc.sel["web01"].empty());
  EXPECT_EQ(log.fields("sel-clear web01 by=alice: cleared"), "sel-clear web01 alice alice cleared");

  std::optional<Result<bus::SensorsView>> sensors;
  run([&] { service.sensors("bob", "db01", "", [&](auto r) { sensors = std::move(r); }); });
  ASSERT_TRUE(sensors && sensors->ok());
  // Another tenant's BMC is answered as missing, and nothing reaches it.
  const size_t before = bmc.seen.size();
  run([&] { service.sensors("alice", "db01", "", [&](auto r) { sensors = std::move(r); }); });
  EXPECT_EQ(sensors->error().message, "you have no BMC named db01");
  run([&] { service.sel("alice", "db01", true, "", [&](auto r) { sel = std::move(r); }); });
  EXPECT_EQ(sel->error().message, "you have no BMC named db01");
  EXPECT_EQ(bmc.seen.size(), before);
}

// An operator's fan-out runs at most `fanout` at once, answers every BMC
// in order, and a failing one does not stop the others.
TEST_F(TenantServiceTest, OperatorPowerFansOutBoundedAndReportsEach) {
  bmc.fail["web01"] = make_error(Errc::failed, "BMC web01 did not answer within 8 s");
  std::optional<Result<std::vector<bus::PowerView>>> answer;
  service.operator_power("root", {}, "", true, "on", false, 2, [&](auto r) { answer = std::move(r); });
  // web02 has no stored password: answered at once, not run; two run.
  EXPECT_EQ(executor.pending.size(), 2u);
  executor.run_all();
  ASSERT_TRUE(answer && answer->ok());
  const auto& v = **answer;
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].bmc, "db01");
  EXPECT_TRUE(v[0].ok);
  EXPECT_EQ(v[1].bmc, "web01");
  EXPECT_FALSE(v[1].ok);
  EXPECT_EQ(v[1].error, "BMC web01 did not answer within 8 s");
  EXPECT_EQ(v[2].bmc, "web02");
  EXPECT_EQ(v[2].error, "no BMC password is stored (its tenant types it per request)");
  EXPECT_TRUE(bmc.power["db01"]);
  EXPECT_EQ(log.fields("power on db01 by=root: db01: ok"), "power-on db01 bob root ok");
  EXPECT_TRUE(log.has("power on by=root: 1 of 3 BMCs done in 0.0 s"));

  // By owner, by name; an unknown name refuses the whole request.
  service.operator_power("root", {}, "alice", false, "status", false, 0, [&](auto r) { answer = std::move(r); });
  executor.run_all();
  EXPECT_EQ((*answer)->size(), 2u);
  service.operator_power("root", {"db01", "nope"}, "", false, "status", false, 0, [&](auto r) { answer = std::move(r); });
  EXPECT_EQ(answer->error().message, "no BMC named nope is enrolled");
  service.operator_power("root", {}, "mallory", false, "status", false, 0, [&](auto r) { answer = std::move(r); });
  EXPECT_EQ(answer->error().message, "tenant mallory owns no BMC");
}

// The operator names the BMCs one way; a name twice runs once.
TEST_F(TenantServiceTest, OperatorPowerTakesItsBmcsOneWay) {
  std::optional<Result<std::vector<bus::PowerView>>> answer;
  auto keep = [&](auto r) { answer = std::move(r); };
  service.operator_power("root", {}, "", false, "off", false, 0, keep);
  EXPECT_EQ(answer->error().message, "power needs the BMCs one way: names, an owner, or all");
  service.operator_power("root", {"db01"}, "alice", false, "off", false, 0, keep);
  EXPECT_EQ(answer->error().message, "power needs the BMCs one way: names, an owner, or all");
  service.operator_power("root", {"db01"}, "", true, "off", false, 0, keep);
  EXPECT_FALSE(answer->ok());
  EXPECT_TRUE(bmc.seen.empty());
  service.operator_power("root", {"db01", "db01"}, "", false, "cycle", false, 0, keep);
  executor.run_all();
  ASSERT_TRUE(answer->ok());
  EXPECT_EQ((*answer)->size(), 1u);
  EXPECT_EQ(bmc.seen.size(), 1u);
}

// A full executor answers every BMC at once, from within the fan-out's own
// loop: each is told, nothing runs twice, nothing is used after it is gone
// (the sanitizers run this).
TEST_F(TenantServiceTest, OperatorPowerWithARefusingExecutor) {
  executor.full = true;
  std::optional<Result<std::vector<bus::PowerView>>> answer;
  service.operator_power("root", {}, "", true, "status", false, 1, [&](auto r) { answer = std::move(r); });
  ASSERT_TRUE(answer && answer->ok());
  ASSERT_EQ((*answer)->size(), 3u);
  for (const auto& v : **answer) EXPECT_FALSE(v.ok) << v.bmc;
  EXPECT_EQ((**answer)[0].error, "the jumphost has 1024 requests waiting already; try again in a minute");
}

// A request accepted before a revoke or an owner change stops there: it
// does not reach the BMC, the old tenant is told, and nothing is said into
// the new owner's console.
TEST_F(TenantServiceTest, WorkAcceptedBeforeAnOwnerChangeStops) {
  std::optional<Result<bus::PowerView>> wait;
  bmc.power_lag["web01"] = 100;
  service.power("alice", "web01", "on", true, "", [&](auto r) { wait = std::move(r); });
  ASSERT_TRUE(executor.step());  // the power control runs; its reads wait
  std::optional<Result<bus::SelView>> sel;
  service.sel("alice", "web01", true, "", [&](auto r) { sel = std::move(r); });
  SetRequest s;
  s.name = "web01";
  s.owner = "bob";
  ASSERT_TRUE(jh.admin.set(s, "root").ok());
  service.sync_consoles();
  const size_t before = bmc.seen.size();
  executor.run_all();
  ASSERT_TRUE(sel.has_value());
  EXPECT_EQ(sel->error().message, "BMC web01 was revoked or given to another tenant while the request ran");
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(wait->error().message, "BMC web01 was revoked or given to another tenant while the request ran");
  EXPECT_EQ(bmc.seen.size(), before);  // no read, no clear after the change
  EXPECT_EQ(bmc.forgotten, std::vector<std::string>{"web01"});  // its cached SDR goes too
  for (const std::string& line : log.lines()) EXPECT_EQ(line.find("sel-clear web01 by=alice: cleared"), std::string::npos);
}

TEST_F(TenantServiceTest, OperatorPowerNeverRunsMoreThanTheFanout) {
  for (const char* n : {"web01", "db01"}) bmc.power_lag[n] = 2;
  std::optional<Result<std::vector<bus::PowerView>>> answer;
  service.operator_power("root", {"web01", "db01"}, "", false, "on", true, 1, [&](auto r) { answer = std::move(r); });
  // One at a time: db01 starts only once web01 (control and two reads) is done.
  size_t max_pending = 0;
  while (executor.step()) max_pending = std::max(max_pending, executor.pending.size());
  EXPECT_LE(max_pending, 1u);
  ASSERT_TRUE(answer && answer->ok());
  for (const auto& v : **answer) EXPECT_TRUE(v.waited) << v.bmc;
}

// A full worker queue refuses the request and holds nothing: no slot of the
// tenant's limit, no console reservation.
TEST_F(TenantServiceTest, AFullQueueRefusesAndHoldsNothing) {
  executor.full = true;
  for (int i = 0; i < TenantService::kMaxRequestsPerTenant + 1; ++i)
    EXPECT_EQ(power("alice", "web01", "status").error().message,
              "the jumphost has 1024 requests waiting already; try again in a minute");
  executor.full = false;
  EXPECT_TRUE(power("alice", "web01", "status").ok());
  ::close(bmc.sol_peer("web01"));
}

TEST_F(TenantServiceTest, BmcErrorsReachTheTenantAndTheLog) {
  bmc.fail["web01"] = make_error(Errc::access_denied, "BMC web01 (10.254.0.2) refused the IPMI user name or password");
  auto r = power("alice", "web01", "cycle");
  EXPECT_EQ(r.error().code, Errc::access_denied);
  EXPECT_EQ(r.error().message, "BMC web01 (10.254.0.2) refused the IPMI user name or password");
  EXPECT_TRUE(log.has("power cycle web01 by=alice: FAILED: BMC web01 (10.254.0.2) refused the IPMI user name or password"));
  EXPECT_EQ(log.fields("power cycle web01 by=alice: FAILED: BMC web01 (10.254.0.2) refused the IPMI user name or password"),
            "power-cycle web01 alice alice failed");
  // The console attaches and says why the BMC does not connect (it keeps
  // trying: the password is the operator's).
  auto fd = console("alice", "web01");
  ASSERT_TRUE(fd.ok());
  EXPECT_NE(read_until(*fd, "refused").find(
                "[console web01: BMC web01 (10.254.0.2) refused the IPMI user name or password; trying again every 8 s "
                "at most]"),
            std::string::npos);
  ::close(*fd);
}

TEST_F(TenantServiceTest, TheTenantsSessionsShareTheConsole) {
  auto first = console("alice", "web01");
  ASSERT_TRUE(first.ok());
  EXPECT_NE(read_until(*first, "connected").find("[console web01: connected]"), std::string::npos);
  auto second = console("alice", "web01");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(read_until(*second, "keyboard").find("[console web01: read-only; alice has the keyboard (&F takes it)]"),
            std::string::npos);
  const int sol = bmc.sol_peer("web01");
  ASSERT_GE(sol, 0);
  EXPECT_EQ(bmc.sol_starts("web01"), 1);  // one SOL session for both

  // The keyboard's holder types; both see the output.
  type(*first, "hello\r");
  EXPECT_EQ(read_some(sol), "hello\r");
  type(*second, "ignored");
  EXPECT_NE(read_until(*second, "read-only;").find("you are read-only; &F takes the keyboard"), std::string::npos);
  ASSERT_EQ(::write(sol, "ECHO", 4), 4);
  EXPECT_NE(read_until(*first, "ECHO").find("ECHO"), std::string::npos);
  EXPECT_NE(read_until(*second, "ECHO").find("ECHO"), std::string::npos);

  // A break from the keyboard's holder.
  ASSERT_EQ(::send(*first, "b", 1, 0), 1);
  EXPECT_NE(read_until(*first, "break sent").find("break sent by alice"), std::string::npos);
  EXPECT_EQ(bmc.break_count("web01"), 1);
  EXPECT_TRUE(log.has("console web01 break by=alice"));

  // Both detach: the SOL session closes.
  ::close(*first);
  ::close(*second);
  EXPECT_EQ(read_until(sol, "never"), "");  // the end of the SOL session
  for (int i = 0; i < 100 && service.open_consoles(); ++i) usleep(10'000);
  EXPECT_EQ(service.open_consoles(), 0u);
  EXPECT_TRUE(log.has("console web01 attach by=alice: done"));
  EXPECT_TRUE(log.has("console web01 detach by=alice after 0 s"));
  ::close(sol);
}

TEST_F(TenantServiceTest, ATypedPasswordOpensTheConsoleAndIsNotKept) {
  // web02 has no stored password: the tenant's opens it.
  EXPECT_EQ(console("alice", "web02").error().message,
            "BMC web02 has no stored password and its console is not open: its tenant opens it (and types the password)");
  auto fd = console("alice", "web02", "typed-pw");
  ASSERT_TRUE(fd.ok());
  EXPECT_NE(read_until(*fd, "connected").find("connected"), std::string::npos);
  EXPECT_EQ(bmc.last_seen().password.str(), "typed-pw");
  ::close(*fd);
  for (int i = 0; i < 100 && service.open_consoles(); ++i) usleep(10'000);
  EXPECT_EQ(console("alice", "web02").error().code, Errc::invalid_argument);  // closed, and forgotten
}

// A revoke ends the BMC's console at once, and says why.
TEST_F(TenantServiceTest, ARevokedBmcsConsoleEndsAtOnce) {
  auto fd = console("alice", "web01");
  ASSERT_TRUE(fd.ok());
  service.end_console("web01", "the BMC was revoked");
  std::string seen, chunk;
  while (!(chunk = read_some(*fd)).empty()) seen += chunk;  // up to the end of the stream
  const std::string last = "\r\n[console web01: the BMC was revoked]\r\n";
  ASSERT_GE(seen.size(), last.size());
  EXPECT_EQ(seen.substr(seen.size() - last.size()), last);
  for (int i = 0; i < 100 && service.open_consoles(); ++i) usleep(10'000);
  EXPECT_EQ(service.open_consoles(), 0u);
  EXPECT_TRUE(log.has("console web01 ended: the BMC was revoked"));
  ::close(*fd);
  ::close(bmc.sol_peer("web01"));
}

}  // namespace
}  // namespace ij
