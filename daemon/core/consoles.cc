#include "daemon/core/consoles.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>
#include <thread>

#include "common/base/log.h"

namespace ij {
namespace {

// Copies what is readable on `from` to `to`; false on EOF or error.
bool pump(int from, int to) {
  char buf[4096];
  ssize_t n = ::read(from, buf, sizeof buf);
  if (n == 0) return false;
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct pollfd p = {to, POLLOUT, 0};
        ::poll(&p, 1, 1000);
        continue;
      }
      return false;
    }
    off += w;
  }
  return true;
}

}  // namespace

Status Consoles::reserve(const std::string& bmc, const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = open_.find(bmc);
  if (it != open_.end())
    return make_error(Errc::exists, "the console of " + bmc + " is already attached (by " + it->second.tenant +
                                        " since " + rfc3339(it->second.since) + "); detach that one with &. first");
  open_[bmc] = Entry{tenant, clock_.now(), nullptr};
  return ok_status();
}

void Consoles::release(const std::string& bmc) {
  std::lock_guard<std::mutex> lock(mutex_);
  open_.erase(bmc);
}

Result<int> Consoles::attach(const std::string& bmc, std::unique_ptr<SolSession> session) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
    release(bmc);
    return make_error(Errc::failed, std::string("socketpair: ") + std::strerror(errno));
  }
  std::shared_ptr<SolSession> shared(std::move(session));
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    std::thread(&Consoles::relay, this, bmc, shared, pair[0]).detach();
  } catch (const std::system_error& e) {
    open_.erase(bmc);
    ::close(pair[0]);
    ::close(pair[1]);
    return make_error(Errc::failed, std::string("cannot start the console's relay: ") + e.what());
  }
  // The relay waits for this lock before it reads its entry.
  ++relays_;
  open_[bmc].session = shared;
  open_[bmc].relay_fd = pair[0];
  return pair[1];
}

void Consoles::relay(std::string bmc, std::shared_ptr<SolSession> session, int ours) {
  const int sol = session->fd();
  for (;;) {
    struct pollfd fds[2] = {{sol, POLLIN, 0}, {ours, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(sol, ours)) break;
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(ours, sol)) break;
    }
  }
  Entry entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    entry = open_[bmc];
    open_.erase(bmc);
  }
  ::close(ours);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - entry.since).count();
  log::notice("console " + bmc + " detach by=" + entry.tenant + " after " + std::to_string(seconds) + " s",
              {"console-detach", bmc, entry.tenant, entry.tenant, "done"});
  // The SOL session closes with the last reference, before we say we are done.
  entry.session.reset();
  session.reset();
  // The last use of this object: ~Consoles may return as soon as it sees 0.
  std::lock_guard<std::mutex> lock(mutex_);
  --relays_;
  idle_.notify_all();
}

Consoles::~Consoles() {
  // Relay threads refer to this object: end them and wait until the last
  // one is gone. Shutting our end of a socket pair down wakes its relay.
  std::unique_lock<std::mutex> lock(mutex_);
  for (const auto& [bmc, e] : open_)
    if (e.relay_fd >= 0) ::shutdown(e.relay_fd, SHUT_RDWR);
  idle_.wait(lock, [&] { return relays_ == 0; });
}

bool Consoles::end(const std::string& bmc, const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = open_.find(bmc);
  if (it == open_.end() || it->second.relay_fd < 0) return false;
  // Best effort: the tenant may be gone already; the shutdown ends the relay.
  [[maybe_unused]] ssize_t n = ::send(it->second.relay_fd, line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(it->second.relay_fd, SHUT_RDWR);
  return true;
}

Status Consoles::send_break(const std::string& bmc, const std::string& tenant) {
  std::shared_ptr<SolSession> session;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = open_.find(bmc);
    if (it == open_.end() || it->second.tenant != tenant || !it->second.session)
      return make_error(Errc::not_found, "you have no console of " + bmc + " attached");
    session = it->second.session;
  }
  return session->send_break();
}

size_t Consoles::open_count() {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_.size();
}

}  // namespace ij
