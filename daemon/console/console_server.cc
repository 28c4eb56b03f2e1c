#include "daemon/console/console_server.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <optional>
#include <system_error>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/sys/fs.h"

namespace ij {

using steady = std::chrono::steady_clock;
namespace {

constexpr size_t kMaxPendingKeys = 4096;  // typed bytes waiting for a slow BMC
constexpr size_t kPacketOverhead = 64;    // what a waiting packet costs beyond its bytes

// Drops the first `n` bytes of typed keys (written to the BMC) and wipes
// what the buffer held beyond the rest: keys may be a host's password.
void consume_keys(std::string& keys, size_t n) {
  const size_t old = keys.size();
  keys.erase(0, n);
  volatile char* p = keys.data();
  for (size_t i = keys.size(); i < old; ++i) p[i] = '\0';
}

// The log directory: made 0750 if missing (its parents 0755, as systemd's
// LogsDirectory= makes them); one that exists must be root's and writable
// by nobody else, or nothing is logged there.
constexpr mode_t kLogDirMode = 0750;

// At most `max` bytes from the end of the regular file `path` ("" when it
// does not exist), read from the end: a large log costs no more than that.
Result<std::string> tail_of(const std::string& path, size_t max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return std::string();
    return make_error(Errc::failed, "cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(Errc::failed, path + " is not a regular file");
  }
  const auto size = static_cast<size_t>(st.st_size);
  const size_t len = std::min(size, max);
  std::string text(len, '\0');
  size_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd, text.data() + got, len - got, static_cast<off_t>(size - len + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  return text;
}

// A note for a client: "\r\n[console NAME: TEXT]\r\n".
std::string note_line(const std::string& bmc, const std::string& text) {
  return "\r\n[console " + bmc + ": " + text + "]\r\n";
}

std::string seconds_text(steady::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

// What an epoll event is about; looked up by id, so a source closed earlier
// in the same batch of events is simply not found.
struct ConsoleServer::Source {
  enum class Kind { wake, sol, client } kind = Kind::wake;
  std::string console;
  uint64_t client = 0;
};

struct ConsoleServer::Client {
  uint64_t id = 0;
  int fd = -1;
  std::string console;  // its BMC's name, for notes
  std::string user;
  bool by_operator = false;
  std::chrono::system_clock::time_point since;
  std::deque<std::string> out;  // packets waiting to be sent
  size_t out_bytes = 0;
  size_t skipped = 0;           // output dropped since the last note about it
  bool want_write = false;      // EPOLLOUT armed
  bool told_read_only = false;  // typing while read-only is said once
};

struct ConsoleServer::Console {
  ConsoleSpec spec;
  std::string state = "down";
  std::chrono::system_clock::time_point state_since;
  std::unique_ptr<SolSession> sol;
  uint64_t sol_id = 0;
  bool up = false;              // the NUL came: the session is established
  bool take_over = false;       // the next connect ends another SOL session
  Secret typed;                 // a tenant's password, while someone is attached
  steady::time_point next_try{};
  steady::duration backoff{};
  steady::time_point up_since{};
  steady::time_point lost_at{};
  bool lost = false;            // up before, reconnecting since lost_at
  std::string last_error;       // what the last failure said (told once per change)
  std::string last_reconnect;   // RFC 3339
  std::string ring;             // the last replay_bytes of output
  int log_fd = -1;
  uint64_t log_size = 0;
  bool log_failed = false;        // said once; tried again at log_retry
  steady::time_point log_retry{};
  uint64_t bytes_logged = 0;
  std::vector<uint64_t> clients;  // in attach order
  std::map<uint64_t, std::unique_ptr<Client>> by_id;
  uint64_t keyboard = 0;        // the client that types, 0: nobody
  std::string keys;             // typed, waiting for the BMC
};

ConsoleServer::ConsoleServer(Bmc& bmc, ConsoleSettings settings, const Clock& clock)
    : bmc_(bmc), settings_(std::move(settings)), clock_(clock) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_ < 0 || wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "console loop");
  watch(wake_fd_, EPOLLIN, Source{Source::Kind::wake, "", 0});
  thread_ = std::thread(&ConsoleServer::loop, this);
}

ConsoleServer::~ConsoleServer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake();
  thread_.join();
  // The loop is gone: close what it held, from this thread.
  for (auto& [name, c] : consoles_) {
    for (auto& [id, cl] : c->by_id) ::close(cl->fd);
    c->sol.reset();
    if (c->log_fd >= 0) ::close(c->log_fd);
  }
  ::close(wake_fd_);
  ::close(epoll_);
}

void ConsoleServer::wake() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void ConsoleServer::call(const std::function<void()>& fn) {
  if (std::this_thread::get_id() == thread_.get_id()) return fn();
  std::promise<void> done;
  auto finished = done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    commands_.push_back([&] {
      try {
        fn();
        done.set_value();
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
  }
  wake();
  finished.get();  // rethrows what fn threw
}

uint64_t ConsoleServer::watch(int fd, uint32_t events, Source source) {
  uint64_t id = next_id_++;
  struct epoll_event ev {};
  ev.events = events;
  ev.data.u64 = id;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) < 0) return 0;
  sources_[id] = std::move(source);
  return id;
}

void ConsoleServer::unwatch(uint64_t id, int fd) {
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  sources_.erase(id);
}

std::string ConsoleServer::stamp() const { return rfc3339(clock_.now()); }

// ---- the loop ----

void ConsoleServer::loop() {
  struct epoll_event events[64];
  for (;;) {
    const steady::time_point now = steady::now();
    // Sleep until the nearest retry, or until something happens: an idle
    // console server does not wake up.
    std::optional<steady::duration> wait;
    for (const auto& [name, c] : consoles_)
      if (!c->sol && wanted(*c) && !deactivating(*c)) {
        const steady::duration d = std::max(steady::duration::zero(), c->next_try - now);
        wait = wait ? std::min(*wait, d) : d;
      }
    const int timeout =
        wait ? static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(*wait).count()) + 1 : -1;
    int n = ::epoll_wait(epoll_, events, 64, timeout);
    if (n < 0 && errno != EINTR) {
      // Callers on the bus thread would wait on this loop forever: end the
      // daemon instead (systemd restarts it; the state is on disk).
      log::error(std::string("console loop: epoll_wait: ") + std::strerror(errno) + "; exiting");
      std::abort();
    }
    for (int i = 0; i < n; ++i) {
      auto it = sources_.find(events[i].data.u64);
      if (it == sources_.end()) continue;
      const Source src = it->second;
      if (src.kind == Source::Kind::wake) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
        std::deque<std::function<void()>> todo;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          if (stopping_) return;
          todo.swap(commands_);
        }
        for (auto& fn : todo) fn();
        continue;
      }
      auto c = consoles_.find(src.console);
      if (c == consoles_.end()) continue;
      Console& console = *c->second;
      if (src.kind == Source::Kind::sol) {
        on_sol(console);
      } else {
        auto cl = console.by_id.find(src.client);
        if (cl == console.by_id.end()) continue;
        Client& client = *cl->second;
        if (events[i].events & EPOLLOUT) flush(client);
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_client_readable(console, client);
      }
    }
    tick(steady::now());
  }
}

