// The console server: every BMC's Serial-over-LAN session held by one event
// loop (epoll, one thread for all consoles), logged, replayed on attach,
// shared between several clients and reconnected with a back-off when the
// BMC drops it. conman's server-ipmi.c is the model for the connect states
// and the back-off; what conman lacks, the tenant's isolation, is the bus
// adapter's: a tenant reaches this only for a BMC they own.
//
// Each console: down (not wanted) -> connecting -> up; a failed connect waits
// (backing off, or busy when another SOL session holds the BMC) and tries
// again; a lost session reconnects at once. Wanted means: its log mode is
// `always` and it has a stored password, or someone is attached.
//
// Threads: the bus thread calls the public methods, which run on the loop
// thread and return its answer (they never wait on a BMC). Memory per
// console is bounded: the replay ring (replay_bytes), the keystrokes waiting
// for the BMC (4 KiB), and per attachment at most client_buffer bytes
// waiting for a slow reader (beyond that its oldest output is skipped, with
// a note), for at most max_attached attachments.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/base/result.h"
#include "common/bus/views.h"
#include "common/console/protocol.h"
#include "daemon/console/mode.h"
#include "daemon/core/clock.h"
#include "daemon/ipmi/bmc.h"
#include "daemon/model/secret.h"

namespace ij {

struct ConsoleSettings {
  std::string log_dir = "/var/log/ipmi-jumphost/console";
  size_t replay_bytes = 8192;           // replayed on attach and on &L
  size_t log_max_bytes = 4 << 20;       // NAME.log is rotated past this
  int log_keep = 3;                     // NAME.log.1 .. NAME.log.N kept
  size_t client_buffer = 256 << 10;     // output waiting for one slow client
  size_t max_attached = 8;              // attachments per console
  size_t max_per_user = 8;              // attachments per user, all consoles
  std::chrono::milliseconds retry_min{1000};  // back-off after a failed connect,
  std::chrono::milliseconds retry_max{8000};  // doubling up to this
  std::chrono::milliseconds stable{10000};    // up this long: a loss retries at once
};

// What the server needs to know of an enrolled BMC; the password is the
// state's shared buffer (no copy).
struct ConsoleSpec {
  std::string name;
  std::string owner;
  BmcTarget target;  // its password empty: taken from `password` per connect
  Secret password;   // empty when the operator stored none
  ConsoleLogMode mode = ConsoleLogMode::always;
};

struct AttachRequest {
  std::string bmc;
  std::string user;          // who attaches, for notes and limits
  bool by_operator = false;  // an operator (any console) rather than its tenant
  console::AttachMode mode = console::AttachMode::normal;
  SecretText password;       // typed by a tenant when none is stored
};

// What a BMC's console does once its SOL session was deactivated.
enum class AfterDeactivation {
  connects,  // it is held (always, or someone attached): it connects again
  free,      // nobody holds it: the SOL stays free
  gone,      // the BMC was revoked meanwhile
};

class ConsoleServer {
 public:
  ConsoleServer(Bmc& bmc, ConsoleSettings settings, const Clock& clock);
  ~ConsoleServer();
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  // The enrolled BMCs: consoles are made, changed and (for BMCs no longer
  // listed) closed to match. `always` consoles connect.
  void configure(std::vector<ConsoleSpec> specs);
  // A new attachment: the client's end of its socket (the caller passes it
  // on and closes its copy). Refused over the limits, for an unknown BMC, or
  // for a BMC with no stored password when no password is given and its
  // session is not open.
  Result<int> attach(AttachRequest request);
  // Tells every attachment why, closes them and the SOL session; the log
  // gets the reason. Nothing when `bmc` has no console.
  void end(const std::string& bmc, const std::string& why);
  // Ends the SOL session that holds `bmc`'s serial console, whoever holds
  // it (this console's own included: it is closed first), then lets the
  // console connect again if it is wanted (the answer: what the console
  // does now); `by` (an operator) is named in the notes and the journal.
  // Needs a stored password. Blocks on the BMC: not for the bus thread.
  Result<AfterDeactivation> deactivate(const std::string& bmc, const std::string& by);
  // A note for the log and the attached clients ("power on by alice: done").
  void note(const std::string& bmc, const std::string& text);
  std::vector<bus::ConsoleView> views();
  size_t attached_count();

  // The last `lines` lines of `bmc`'s log (older files included as needed),
  // at most max_bytes; read from the files, on the caller's thread.
  Result<std::string> read_log(const std::string& bmc, size_t lines, size_t max_bytes = 1 << 20) const;
  // NAME.log, or its rotated NAME.log.K.
  std::string log_path(const std::string& bmc, int k = 0) const;

 private:
  struct Client;
  struct Console;
  struct Source;

  void loop();
  // Runs `fn` on the loop thread and waits for it.
  void call(const std::function<void()>& fn);
  void wake();

  void on_sol(Console& c);
  void on_client_readable(Console& c, Client& cl);
  void flush(Client& cl);
  void tick(std::chrono::steady_clock::time_point now);
  void connect(Console& c, std::chrono::steady_clock::time_point now);
  void sol_closed(Console& c, std::chrono::steady_clock::time_point now);
  void drop_sol(Console& c);
  bool wanted(const Console& c) const;
  // Doubled, within retry_min..retry_max.
  std::chrono::steady_clock::duration next_backoff(std::chrono::steady_clock::duration backoff) const;
  void set_state(Console& c, const std::string& state);

  void output(Console& c, const char* data, size_t n);  // from the BMC
  void tell(Client& cl, const std::string& line);       // one client
  // Queues bytes for a client within its cap (client_buffer, plus room for
  // one replay): past it the oldest waiting output is dropped and counted.
  void enqueue(Client& cl, const char* data, size_t n);
  void connect_failed(Console& c, const Error& why, std::chrono::steady_clock::time_point now);
  void announce(Console& c, const std::string& text, bool to_log = true);  // everyone, and the log
  void log_bytes(Console& c, const char* data, size_t n);
  // "[console NAME WHEN: TEXT]" in the log only.
  void log_marker(Console& c, const std::string& text, const std::string& when);
  void close_client(Console& c, uint64_t id, const std::string& why);
  void close_console(const std::string& name, const std::string& why);
  void give_keyboard(Console& c, Client& to);
  std::string who_text(const Console& c) const;
  std::string stamp() const;

  uint64_t watch(int fd, uint32_t events, Source source);
  void unwatch(uint64_t id, int fd);

  Bmc& bmc_;
  ConsoleSettings settings_;
  const Clock& clock_;
  int epoll_ = -1;
  int wake_fd_ = -1;

  std::mutex mutex_;  // guards commands_ and stopping_
  std::deque<std::function<void()>> commands_;
  bool stopping_ = false;

  // Loop-thread state.
  std::map<std::string, std::unique_ptr<Console>> consoles_;
  std::map<uint64_t, Source> sources_;
  // BMCs whose SOL an operator is deactivating, by name (a console put in
  // the place of one meanwhile waits too); one at a time per BMC.
  std::set<std::string> deactivations_;
  bool deactivating(const Console& c) const;
  uint64_t next_id_ = 1;
  std::thread thread_;
};

}  // namespace ij
