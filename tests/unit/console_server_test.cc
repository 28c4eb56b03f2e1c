// The console server's loop over a fake BMC whose SOL sessions are socket
// pairs the test holds: logging with nobody attached, replay, sharing and
// the keyboard, reconnecting with a note, a SOL session held elsewhere, a
// stalled viewer, limits, rotation.
#include "daemon/console/console_server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fakes/fake_bmc.h"
#include "tests/fakes/fake_host.h"

namespace ij {
namespace {

using namespace std::chrono_literals;

std::string read_some(int fd, int ms = 1000) {
  struct pollfd p = {fd, POLLIN, 0};
  if (poll(&p, 1, ms) != 1) return "";
  char buf[8192];
  ssize_t n = ::read(fd, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// Everything until `needle` has come (or 5 s pass), all of it.
std::string read_until(int fd, const std::string& needle) {
  std::string seen;
  for (int i = 0; i < 50 && seen.find(needle) == std::string::npos; ++i) seen += read_some(fd, 100);
  return seen;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void send_request(int fd, console::Request r, const std::string& data = "") {
  const std::string p = std::string(1, static_cast<char>(r)) + data;
  ASSERT_EQ(::send(fd, p.data(), p.size(), 0), static_cast<ssize_t>(p.size()));
}

std::string file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ConsoleServerTest : public ::testing::Test {
 protected:
  ConsoleServerTest() {
    char tmpl[] = "/tmp/ij-console-test.XXXXXX";
    dir = ::mkdtemp(tmpl);
    settings.log_dir = dir + "/console";
    settings.retry_min = 50ms;
    settings.retry_max = 200ms;
    settings.stable = 0ms;
    settings.replay_bytes = 64;
  }
  ~ConsoleServerTest() override {
    server.reset();
    std::filesystem::remove_all(dir);
  }
  void start(std::vector<ConsoleSpec> specs) {
    server = std::make_unique<ConsoleServer>(bmc, settings, clock);
    server->configure(std::move(specs));
  }
  static ConsoleSpec spec(const std::string& name, const std::string& owner, ConsoleLogMode mode,
                          const std::string& password = "pw") {
    ConsoleSpec s;
    s.name = name;
    s.owner = owner;
    s.target.name = name;
    s.target.host = "10.0.0.2";
    s.mode = mode;
    if (!password.empty()) s.password = Secret(std::string(password));
    return s;
  }
  Result<int> attach(const std::string& bmc_name, const std::string& user,
                     console::AttachMode mode = console::AttachMode::normal, bool by_operator = false) {
    AttachRequest r;
    r.bmc = bmc_name;
    r.user = user;
    r.mode = mode;
    r.by_operator = by_operator;
    return server->attach(std::move(r));
  }
  // Waits for the fake BMC's end of `name`'s SOL session.
  int sol(const std::string& name, int starts = 1) {
    for (int i = 0; i < 200; ++i) {
      if (bmc.sol_starts(name) >= starts && bmc.sol_peer(name) >= 0) return bmc.sol_peer(name);
      usleep(10'000);
    }
    return -1;
  }
  bus::ConsoleView view(const std::string& name) {
    for (const auto& v : server->views())
      if (v.name == name) return v;
    return {};
  }
  // Waits up to `limit` for `name`'s console to be in `state`; the state then.
  std::string wait_for_state(const std::string& name, const std::string& state,
                             std::chrono::milliseconds limit = std::chrono::milliseconds(2000)) {
    for (auto waited = std::chrono::milliseconds(0); waited < limit && view(name).state != state; waited += 10ms)
      usleep(10'000);
    return view(name).state;
  }

  std::string dir;
  ConsoleSettings settings;
  testing::FakeBmc bmc;
  testing::FixedClock clock;
  std::unique_ptr<ConsoleServer> server;
};

// The replay is exactly the last replay_bytes (64 here) of the output,
// whether the ring fills from small reads or one larger than it.
TEST_F(ConsoleServerTest, TheReplayIsTheLastBytesExactly) {
  start({spec("web01", "alice", ConsoleLogMode::always)});
  const int s = sol("web01");
  ASSERT_GE(s, 0);
  auto send = [&](const std::string& text) {
    const uint64_t before = view("web01").bytes_logged;
    ASSERT_EQ(::write(s, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    for (int i = 0; i < 100 && view("web01").bytes_logged < before + text.size(); ++i) usleep(10'000);
  };
  auto replay = [&] {
    auto fd = attach("web01", "alice");
    EXPECT_TRUE(fd.ok());
    if (!fd.ok()) return std::string();
    std::string seen = read_until(*fd, "[console web01: live]");
    ::close(*fd);
    const std::string head = "bytes]\r\n";
    const size_t from = seen.find(head);
    const size_t to = seen.find("\r\n[console web01: live]");
    return from == std::string::npos || to == std::string::npos ? seen : seen.substr(from + head.size(), to - from - head.size());
  };
  send(std::string(50, 'a'));
  send(std::string(30, 'b'));
  EXPECT_EQ(replay(), std::string(34, 'a') + std::string(30, 'b'));
  send(std::string(63, 'c') + "d" + std::string(36, 'e'));
  EXPECT_EQ(replay().substr(0, 64), std::string(27, 'c') + "d" + std::string(36, 'e'));
}

TEST_F(ConsoleServerTest, AnAlwaysConsoleIsLoggedWithNobodyAttachedAndReplayedOnAttach) {
  start({spec("web01", "alice", ConsoleLogMode::always), spec("web02", "alice", ConsoleLogMode::attached)});
  const int s = sol("web01");
  ASSERT_GE(s, 0);
  EXPECT_EQ(bmc.sol_starts("web02"), 0);  // attached: not held while nobody is
  const std::string boot = "BIOS v1.0\r\nkernel panic at 3 a.m.\r\n";
  ASSERT_EQ(::write(s, boot.data(), boot.size()), static_cast<ssize_t>(boot.size()));
  for (int i = 0; i < 100 && view("web01").bytes_logged < boot.size(); ++i) usleep(10'000);
  EXPECT_EQ(file(settings.log_dir + "/web01.log"), boot);
  EXPECT_EQ(std::filesystem::status(settings.log_dir + "/web01.log").permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // The replay comes before anything live.
  auto fd = attach("web01", "alice");
  ASSERT_TRUE(fd.ok());
  const std::string seen = read_until(*fd, "you have the keyboard");
  EXPECT_TRUE(has(seen, "[console web01: the last 35 bytes]\r\n" + boot + "\r\n[console web01: live]")) << seen;
  ASSERT_EQ(::write(s, "login: ", 7), 7);
  EXPECT_TRUE(has(read_until(*fd, "login: "), "login: "));
  // The log has the attach marker with who and when; read_log gives lines.
  EXPECT_TRUE(has(file(settings.log_dir + "/web01.log"), "[console web01 2026-11-25T12:00:00Z: alice attached]"));
  auto tail = server->read_log("web01", 2);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, "[console web01 2026-11-25T12:00:00Z: alice attached]\r\nlogin: ");
  ::close(*fd);
}

TEST_F(ConsoleServerTest, SharedAttachmentsAndTheKeyboard) {
  start({spec("web01", "alice", ConsoleLogMode::attached)});
  auto a = attach("web01", "alice");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(has(read_until(*a, "connected"), "[console web01: you have the keyboard]"));
  const int s = sol("web01");
  auto b = attach("web01", "alice");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(has(read_until(*b, "(&F takes it)"), "[console web01: read-only; alice has the keyboard (&F takes it)]"));
  auto op = attach("web01", "opadmin", console::AttachMode::read_only, true);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(bmc.sol_starts("web01"), 1);

  // Only the keyboard's keys reach the BMC; everyone sees the output.
  send_request(*b, console::Request::data, "rm -rf /\r");
  EXPECT_TRUE(has(read_until(*b, "read-only;"), "you are read-only; &F takes the keyboard"));
  send_request(*a, console::Request::data, "uptime\r");
  EXPECT_EQ(read_some(s), "uptime\r");
  ASSERT_EQ(::write(s, "up 3 days", 9), 9);
  for (int fd : {*a, *b, *op}) EXPECT_TRUE(has(read_until(fd, "up 3 days"), "up 3 days"));

  // --force / &F moves the keyboard; the previous holder is told.
  send_request(*b, console::Request::take_keyboard);
  EXPECT_TRUE(has(read_until(*a, "read-only now"), "alice took the keyboard; you are read-only now (&F takes it back)"));
  send_request(*b, console::Request::data, "w\r");
  EXPECT_EQ(read_some(s), "w\r");
  send_request(*a, console::Request::send_break);
  EXPECT_TRUE(has(read_until(*a, "sends a break"), "only the keyboard's holder sends a break"));
  EXPECT_EQ(bmc.break_count("web01"), 0);

  // Who is attached.
  send_request(*op, console::Request::who);
  const std::string who = read_until(*op, "the BMC is up");
  EXPECT_TRUE(has(who, "attached: alice (read-only, since 2026-11-25T12:00:00Z); alice (keyboard, since "
                       "2026-11-25T12:00:00Z); operator opadmin (read-only, since 2026-11-25T12:00:00Z); the BMC is up"))
      << who;
  auto v = view("web01");
  ASSERT_EQ(v.attached.size(), 3u);
  EXPECT_TRUE(v.attached[1].keyboard);
  EXPECT_TRUE(v.attached[2].by_operator);
  EXPECT_EQ(v.state, "up");

  // Everyone gone: the session closes (attached mode).
  for (int fd : {*a, *b, *op}) ::close(fd);
  EXPECT_EQ(read_until(s, "never"), "");
  for (int i = 0; i < 100 && server->attached_count(); ++i) usleep(10'000);
  EXPECT_EQ(view("web01").state, "down");
}

TEST_F(ConsoleServerTest, ALostSessionReconnectsAndEveryoneIsTold) {
  start({spec("web01", "alice", ConsoleLogMode::always)});
  int s = sol("web01");
  ASSERT_GE(s, 0);
  auto fd = attach("web01", "alice");
  ASSERT_TRUE(fd.ok());
  read_until(*fd, "keyboard]");
  ::close(s);  // the BMC stops answering
  EXPECT_TRUE(has(read_until(*fd, "reconnecting"), "[console web01: BMC web01 stopped answering, reconnecting]"));
  s = sol("web01", 2);
  ASSERT_GE(s, 0);
  EXPECT_TRUE(has(read_until(*fd, "reconnected"), "[console web01: reconnected after 0 s]"));
  const std::string log = file(settings.log_dir + "/web01.log");
  EXPECT_TRUE(has(log, "BMC web01 stopped answering, reconnecting]"));
  EXPECT_TRUE(has(log, "reconnected after 0 s]"));
  EXPECT_FALSE(view("web01").last_reconnect.empty());
  ::close(*fd);
  ::close(s);
}

TEST_F(ConsoleServerTest, FailedConnectsBackOffAndSayWhyOnce) {
  bmc.fail["web01"] = make_error(Errc::failed, "BMC web01 (10.0.0.2) did not answer within 8 s");
  start({spec("web01", "alice", ConsoleLogMode::always)});
  usleep(600'000);
  // 50, 100, 200, 200 ms apart: a handful of tries in 0.6 s, not hundreds.
  const int tries = bmc.sol_starts("web01");
  EXPECT_GE(tries, 2);
  EXPECT_LE(tries, 8);
  auto fd = attach("web01", "alice");
  ASSERT_TRUE(fd.ok());
  EXPECT_TRUE(has(read_until(*fd, "did not answer"), "the BMC is waiting: BMC web01 (10.0.0.2) did not answer within 8 s"));
  bmc.set_fail("web01", std::nullopt);
  EXPECT_TRUE(has(read_until(*fd, "connected"), "[console web01: connected]"));
  const std::string log = file(settings.log_dir + "/web01.log");
  size_t said = 0;
  for (size_t at = 0; (at = log.find("did not answer within 8 s;", at)) != std::string::npos; ++at) ++said;
  EXPECT_EQ(said, 1u);  // once per change, not once per try
  ::close(*fd);
}

TEST_F(ConsoleServerTest, ASolSessionHeldElsewhereIsReportedAndAnOperatorMayTakeItOver) {
  bmc.sol_in_use["web01"] = true;
  start({spec("web01", "alice", ConsoleLogMode::always)});
  EXPECT_EQ(wait_for_state("web01", "busy", 1000ms), "busy");
  auto tenant = attach("web01", "alice");
  ASSERT_TRUE(tenant.ok());
  EXPECT_TRUE(has(read_until(*tenant, "in use"), "its serial console is in use by another SOL session"));
  for (bool t : bmc.take_overs_seen()) EXPECT_FALSE(t);  // never stolen unasked
  auto op = attach("web01", "opadmin", console::AttachMode::force, true);
  ASSERT_TRUE(op.ok());
  EXPECT_TRUE(has(read_until(*op, "connected"), "[console web01: connected]"));
  EXPECT_TRUE(bmc.take_overs_seen().back());
  ::close(*tenant);
  ::close(*op);
}

// An operator's deactivation ends the session held elsewhere with the
// stored password, and the console (always) connects without stealing.
TEST_F(ConsoleServerTest, ADeactivationFreesTheSolAndTheConsoleConnects) {
  bmc.sol_in_use["web01"] = true;
  start({spec("web01", "alice", ConsoleLogMode::always)});
  ASSERT_EQ(wait_for_state("web01", "busy", 1000ms), "busy");
  auto tenant = attach("web01", "alice");
  ASSERT_TRUE(tenant.ok());
  EXPECT_TRUE(has(read_until(*tenant, "in use"), "its serial console is in use by another SOL session"));
  EXPECT_TRUE(has(file(settings.log_dir + "/web01.log"), "or end it, jumpctl console web01 --deactivate)"));
  auto r = server->deactivate("web01", "opadmin");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, AfterDeactivation::connects);  // always: it connects again
  EXPECT_EQ(bmc.deactivations("web01"), 1);
  EXPECT_EQ(bmc.last_seen().password.str(), "pw");
  const std::string seen = read_until(*tenant, "[console web01: connected]");
  EXPECT_TRUE(has(seen, "[console web01: operator opadmin is deactivating the BMC's SOL session]"));
  EXPECT_TRUE(has(seen, "[console web01: the BMC's SOL session was deactivated by operator opadmin; connecting]"));
  EXPECT_TRUE(has(seen, "[console web01: connected]"));
  for (bool t : bmc.take_overs_seen()) EXPECT_FALSE(t);  // freed, not stolen
  EXPECT_TRUE(has(file(settings.log_dir + "/web01.log"), "deactivated by operator opadmin"));
  ::close(*tenant);
}

// A deactivation held open by a BMC slow to answer, on its own thread: the
// gate opens and the thread is joined however the test ends.
struct HeldDeactivation {
  HeldDeactivation(testing::FakeBmc& b, ConsoleServer& server, const std::string& name) : bmc(b) {
    bmc.close_deactivate_gate();
    thread = std::thread([this, &server, name] { result = server.deactivate(name, "opadmin"); });
  }
  ~HeldDeactivation() { finish(); }
  void finish() {
    bmc.open_deactivate_gate();
    if (thread.joinable()) thread.join();
  }
  testing::FakeBmc& bmc;
  Result<AfterDeactivation> result = make_error(Errc::failed, "not run");
  std::thread thread;
};

// While the BMC answers the deactivation nothing connects (the console's
// own session would be what it ends), and a second one is refused.
TEST_F(ConsoleServerTest, WhileADeactivationRunsNothingConnects) {
  start({spec("web01", "alice", ConsoleLogMode::always)});
  const int own = sol("web01");
  ASSERT_GE(own, 0);
  HeldDeactivation held(bmc, *server, "web01");
  EXPECT_EQ(wait_for_state("web01", "deactivating"), "deactivating");
  char b;
  EXPECT_EQ(::read(own, &b, 1), 0);  // its own session was closed first
  ::close(own);
  const int starts = bmc.sol_starts("web01");
  auto late = attach("web01", "alice");
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(has(read_until(*late, "after that]"), "an operator is deactivating the BMC's SOL session; connecting after that"));
  usleep(300'000);  // retry_max is 200 ms: a connect would have come
  EXPECT_EQ(bmc.sol_starts("web01"), starts);
  auto second = server->deactivate("web01", "root");
  EXPECT_FALSE(second.ok());
  if (!second.ok()) {
    EXPECT_EQ(second.error().message, "BMC web01: its SOL session is being deactivated already");
  }
  held.finish();
  EXPECT_TRUE(held.result.ok());
  EXPECT_TRUE(has(read_until(*late, "[console web01: connected]"), "[console web01: connected]"));
  EXPECT_EQ(view("web01").state, "up");
  ::close(*late);
}

// A console put in the place of one being deactivated (the BMC given to
// another owner meanwhile) waits for the deactivation too, then connects.
TEST_F(ConsoleServerTest, AConsoleReplacedDuringADeactivationWaitsForIt) {
  start({spec("web01", "alice", ConsoleLogMode::always)});
  ASSERT_GE(sol("web01"), 0);
  HeldDeactivation held(bmc, *server, "web01");
  wait_for_state("web01", "deactivating");
  const int starts = bmc.sol_starts("web01");
  server->configure({spec("web01", "bob", ConsoleLogMode::always)});
  usleep(300'000);
  EXPECT_EQ(bmc.sol_starts("web01"), starts);
  EXPECT_EQ(view("web01").owner, "bob");
  EXPECT_EQ(view("web01").state, "deactivating");
  held.finish();
  ASSERT_TRUE(held.result.ok());
  EXPECT_EQ(*held.result, AfterDeactivation::connects);  // bob's console is held: it connects
  EXPECT_GE(sol("web01", starts + 1), 0);
  EXPECT_EQ(wait_for_state("web01", "up"), "up");
}

// Revoked during the deactivation: the answer says so, and a BMC enrolled
// again under the name is not held back by it afterwards.
TEST_F(ConsoleServerTest, ABmcRevokedDuringADeactivationIsSaidToBeGone) {
  start({spec("web01", "alice", ConsoleLogMode::always)});
  ASSERT_GE(sol("web01"), 0);
  HeldDeactivation held(bmc, *server, "web01");
  wait_for_state("web01", "deactivating");
  server->configure({});
  held.finish();
  ASSERT_TRUE(held.result.ok());
  EXPECT_EQ(*held.result, AfterDeactivation::gone);
  const int starts = bmc.sol_starts("web01");
  server->configure({spec("web01", "bob", ConsoleLogMode::always)});
  EXPECT_GE(sol("web01", starts + 1), 0);
}

TEST_F(ConsoleServerTest, ADeactivationNeedsAStoredPasswordAndSaysWhyItFailed) {
  start({spec("web01", "alice", ConsoleLogMode::attached, ""), spec("db01", "bob", ConsoleLogMode::attached)});
  auto typed = server->deactivate("web01", "opadmin");
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.error().code, Errc::invalid_argument);
  EXPECT_TRUE(has(typed.error().message, "has no stored password"));
  EXPECT_EQ(server->deactivate("nope", "opadmin").error().code, Errc::not_found);
  // So the note that its SOL is in use offers only the take-over.
  bmc.sol_in_use["web01"] = true;
  AttachRequest r;
  r.bmc = "web01";
  r.user = "alice";
  r.password = SecretText(std::string("typed"));
  auto fd = server->attach(std::move(r));
  ASSERT_TRUE(fd.ok());
  const std::string note = read_until(*fd, "--force)");
  EXPECT_TRUE(has(note, "(an operator can take it over, jumpctl console web01 --force)")) << note;
  ::close(*fd);
  EXPECT_EQ(bmc.deactivations("web01"), 0);
  // attached, nobody attached: the SOL is left free.
  auto quiet = server->deactivate("db01", "opadmin");
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(*quiet, AfterDeactivation::free);
  EXPECT_EQ(view("db01").state, "down");
  EXPECT_EQ(bmc.sol_starts("db01"), 0);
  bmc.set_fail("db01", make_error(Errc::failed, "BMC db01 (10.0.0.2) stopped answering (no reply within 8 s)"));
  auto failed = server->deactivate("db01", "opadmin");
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(has(failed.error().message, "stopped answering"));
  EXPECT_EQ(view("db01").last_error, failed.error().message);
  EXPECT_TRUE(has(file(settings.log_dir + "/db01.log"), "operator opadmin could not deactivate the BMC's SOL session"));
}

TEST_F(ConsoleServerTest, AStalledViewerSkipsAheadAndSlowsNobody) {
  settings.client_buffer = 64 << 10;
  start({spec("web01", "alice", ConsoleLogMode::always)});
  const int s = sol("web01");
  auto stalled = attach("web01", "alice", console::AttachMode::read_only);
  auto live = attach("web01", "alice");
  ASSERT_TRUE(stalled.ok() && live.ok());
  read_until(*live, "keyboard]");
  // 4 MiB of output; the live viewer reads as it comes (its own thread),
  // the stalled one reads nothing meanwhile.
  std::atomic<size_t> got{0};
  std::thread reader([&] {
    for (;;) {
      std::string r = read_some(*live, 2000);
      if (r.empty()) return;
      got += static_cast<size_t>(std::count(r.begin(), r.end(), 'x'));
      if (has(r, "END")) return;
    }
  });
  // The BMC writes at most 32 KiB ahead of the live viewer (a serial line
  // is far slower than any reader; the test's pace must not make the live
  // viewer a slow one).
  const std::string chunk(4096, 'x');
  for (int i = 0; i < 1024; ++i) {
    while (static_cast<size_t>(i) * 4096 > got.load() + (32 << 10)) poll(nullptr, 0, 1);
    for (size_t off = 0; off < chunk.size();) {
      ssize_t w = ::write(s, chunk.data() + off, chunk.size() - off);
      if (w > 0) off += static_cast<size_t>(w);
      else poll(nullptr, 0, 1);
    }
  }
  ASSERT_EQ(::write(s, "END", 3), 3);
  reader.join();
  EXPECT_EQ(got.load(), 4u << 20);  // the live viewer lost nothing
  for (int i = 0; i < 100 && view("web01").bytes_logged < (4u << 20); ++i) usleep(10'000);
  EXPECT_GE(view("web01").bytes_logged, 4u << 20);  // nor the log
  // Asking for replays without reading holds no more than the cap.
  for (int i = 0; i < 300; ++i) send_request(*stalled, console::Request::replay);
  // The stalled one, read at last, is told what it missed.
  EXPECT_TRUE(has(read_until(*stalled, "END"), "bytes skipped: your connection is too slow]"));
  ::close(*stalled);
  ::close(*live);
}

TEST_F(ConsoleServerTest, LimitsAndRefusals) {
  settings.max_attached = 2;
  settings.max_per_user = 3;
  start({spec("web01", "alice", ConsoleLogMode::attached), spec("web02", "alice", ConsoleLogMode::attached),
         spec("app01", "bob", ConsoleLogMode::attached, "")});
  auto a1 = attach("web01", "alice"), a2 = attach("web01", "alice");
  EXPECT_EQ(attach("web01", "alice").error().message,
            "the console of web01 has 2 attachments already (the most it takes); detach one first");
  auto a3 = attach("web02", "alice");
  EXPECT_EQ(attach("web02", "alice").error().message,
            "you have 3 console attachments already (the most one user may have); detach one first");
  EXPECT_EQ(attach("nope", "alice").error().code, Errc::not_found);
  EXPECT_EQ(attach("app01", "bob").error().message,
            "BMC app01 has no stored password and its console is not open: its tenant opens it (and types the password)");
  for (auto& fd : {a1, a2, a3}) ::close(*fd);
}

TEST_F(ConsoleServerTest, RotationLosesNoByte) {
  settings.log_max_bytes = 1000;
  settings.log_keep = 2;
  start({spec("web01", "alice", ConsoleLogMode::always)});
  const int s = sol("web01");
  std::string all;
  for (int i = 0; i < 25; ++i) {
    const std::string line = "line " + std::to_string(i) + " of the boot, padded to be long enough.........\r\n";
    all += line;
    ASSERT_EQ(::write(s, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    for (int j = 0; j < 100 && view("web01").bytes_logged < all.size(); ++j) usleep(5'000);
  }
  const std::string p = settings.log_dir + "/web01.log";
  EXPECT_EQ(file(p + ".2") + file(p + ".1") + file(p), all.substr(all.size() - (file(p + ".2") + file(p + ".1") + file(p)).size()));
  EXPECT_LE(file(p).size(), 1000u);
  EXPECT_FALSE(std::filesystem::exists(p + ".3"));
  // read_log reaches into the older files for lines.
  auto tail = server->read_log("web01", 20);
  ASSERT_TRUE(tail.ok());
  EXPECT_TRUE(has(*tail, "line 24 of the boot"));
  EXPECT_TRUE(has(*tail, "line 5 of the boot"));
  EXPECT_FALSE(has(*tail, "line 4 of the boot"));
}

TEST_F(ConsoleServerTest, EndTellsEveryoneAndARemovedBmcsConsoleCloses) {
  start({spec("web01", "alice", ConsoleLogMode::always)});
  auto fd = attach("web01", "alice");
  ASSERT_TRUE(fd.ok());
  server->note("web01", "power cycle by alice: done");
  EXPECT_TRUE(has(read_until(*fd, "power cycle"), "[console web01: power cycle by alice: done]"));
  server->configure({});
  const std::string seen = read_until(*fd, "no longer enrolled");
  EXPECT_TRUE(has(seen, "[console web01: the BMC is no longer enrolled]"));
  EXPECT_EQ(read_some(*fd), "");  // closed
  ::close(*fd);
  // The log moved aside, with the note and the end in it.
  std::string ended;
  for (const auto& e : std::filesystem::directory_iterator(settings.log_dir))
    if (e.path().filename().string().rfind("web01.log.ended-", 0) == 0) ended = file(e.path());
  EXPECT_TRUE(has(ended, "power cycle by alice: done]"));
  EXPECT_TRUE(has(ended, "the BMC is no longer enrolled]"));
  EXPECT_FALSE(std::filesystem::exists(settings.log_dir + "/web01.log"));
}

// A BMC enrolled again under the same name, for another tenant, or given to
// another owner, starts afresh: nothing of the previous owner's console.
TEST_F(ConsoleServerTest, ANewOwnerReadsNothingOfThePreviousOnes) {
  start({spec("web01", "alice", ConsoleLogMode::always)});
  const int s = sol("web01");
  ASSERT_EQ(::write(s, "alice's secret boot\r\n", 21), 21);
  for (int i = 0; i < 100 && view("web01").bytes_logged < 21; ++i) usleep(10'000);
  server->configure({});  // revoked
  server->configure({spec("web01", "bob", ConsoleLogMode::always)});
  auto tail = server->read_log("web01", 100);
  ASSERT_TRUE(tail.ok());
  EXPECT_FALSE(has(*tail, "alice's secret boot"));
  auto fd = attach("web01", "bob");
  ASSERT_TRUE(fd.ok());
  EXPECT_FALSE(has(read_until(*fd, "keyboard]"), "alice's secret boot"));  // no replay of it either
  ::close(*fd);
  // And an owner change in place (set --owner) does the same.
  const int s2 = sol("web01", 2);
  ASSERT_GE(s2, 0);
  ASSERT_EQ(::write(s2, "bob's boot\r\n", 12), 12);
  for (int i = 0; i < 100 && view("web01").bytes_logged < 12; ++i) usleep(10'000);
  server->configure({spec("web01", "carol", ConsoleLogMode::always)});
  tail = server->read_log("web01", 100);
  ASSERT_TRUE(tail.ok());
  EXPECT_FALSE(has(*tail, "bob's boot"));
}

TEST_F(ConsoleServerTest, ALogDirectoryOfSomeoneElseIsNotUsedNorChanged) {
  std::filesystem::create_directories(settings.log_dir);
  ::chmod(settings.log_dir.c_str(), 0777);
  start({spec("web01", "alice", ConsoleLogMode::always)});
  const int s = sol("web01");
  ASSERT_EQ(::write(s, "x", 1), 1);
  usleep(200'000);
  EXPECT_FALSE(std::filesystem::exists(settings.log_dir + "/web01.log"));
  struct stat st {};
  ASSERT_EQ(::stat(settings.log_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0777u);  // not chmod-ed
}

}  // namespace
}  // namespace ij