bool ConsoleServer::wanted(const Console& c) const {
  if (!c.clients.empty()) return true;
  return c.spec.mode == ConsoleLogMode::always && !c.spec.password.empty();
}

bool ConsoleServer::deactivating(const Console& c) const { return deactivations_.count(c.spec.name) != 0; }

void ConsoleServer::set_state(Console& c, const std::string& state) {
  if (c.state == state) return;
  c.state = state;
  c.state_since = clock_.now();
}

void ConsoleServer::tick(steady::time_point now) {
  for (auto& [name, c] : consoles_) {
    if (!c->sol && wanted(*c) && now >= c->next_try && !deactivating(*c)) connect(*c, now);
    if (c->sol && !wanted(*c)) {
      drop_sol(*c);
      set_state(*c, "down");
    }
  }
}

void ConsoleServer::connect(Console& c, steady::time_point now) {
  BmcTarget t = c.spec.target;
  if (!c.spec.password.empty())
    t.password = SecretText(std::string(c.spec.password.reveal()));
  else if (!c.typed.empty())
    t.password = SecretText(std::string(c.typed.reveal()));
  const bool take_over = c.take_over;
  c.take_over = false;
  auto sol = bmc_.start_sol(t, take_over);
  if (!sol) return connect_failed(c, sol.error(), now);
  const uint64_t id = watch((*sol)->fd(), EPOLLIN, Source{Source::Kind::sol, c.spec.name, 0});
  if (!id) return connect_failed(c, make_error(Errc::failed, std::string("epoll: ") + std::strerror(errno)), now);
  c.sol = std::move(*sol);
  c.up = false;
  c.sol_id = id;
  set_state(c, "connecting");
}

void ConsoleServer::drop_sol(Console& c) {
  if (!c.sol) return;
  unwatch(c.sol_id, c.sol->fd());
  c.sol.reset();  // closes the session in the engine
  c.up = false;
  consume_keys(c.keys, c.keys.size());
}

