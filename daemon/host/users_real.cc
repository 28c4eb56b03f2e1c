#include "daemon/host/users_real.h"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/sys/exec.h"
#include "common/sys/nss.h"

namespace ij {
namespace {

int passwd_by_name(const std::string& user, struct passwd& pw, std::vector<char>& buf) {
  return nss_lookup(::getpwnam_r, user.c_str(), pw, buf);
}

int group_by_name(const std::string& name, struct group& gr, std::vector<char>& buf) {
  return nss_lookup(::getgrnam_r, name.c_str(), gr, buf);
}

// Whether the user `pw` is in the group of gid `gid`, as sshd's Match Group
// finds out (getgrouplist: the primary group and every supplementary one).
bool member_of(const struct passwd& pw, gid_t gid) {
  int n = 64;
  std::vector<gid_t> groups(static_cast<size_t>(n));
  if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<size_t>(n));
    if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) < 0) return false;
  }
  groups.resize(static_cast<size_t>(n));
  for (gid_t g : groups)
    if (g == gid) return true;
  return false;
}

}  // namespace

Result<std::optional<uid_t>> RealUsers::lookup(const std::string& user) {
  struct passwd pw {};
  std::vector<char> buf;
  int rc = passwd_by_name(user, pw, buf);
  if (rc == 0) return std::optional<uid_t>(pw.pw_uid);
  if (rc != ENOENT) return make_error(Errc::failed, "cannot look up user " + user + ": " + std::strerror(rc));
  return std::optional<uid_t>{};
}

Result<bool> RealUsers::in_group(const std::string& user, const std::string& group) {
  struct passwd pw {};
  struct group gr {};
  std::vector<char> pbuf, gbuf;
  int rc = passwd_by_name(user, pw, pbuf);
  if (rc == ENOENT) return false;
  if (rc != 0) return make_error(Errc::failed, "cannot look up user " + user + ": " + std::strerror(rc));
  rc = group_by_name(group, gr, gbuf);
  if (rc == ENOENT) return false;
  if (rc != 0) return make_error(Errc::failed, "cannot look up group " + group + ": " + std::strerror(rc));
  return member_of(pw, gr.gr_gid);
}

Result<std::map<std::string, uid_t>> RealUsers::lookup_many(const std::set<std::string>& users) {
  std::map<std::string, uid_t> out;
  if (FILE* f = std::fopen("/etc/passwd", "re")) {
    struct passwd pw {};
    struct passwd* found = nullptr;
    char buf[4096];
    while (::fgetpwent_r(f, &pw, buf, sizeof buf, &found) == 0 && found)
      if (users.count(found->pw_name)) out.emplace(found->pw_name, found->pw_uid);
    std::fclose(f);
  }
  for (const std::string& user : users) {
    if (out.count(user)) continue;
    auto uid = lookup(user);
    if (!uid) return uid.error();
    if (uid->has_value()) out[user] = **uid;
  }
  return out;
}

Status RealUsers::ensure_group(const std::string& group) {
  auto exists = group_exists(group);
  if (!exists) return exists.error();
  if (*exists) return ok_status();
  return run_checked({"/usr/sbin/groupadd", "--system", "--", group});
}

Result<bool> RealUsers::group_exists(const std::string& group) {
  struct group gr {};
  std::vector<char> buf;
  int rc = group_by_name(group, gr, buf);
  if (rc == 0) return true;
  if (rc != ENOENT) return make_error(Errc::failed, "cannot look up group " + group + ": " + std::strerror(rc));
  return false;
}

Status RealUsers::add(const std::string& user, const std::string& group, const std::string& shell,
                      const std::string& home) {
  // "*" is no valid hash, so no password logs in; unlike useradd's default
  // "!" sshd does not treat it as a locked account (auth.c allowed_user).
  return run_checked({"/usr/sbin/useradd", "--gid", group, "--shell", shell, "--home-dir", home,
                      "--no-create-home", "--no-user-group", "--password", "*", "--comment",
                      "ipmi-jumphost tenant", "--", user});
}

namespace {
// Sends SIGKILL to every process of `uid`: a child takes the uid and signals
// all it may (kill(2) with pid -1), so no process list is parsed.
void kill_processes_of(uid_t uid) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::setresgid(65534, 65534, 65534) == 0 && ::setgroups(0, nullptr) == 0 && ::setresuid(uid, uid, uid) == 0)
      ::kill(-1, SIGKILL);
    ::_exit(0);
  }
  if (pid > 0) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}
}  // namespace

Status RealUsers::remove(const std::string& user) {
  auto uid = lookup(user);
  if (!uid) return uid.error();
  if (!uid->has_value()) return ok_status();
  if (**uid == 0) return make_error(Errc::failed, "refusing to remove user " + user + " with uid 0");
  // userdel refuses (exit 8) while a process of the user is still exiting.
  Status last = ok_status();
  for (int attempt = 0; attempt < 20; ++attempt) {
    kill_processes_of(**uid);
    auto r = run_program({"/usr/sbin/userdel", "--", user});
    if (!r) return r.error();
    if (r->exit_code == 0) return ok_status();
    last = make_error(Errc::failed, "userdel exited with " + std::to_string(r->exit_code) + ": " + r->output);
    if (r->exit_code != 8) break;
    ::usleep(100 * 1000);
  }
  return last;
}

Status RealUsers::end_sessions(const std::string& user) {
  auto uid = lookup(user);
  if (!uid) return uid.error();
  if (!uid->has_value()) return ok_status();
  if (**uid == 0) return make_error(Errc::failed, "refusing to end the sessions of user " + user + " with uid 0");
  kill_processes_of(**uid);
  return ok_status();
}

namespace {
int passwd_by_uid(uid_t uid, struct passwd& pw, std::vector<char>& buf) {
  return nss_lookup(::getpwuid_r, uid, pw, buf);
}
}  // namespace

bool user_in_group(uid_t uid, const std::string& group) {
  if (uid == 0) return true;
  struct passwd pw {};
  struct group gr {};
  std::vector<char> pbuf, gbuf;
  if (passwd_by_uid(uid, pw, pbuf) != 0 || group_by_name(group, gr, gbuf) != 0) return false;
  return member_of(pw, gr.gr_gid);
}

std::optional<std::string> user_name_of(uid_t uid) {
  struct passwd pw {};
  std::vector<char> buf;
  if (passwd_by_uid(uid, pw, buf) != 0) return std::nullopt;
  return std::string(pw.pw_name);
}

}  // namespace ij
