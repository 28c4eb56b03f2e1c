#include "common/console/client.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/console/escape.h"
#include "common/console/protocol.h"

namespace ij::console {
namespace {

struct termios g_saved;
bool g_raw = false;

void on_signal(int) {
  restore_terminal();
  _exit(1);
}

void enter_raw_mode() {
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &g_saved) < 0) return;
  struct termios raw = g_saved;
  cfmakeraw(&raw);
  // TCSANOW, not TCSAFLUSH: what the user typed ahead is console input.
  g_raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  for (int s : {SIGHUP, SIGTERM, SIGINT, SIGQUIT}) signal(s, on_signal);
}

bool say(const std::string& text) { return write_all(STDOUT_FILENO, text.data(), text.size()); }

// One request packet; false when the daemon has gone.
bool request(int fd, Request r, const char* data = nullptr, size_t n = 0) {
  std::string packet(1, static_cast<char>(r));
  if (n) packet.append(data, n);
  for (;;) {
    ssize_t w = ::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL);
    if (w >= 0) return true;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      struct pollfd p = {fd, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    return false;
  }
}

}  // namespace

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

void restore_terminal() {
  if (g_raw) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
  g_raw = false;
}

int run_console(int fd, const std::string& name) {
  say("[console of " + name + " attached; &. detaches, &? help]\r\n");
  enter_raw_mode();
  EscapeFilter escapes;
  bool detached = false;
  bool closed = false;
  char buf[kMaxPacket + 1];
  while (!detached && !closed) {
    struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {fd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        closed = true;
        break;
      }
      if (!write_all(STDOUT_FILENO, buf, static_cast<size_t>(n))) {
        detached = true;
        break;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      // Reads stay below a packet's size with its request byte.
      ssize_t n = ::read(STDIN_FILENO, buf, kMaxPacket - 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        detached = true;
        break;
      }
      for (const EscapeEvent& e : escapes.feed(std::string_view(buf, static_cast<size_t>(n)))) {
        bool sent = true;
        switch (e.kind) {
          case EscapeEvent::Kind::data: sent = request(fd, Request::data, e.bytes.data(), e.bytes.size()); break;
          case EscapeEvent::Kind::detach: detached = true; break;
          case EscapeEvent::Kind::help: say(kEscapeHelp); break;
          case EscapeEvent::Kind::send_break: sent = request(fd, Request::send_break); break;
          case EscapeEvent::Kind::take_keyboard: sent = request(fd, Request::take_keyboard); break;
          case EscapeEvent::Kind::give_keyboard: sent = request(fd, Request::give_keyboard); break;
          case EscapeEvent::Kind::replay: sent = request(fd, Request::replay); break;
          case EscapeEvent::Kind::who: sent = request(fd, Request::who); break;
        }
        if (!sent) closed = true;
      }
    }
  }
  // What the daemon said last (why it closed) is read before we go.
  if (closed) {
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      write_all(STDOUT_FILENO, buf, static_cast<size_t>(n));
    }
  }
  restore_terminal();
  say(detached ? "\r\n[console detached]\r\n" : "\r\n[console closed by the jumphost]\r\n");
  return detached ? 0 : 1;
}

}  // namespace ij::console