void ConsoleServer::on_sol(Console& c) {
  char buf[console::kMaxPacket];
  // Bounded work per wake-up, so that one chatty console cannot starve the rest.
  for (int rounds = 0; rounds < 16 && c.sol; ++rounds) {
    ssize_t n = ::read(c.sol->fd(), buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    if (n <= 0) {
      sol_closed(c, steady::now());
      return;
    }
    const char* p = buf;
    size_t len = static_cast<size_t>(n);
    if (!c.up) {
      // The engine's NUL: the session is up.
      if (*p == '\0') {
        ++p;
        --len;
      }
      c.up = true;
      c.up_since = steady::now();
      c.backoff = steady::duration::zero();
      set_state(c, "up");
      c.last_error.clear();
      if (c.lost) {
        c.last_reconnect = stamp();
        announce(c, "reconnected after " + seconds_text(steady::now() - c.lost_at));
        c.lost = false;
      } else {
        announce(c, "connected", false);
      }
      if (!c.keys.empty()) {
        ssize_t w = ::write(c.sol->fd(), c.keys.data(), c.keys.size());
        if (w > 0) consume_keys(c.keys, static_cast<size_t>(w));
      }
    }
    if (len) output(c, p, len);
  }
}

void ConsoleServer::sol_closed(Console& c, steady::time_point now) {
  Error why = c.sol->failure();
  const bool was_up = c.up;
  drop_sol(c);
  if (was_up) {
    // A lost session reconnects at once, unless it was up only briefly (a
    // BMC that accepts and drops again would loop): then it backs off.
    if (!c.lost) {
      c.lost = true;
      c.lost_at = now;
    }
    const bool stable = now - c.up_since >= settings_.stable;
    c.next_try = stable ? now : now + std::max<steady::duration>(c.backoff, settings_.retry_min);
    if (!stable) c.backoff = next_backoff(c.backoff);
    set_state(c, "waiting");
    c.last_error = why.message;
    announce(c, why.message + ", reconnecting");
    return;
  }
  connect_failed(c, why, now);
}

steady::duration ConsoleServer::next_backoff(steady::duration backoff) const {
  return std::min<steady::duration>(std::max<steady::duration>(backoff * 2, settings_.retry_min), settings_.retry_max);
}

void ConsoleServer::connect_failed(Console& c, const Error& why, steady::time_point now) {
  // Typed passwords are not retried when refused.
  if (why.code == Errc::access_denied && c.spec.password.empty()) {
    set_state(c, "down");
    c.last_error = why.message;
    const std::vector<uint64_t> ids = c.clients;
    for (uint64_t id : ids) close_client(c, id, why.message);
    c.typed = Secret();
    return;
  }
  c.backoff = next_backoff(c.backoff);
  c.next_try = now + c.backoff;
  const bool busy = why.code == Errc::exists;
  set_state(c, busy ? "busy" : "waiting");
  if (why.message != c.last_error) {
    c.last_error = why.message;
    std::string text = why.message + "; trying again every " + seconds_text(settings_.retry_max) + " at most";
    if (busy) {
      text += " (an operator can take it over, jumpctl console " + c.spec.name + " --force";
      // Ending it takes a session of the jumphost's own: a stored password.
      if (!c.spec.password.empty()) text += ", or end it, jumpctl console " + c.spec.name + " --deactivate";
      text += ")";
    }
    announce(c, text);
  }
}

// ---- output ----

void ConsoleServer::output(Console& c, const char* data, size_t n) {
  // The ring stays within replay_bytes: trimmed before the append, since an
  // append past its capacity would double it (16 KiB a console for 8).
  const size_t cap = settings_.replay_bytes;
  if (n >= cap) {
    c.ring.assign(data + (n - cap), cap);
  } else {
    if (c.ring.size() + n > cap) c.ring.erase(0, c.ring.size() + n - cap);
    if (c.ring.capacity() < cap) c.ring.reserve(cap);
    c.ring.append(data, n);
  }
  log_bytes(c, data, n);
  for (uint64_t id : c.clients) {
    Client& cl = *c.by_id[id];
    enqueue(cl, data, n);
    flush(cl);
  }
}

void ConsoleServer::enqueue(Client& cl, const char* data, size_t n) {
  const size_t cap = settings_.client_buffer + settings_.replay_bytes + console::kMaxPacket;
  if (cl.out_bytes + n > cap) {
    // A slow reader skips ahead; nobody else waits for it. Whatever it asked
    // for (replays, who) counts too, so a client that never reads holds at
    // most `cap` however much it asks.
    for (const std::string& p : cl.out) cl.skipped += p.size();
    cl.out.clear();
    cl.out_bytes = 0;
  }
  if (cl.skipped) {
    const std::string note =
        note_line(cl.console, std::to_string(cl.skipped) + " bytes skipped: your connection is too slow");
    cl.skipped = 0;
    cl.out.push_back(note);
    cl.out_bytes += note.size() + kPacketOverhead;
  }
  // Small writes join the last waiting packet; each packet is charged its
  // bookkeeping too, so many tiny outputs cannot exceed the cap in memory.
  for (size_t off = 0; off < n;) {
    if (!cl.out.empty() && cl.out.back().size() < console::kMaxPacket) {
      const size_t room = std::min(n - off, console::kMaxPacket - cl.out.back().size());
      cl.out.back().append(data + off, room);
      cl.out_bytes += room;
      off += room;
      continue;
    }
    const size_t len = std::min(n - off, console::kMaxPacket);
    cl.out.emplace_back(data + off, len);
    cl.out_bytes += len + kPacketOverhead;
    off += len;
  }
}

void ConsoleServer::tell(Client& cl, const std::string& line) {
  enqueue(cl, line.data(), line.size());
  flush(cl);
}

void ConsoleServer::announce(Console& c, const std::string& text, bool to_log) {
  const std::string line = note_line(c.spec.name, text);
  for (uint64_t id : c.clients) tell(*c.by_id[id], line);
  if (to_log) log_marker(c, text, stamp());
}

void ConsoleServer::log_marker(Console& c, const std::string& text, const std::string& when) {
  const std::string marked = "\r\n[console " + c.spec.name + " " + when + ": " + text + "]\r\n";
  log_bytes(c, marked.data(), marked.size());
}

void ConsoleServer::flush(Client& cl) {
  while (!cl.out.empty()) {
    const std::string& p = cl.out.front();
    ssize_t n = ::send(cl.fd, p.data(), p.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      // The client is gone: its read side reports it and closes it.
      cl.out.clear();
      cl.out_bytes = 0;
      break;
    }
    cl.out_bytes -= std::min(cl.out_bytes, p.size() + kPacketOverhead);
    cl.out.pop_front();
  }
  const bool want = !cl.out.empty();
  if (want != cl.want_write) {
    struct epoll_event ev {};
    ev.events = want ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
    ev.data.u64 = cl.id;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, cl.fd, &ev);
    cl.want_write = want;
  }
}

