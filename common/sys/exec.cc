#include "common/sys/exec.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/base/strings.h"

namespace ij {
namespace {

// The environment every child gets: nothing inherited from the caller.
const char* const kChildEnv[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", nullptr};

std::string last_line(const std::string& text) {
  std::vector<std::string> lines = split_lines(std::string(trim(text)));
  return lines.empty() ? std::string() : std::string(trim(lines.back()));
}

}  // namespace

Result<ExecResult> run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  if (argv.empty() || argv[0].empty() || argv[0][0] != '/')
    return make_error(Errc::failed, "internal: a program must be run by absolute path");
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) < 0) return make_error(Errc::failed, std::string("pipe: ") + std::strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t all_default;
  sigfillset(&all_default);
  posix_spawnattr_setsigdefault(&attr, &all_default);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), const_cast<char* const*>(kChildEnv));
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pipefd[1]);
  if (rc != 0) {
    ::close(pipefd[0]);
    return make_error(Errc::failed, "cannot run " + argv[0] + ": " + std::strerror(rc));
  }

  ExecResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    struct pollfd p {pipefd[0], POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = ::read(pipefd[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (result.output.size() < kMaxExecOutput)
      result.output.append(buf, std::min(static_cast<size_t>(got), kMaxExecOutput - result.output.size()));
  }
  ::close(pipefd[0]);
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    return make_error(Errc::failed, argv[0] + " timed out after " + std::to_string(timeout.count()) +
                                        " ms and was killed");
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

Status run_checked(const std::vector<std::string>& argv) {
  auto r = run_program(argv);
  if (!r) return r.error();
  if (r->exit_code != 0) {
    std::string why = last_line(r->output);
    return make_error(Errc::failed, argv[0] + " exited with " + std::to_string(r->exit_code) +
                                        (why.empty() ? "" : ": " + why));
  }
  return ok_status();
}

}  // namespace ij