// ---- the log ----

std::string ConsoleServer::log_path(const std::string& bmc, int k) const {
  const std::string path = settings_.log_dir + "/" + bmc + ".log";
  return k == 0 ? path : path + "." + std::to_string(k);
}

void ConsoleServer::log_bytes(Console& c, const char* data, size_t n) {
  if (c.spec.mode == ConsoleLogMode::off || settings_.log_dir.empty()) return;
  const std::string path = log_path(c.spec.name);
  // A failure is logged once, and the log tried again 10 s later, not at
  // every byte the BMC sends.
  auto failed = [&](const std::string& why) {
    if (!c.log_failed)
      log::error("console " + c.spec.name + ": " + why + "; its output is not logged until that is mended",
                 {"console-log", c.spec.name, c.spec.owner, "", "failed"});
    c.log_failed = true;
    c.log_retry = steady::now() + std::chrono::seconds(10);
    return false;
  };
  auto open_log = [&]() -> bool {
    if (Status d = prepare_private_dir(settings_.log_dir, kLogDirMode); !d) return failed(d.error().message);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (fd < 0) return failed("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0) {
      ::close(fd);
      return failed(path + " is not a regular file of root's");
    }
    ::fchmod(fd, 0600);
    c.log_fd = fd;
    c.log_size = static_cast<uint64_t>(st.st_size);
    if (c.log_failed) log::notice("console " + c.spec.name + ": logging to " + path + " again");
    c.log_failed = false;
    return true;
  };
  if (c.log_fd < 0 && (steady::now() < c.log_retry || !open_log())) return;
  if (c.log_size > 0 && c.log_size + n > settings_.log_max_bytes) {
    // Rotation between two writes of this thread: no byte is lost.
    ::close(c.log_fd);
    c.log_fd = -1;
    for (int k = settings_.log_keep; k >= 1; --k) {
      const std::string to = log_path(c.spec.name, k);
      if (k == settings_.log_keep) ::unlink(to.c_str());
      ::rename(log_path(c.spec.name, k - 1).c_str(), to.c_str());
    }
    if (settings_.log_keep <= 0) ::unlink(path.c_str());
    if (!open_log()) return;
  }
  for (size_t off = 0; off < n;) {
    ssize_t w = ::write(c.log_fd, data + off, n - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      failed("cannot write " + path + ": " + std::strerror(errno));
      ::close(c.log_fd);
      c.log_fd = -1;
      return;
    }
    off += static_cast<size_t>(w);
  }
  c.log_size += n;
  c.bytes_logged += n;
}

Result<std::string> ConsoleServer::read_log(const std::string& bmc, size_t lines, size_t max_bytes) const {
  // Newest first: NAME.log, then NAME.log.1 ... until enough lines, each
  // read from its end, never more than max_bytes in all.
  std::string text;
  for (int k = 0; k <= settings_.log_keep && text.size() < max_bytes; ++k) {
    auto part = tail_of(log_path(bmc, k), max_bytes - text.size());
    if (!part) return part.error();
    text = *part + text;
    if (static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) > lines) break;
    if (k == 0 && part->empty()) break;
  }
  // Keep the last `lines` lines (a last line without its newline counts).
  size_t cut = text.size();
  size_t seen = 0;
  if (!text.empty() && text.back() == '\n') --cut;
  while (cut > 0) {
    if (text[cut - 1] == '\n' && ++seen == lines) break;
    --cut;
  }
  return text.substr(cut);
}

// ---- clients ----

void ConsoleServer::on_client_readable(Console& c, Client& cl) {
  char buf[console::kMaxPacket + 1];
  for (int rounds = 0; rounds < 16; ++rounds) {
    ssize_t n = ::recv(cl.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      close_client(c, cl.id, "");
      return;
    }
    const auto kind = static_cast<console::Request>(buf[0]);
    const bool has_keyboard = c.keyboard == cl.id;
    switch (kind) {
      case console::Request::data:
        if (!has_keyboard) {
          if (!cl.told_read_only) tell(cl, note_line(c.spec.name, "you are read-only; &F takes the keyboard"));
          cl.told_read_only = true;
          break;
        }
        if (c.keys.size() + static_cast<size_t>(n - 1) > kMaxPendingKeys) {
          tell(cl, note_line(c.spec.name, "the BMC is not taking input; what you typed was dropped"));
          break;
        }
        c.keys.append(buf + 1, static_cast<size_t>(n - 1));
        if (c.sol && c.up) {
          ssize_t w = ::write(c.sol->fd(), c.keys.data(), c.keys.size());
          if (w > 0) consume_keys(c.keys, static_cast<size_t>(w));
        }
        break;
      case console::Request::send_break:
        if (!has_keyboard) {
          tell(cl, note_line(c.spec.name, "only the keyboard's holder sends a break; &F takes it"));
        } else if (!c.sol || !c.up) {
          tell(cl, note_line(c.spec.name, "no break: the BMC is not connected"));
        } else if (Status s = c.sol->send_break(); !s) {
          tell(cl, note_line(c.spec.name, s.error().message));
        } else {
          log::notice("console " + c.spec.name + " break by=" + cl.user,
                      {"console-break", c.spec.name, c.spec.owner, cl.user, "done"});
          announce(c, "break sent by " + cl.user);
        }
        break;
      case console::Request::replay:
        // One at a time: asked again before the last one was read, ignored
        // (a client looping on it costs the loop nothing).
        if (!cl.out.empty()) break;
        tell(cl, note_line(c.spec.name, "the last " + std::to_string(c.ring.size()) + " bytes"));
        tell(cl, c.ring);
        tell(cl, note_line(c.spec.name, "end of replay"));
        break;
      case console::Request::who:
        if (!cl.out.empty()) break;
        tell(cl, note_line(c.spec.name, who_text(c)));
        break;
      case console::Request::take_keyboard:
        if (has_keyboard)
          tell(cl, note_line(c.spec.name, "you have the keyboard"));
        else
          give_keyboard(c, cl);
        break;
      case console::Request::give_keyboard:
        if (has_keyboard) {
          c.keyboard = 0;
          announce(c, cl.user + " gave the keyboard up (&F takes it)", true);
        }
        break;
      default:
        break;  // an unknown request is ignored (a newer client)
    }
  }
}

void ConsoleServer::give_keyboard(Console& c, Client& to) {
  const uint64_t previous = c.keyboard;
  c.keyboard = to.id;
  to.told_read_only = false;
  if (previous && c.by_id.count(previous)) {
    Client& from = *c.by_id[previous];
    tell(from, note_line(c.spec.name, to.user + " took the keyboard; you are read-only now (&F takes it back)"));
  }
  tell(to, note_line(c.spec.name, "you have the keyboard"));
  if (previous)  // a take: in the journal, which the BMC's output cannot forge
    log::notice("console " + c.spec.name + " keyboard to=" + to.user + " from=" +
                    (c.by_id.count(previous) ? c.by_id[previous]->user : std::string("?")),
                {"console-keyboard", c.spec.name, c.spec.owner, to.user, "done"});
  log_marker(c, to.user + " has the keyboard", stamp());
}

std::string ConsoleServer::who_text(const Console& c) const {
  std::string text;
  for (uint64_t id : c.clients) {
    const Client& cl = *c.by_id.at(id);
    if (!text.empty()) text += "; ";
    text += (cl.by_operator ? "operator " : "") + cl.user + (c.keyboard == id ? " (keyboard" : " (read-only") +
            ", since " + rfc3339(cl.since) + ")";
  }
  return "attached: " + (text.empty() ? std::string("nobody") : text) + "; the BMC is " + c.state;
}

void ConsoleServer::close_client(Console& c, uint64_t id, const std::string& why) {
  auto it = c.by_id.find(id);
  if (it == c.by_id.end()) return;
  Client& cl = *it->second;
  if (!why.empty()) {
    const std::string line = note_line(c.spec.name, why);
    ::send(cl.fd, line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  unwatch(id, cl.fd);
  ::close(cl.fd);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - cl.since).count();
  log::notice("console " + c.spec.name + " detach by=" + cl.user + " after " + std::to_string(seconds) + " s",
              {"console-detach", c.spec.name, c.spec.owner, cl.user, "done"});
  const std::string user = cl.user;
  const bool had_keyboard = c.keyboard == id;
  c.clients.erase(std::remove(c.clients.begin(), c.clients.end(), id), c.clients.end());
  c.by_id.erase(it);
  if (had_keyboard) c.keyboard = 0;
  announce(c, user + " detached" + (had_keyboard && !c.clients.empty() ? "; the keyboard is free (&F takes it)" : ""));
  if (c.clients.empty()) {  // a typed password lasts as long as someone is attached
    c.typed = Secret();
  }
  if (!wanted(c)) {
    drop_sol(c);
    if (!deactivating(c)) set_state(c, "down");
  }
}

// ---- the bus thread's calls ----

void ConsoleServer::configure(std::vector<ConsoleSpec> specs) {
  call([&] {
    std::map<std::string, ConsoleSpec> next;
    for (ConsoleSpec& s : specs) next.emplace(s.name, std::move(s));
    std::vector<std::string> gone;
    for (auto& [name, c] : consoles_)
      if (!next.count(name)) gone.push_back(name);
    for (const std::string& name : gone) close_console(name, "the BMC is no longer enrolled");
    const steady::time_point now = steady::now();
    for (auto& [name, spec] : next) {
      auto it = consoles_.find(name);
      if (it != consoles_.end() && it->second->spec.owner != spec.owner) {
        // Another owner: nothing of the previous one's console carries over
        // (sessions, replay, a typed password, the log).
        close_console(name, "the BMC has another owner now");
        it = consoles_.end();
      }
      if (it == consoles_.end()) {
        auto c = std::make_unique<Console>();
        c->spec = std::move(spec);
        if (deactivating(*c)) c->state = "deactivating";  // the one it replaces was
        c->state_since = clock_.now();
        c->next_try = now;
        consoles_.emplace(name, std::move(c));
        continue;
      }
      Console& c = *it->second;
      // New credentials or IPMI settings (jumpctl set): the open session
      // was made with the old ones, and goes; the next connect uses these.
      const bool new_session = c.spec.target.host != spec.target.host || c.spec.target.user != spec.target.user ||
                               !(c.spec.target.settings == spec.target.settings) ||
                               c.spec.password.reveal() != spec.password.reveal();
      c.spec = std::move(spec);
      if (new_session && c.sol) {
        drop_sol(c);
        announce(c, "its IPMI credentials or settings changed, reconnecting", true);
        c.next_try = now;
        set_state(c, "down");
      }
      if (c.spec.mode == ConsoleLogMode::off && c.log_fd >= 0) {
        ::close(c.log_fd);
        c.log_fd = -1;
      }
    }
  });
}

Result<int> ConsoleServer::attach(AttachRequest request) {
  Result<int> result = make_error(Errc::failed, "not run");
  call([&] {
    auto it = consoles_.find(request.bmc);
    if (it == consoles_.end()) {
      result = make_error(Errc::not_found, "BMC " + request.bmc + " has no console");
      return;
    }
    Console& c = *it->second;
    // Operators do not count: a tenant's attachments cannot keep them out.
    size_t tenants_here = 0;
    for (const auto& [id, cl] : c.by_id) tenants_here += !cl->by_operator;
    if (!request.by_operator && tenants_here >= settings_.max_attached) {
      result = make_error(Errc::failed, "the console of " + c.spec.name + " has " + std::to_string(tenants_here) +
                                            " attachments already (the most it takes); detach one first");
      return;
    }
    size_t mine = 0;
    for (const auto& [name, other] : consoles_)
      for (const auto& [id, cl] : other->by_id) mine += cl->user == request.user;
    if (mine >= settings_.max_per_user) {
      result = make_error(Errc::failed, "you have " + std::to_string(mine) +
                                            " console attachments already (the most one user may have); detach one first");
      return;
    }
    if (c.spec.password.empty() && !c.sol) {
      if (request.password.empty()) {
        result = make_error(Errc::invalid_argument,
                            "BMC " + c.spec.name + " has no stored password and its console is not open: its tenant "
                                                   "opens it (and types the password)");
        return;
      }
      c.typed = Secret(std::string(request.password.str()));
    }
    request.password.clear();
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
      result = make_error(Errc::failed, std::string("socketpair: ") + std::strerror(errno));
      return;
    }
    ::fcntl(pair[0], F_SETFL, ::fcntl(pair[0], F_GETFL) | O_NONBLOCK);
    auto cl = std::make_unique<Client>();
    cl->fd = pair[0];
    cl->console = c.spec.name;
    cl->user = request.user;
    cl->by_operator = request.by_operator;
    cl->since = clock_.now();
    cl->id = watch(pair[0], EPOLLIN, Source{Source::Kind::client, c.spec.name, 0});
    if (!cl->id) {
      result = make_error(Errc::failed, std::string("epoll: ") + std::strerror(errno));
      ::close(pair[0]);
      ::close(pair[1]);
      return;
    }
    sources_[cl->id].client = cl->id;
    Client& client = *cl;
    c.by_id.emplace(cl->id, std::move(cl));
    c.clients.push_back(client.id);
    const std::string role = request.by_operator ? "operator " + request.user : request.user;
    log::notice("console " + c.spec.name + " attach by=" + request.user + ": done",
                {"console-attach", c.spec.name, c.spec.owner, request.user, "done"});
    // The replay first, then the state, then live output.
    if (!c.ring.empty()) {
      tell(client, "[console " + c.spec.name + ": the last " + std::to_string(c.ring.size()) + " bytes]\r\n");
      tell(client, c.ring);
      tell(client, note_line(c.spec.name, "live"));
    }
    using console::AttachMode;
    if (request.mode == AttachMode::force || (request.mode == AttachMode::normal && c.keyboard == 0)) {
      give_keyboard(c, client);
    } else {
      const std::string holder = c.keyboard ? c.by_id[c.keyboard]->user : "nobody";
      tell(client, note_line(c.spec.name, "read-only; " + holder + " has the keyboard (&F takes it)"));
    }
    announce(c, role + " attached", true);
    if (request.mode == AttachMode::force && request.by_operator && c.state == "busy") {
      // An operator's --force also takes a SOL session held elsewhere.
      log::notice("console " + c.spec.name + " take-over by=" + request.user +
                      ": the SOL session held outside the jumphost is ended",
                  {"console-take-over", c.spec.name, c.spec.owner, request.user, "done"});
      c.take_over = true;
      c.next_try = steady::now();
    }
    if (deactivating(c)) {
      tell(client, note_line(c.spec.name, "an operator is deactivating the BMC's SOL session; connecting after that"));
    } else if (!c.sol) {
      if (c.state == "down") c.next_try = steady::now();
      tell(client, note_line(c.spec.name, c.state == "down" ? std::string("connecting to the BMC")
                                                            : "the BMC is " + c.state +
                                                                  (c.last_error.empty() ? "" : ": " + c.last_error)));
    } else if (!c.up) {
      tell(client, note_line(c.spec.name, "connecting to the BMC"));
    }
    result = pair[1];
  });
  return result;
}

void ConsoleServer::close_console(const std::string& name, const std::string& why) {
  auto it = consoles_.find(name);
  if (it == consoles_.end()) return;
  Console& c = *it->second;
  const std::vector<uint64_t> ids = c.clients;
  for (uint64_t id : ids) close_client(c, id, why);
  const std::string when = stamp();
  log_marker(c, why, when);
  drop_sol(c);
  if (c.log_fd >= 0) ::close(c.log_fd);
  // The logs move aside (NAME.log.ended-WHEN...): a BMC enrolled again under
  // this name, perhaps for another tenant, starts a log of its own, and no
  // tenant reads what the previous owner's machine printed. Operators find
  // them in the directory.
  const std::string path = log_path(name);
  std::string aside = path + ".ended-" + when;
  for (int n = 2; ::access(aside.c_str(), F_OK) == 0; ++n) aside = path + ".ended-" + when + "-" + std::to_string(n);
  for (int k = 0; k <= settings_.log_keep; ++k) {
    const std::string to = aside + (k == 0 ? "" : "." + std::to_string(k));
    ::rename(log_path(name, k).c_str(), to.c_str());
  }
  consoles_.erase(it);
}

void ConsoleServer::end(const std::string& bmc, const std::string& why) {
  call([&] { close_console(bmc, why); });
}

Result<AfterDeactivation> ConsoleServer::deactivate(const std::string& bmc, const std::string& by) {
  BmcTarget target;
  std::string owner;
  Status ready = ok_status();
  // Audited here, where the outcome is known: refused, started, done or
  // failed, each journaled when it happens (not when the caller is answered).
  auto audit = [&](const std::string& result, const std::string& text) {
    const std::string line = "console " + bmc + " deactivate by=" + by + ": " + text;
    log::Fields f{"console-deactivate", bmc, owner, by, result};
    if (result == "failed") log::warning(line, f);
    else log::notice(line, f);
  };
  call([&] {
    auto refuse = [&](Errc code, const std::string& why) {
      ready = make_error(code, why);
      audit("refused", "refused: " + why);
    };
    auto it = consoles_.find(bmc);
    if (it == consoles_.end()) return refuse(Errc::not_found, "BMC " + bmc + " has no console");
    Console& c = *it->second;
    owner = c.spec.owner;
    if (deactivating(c)) return refuse(Errc::exists, "BMC " + bmc + ": its SOL session is being deactivated already");
    // A password a tenant typed for their own console is theirs: an
    // operator's action uses only the stored one.
    if (c.spec.password.empty())
      return refuse(Errc::invalid_argument, "BMC " + bmc + " has no stored password (its tenant types it), so the "
                                            "jumphost cannot open the session that deactivates its SOL");
    target = c.spec.target;
    target.password = SecretText(std::string(c.spec.password.reveal()));
    // Our own session goes first, so that what is deactivated is the other
    // one; nothing connects under this name until the BMC has answered,
    // the console that a change may put in this one's place included.
    drop_sol(c);
    set_state(c, "deactivating");
    announce(c, "operator " + by + " is deactivating the BMC's SOL session");
    audit("started", "started");
    deactivations_.insert(bmc);
  });
  IJ_TRY(ready);
  Status done = make_error(Errc::failed, "BMC " + bmc + ": the deactivation did not run");
  try {
    done = bmc_.deactivate_sol(target);
  } catch (const std::exception& e) {  // the console must not stay held
    done = make_error(Errc::failed, "BMC " + bmc + ": deactivating its SOL session: " + e.what());
  }
  target.password.clear();
  AfterDeactivation after = AfterDeactivation::gone;
  call([&] {
    deactivations_.erase(bmc);  // ours: a second one for the BMC is refused while it runs
    if (done) audit("done", "done");
    else audit("failed", "FAILED: " + done.error().message);
    auto it = consoles_.find(bmc);
    if (it == consoles_.end()) return;  // revoked meanwhile
    Console& c = *it->second;
    c.take_over = false;
    c.backoff = steady::duration::zero();
    c.next_try = steady::now();
    if (!done) c.last_error = done.error().message;
    else if (c.state == "deactivating") c.last_error.clear();
    if (c.state == "deactivating") set_state(c, "down");
    const bool reconnects = wanted(c);
    after = reconnects ? AfterDeactivation::connects : AfterDeactivation::free;
    announce(c, done ? "the BMC's SOL session was deactivated by operator " + by +
                           (reconnects ? "; connecting" : "; it is free")
                     : "operator " + by + " could not deactivate the BMC's SOL session: " + done.error().message);
  });
  if (!done) return done.error();
  return after;
}

void ConsoleServer::note(const std::string& bmc, const std::string& text) {
  call([&] {
    auto it = consoles_.find(bmc);
    if (it != consoles_.end()) announce(*it->second, text);
  });
}

std::vector<bus::ConsoleView> ConsoleServer::views() {
  std::vector<bus::ConsoleView> out;
  call([&] {
    for (const auto& [name, c] : consoles_) {
      bus::ConsoleView v;
      v.name = name;
      v.owner = c->spec.owner;
      v.log = std::string(console_log_mode_name(c->spec.mode));
      v.state = c->state;
      v.state_since = rfc3339(c->state_since);
      v.last_error = c->last_error;
      v.last_reconnect = c->last_reconnect;
      v.bytes_logged = c->bytes_logged;
      for (uint64_t id : c->clients) {
        const Client& cl = *c->by_id.at(id);
        v.attached.push_back(bus::ConsoleClientView{cl.user, cl.by_operator, c->keyboard == id, rfc3339(cl.since)});
      }
      out.push_back(std::move(v));
    }
  });
  return out;
}

size_t ConsoleServer::attached_count() {
  size_t n = 0;
  call([&] {
    for (const auto& [name, c] : consoles_) n += c->clients.size();
  });
  return n;
}

}  // namespace ij
