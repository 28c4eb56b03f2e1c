#include "common/sys/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ij {
namespace {

Error errno_error(const std::string& what) { return make_error(Errc::failed, what + ": " + std::strerror(errno)); }

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::optional<std::string>> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return errno_error("cannot open " + path);
  }
  // Read straight into the string, with no buffer between: the state file
  // holds BMC passwords, and a stack buffer would keep a copy after return.
  std::string content;
  size_t used = 0;
  for (;;) {
    if (content.size() - used < 4096) content.resize(content.size() + 8192);
    ssize_t n = ::read(fd, content.data() + used, content.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = errno_error("cannot read " + path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  content.resize(used);
  return std::optional<std::string>(std::move(content));
}

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode, gid_t gid) {
  std::string tmp = dir_of(path) + "/.#" + path.substr(path.rfind('/') + 1) + ".ij-tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return errno_error("cannot create " + tmp);
  auto fail = [&](const std::string& what) -> Status {
    Error e = errno_error(what);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  if (gid != static_cast<gid_t>(-1) && ::fchown(fd, static_cast<uid_t>(-1), gid) < 0)
    return fail("cannot set the group of " + tmp);
  if (::fchmod(fd, mode) < 0) return fail("cannot set the mode of " + tmp);  // not subject to umask
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write " + tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) < 0) return fail("cannot sync " + tmp);
  if (::close(fd) < 0) {
    Error e = errno_error("cannot close " + tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    Error e = errno_error("cannot rename " + tmp + " to " + path);
    ::unlink(tmp.c_str());
    return e;
  }
  int dfd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // makes the rename durable
    ::close(dfd);
  }
  return ok_status();
}

Status write_proc(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::failed, "cannot open " + path + ": " + std::strerror(errno));
  ssize_t n = ::write(fd, value.data(), value.size());
  int saved = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size()))
    return make_error(Errc::failed, "cannot write " + path + ": " + std::strerror(saved));
  return ok_status();
}

Status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) < 0 && errno != ENOENT) return errno_error("cannot remove " + path);
  return ok_status();
}

Status ensure_dir(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST) return errno_error("cannot create directory " + path);
  struct stat st {};
  if (::lstat(path.c_str(), &st) < 0) return errno_error("cannot stat " + path);
  if (!S_ISDIR(st.st_mode)) return make_error(Errc::failed, path + " exists and is not a directory");
  if ((st.st_mode & 07777) != mode && ::chmod(path.c_str(), mode) < 0)
    return errno_error("cannot set the mode of " + path);
  return ok_status();
}

namespace {

// Makes the missing ancestors of `path`, 0755, outermost first.
Status make_parents(const std::string& path) {
  const std::string parent = dir_of(path);
  if (parent == path || parent == "/" || parent == ".") return ok_status();
  struct stat st {};
  if (::stat(parent.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return make_error(Errc::failed, parent + " exists and is not a directory");
    return ok_status();
  }
  if (errno != ENOENT) return errno_error("cannot stat " + parent);
  IJ_TRY(make_parents(parent));
  return ensure_dir(parent, 0755);
}

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

Status prepare_private_dir(const std::string& path, mode_t mode) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) < 0) {
    if (errno != ENOENT) return errno_error("cannot stat " + path);
    IJ_TRY(make_parents(path));
    return ensure_dir(path, mode);
  }
  if (!S_ISDIR(st.st_mode)) return make_error(Errc::failed, path + " is not a directory");
  if (st.st_uid != 0 || (st.st_mode & 022))
    return make_error(Errc::failed, path + " must be root's and writable by nobody else (it is uid " +
                                        std::to_string(st.st_uid) + "'s, mode " + octal_mode(st.st_mode) + ")");
  return ok_status();
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* d = ::opendir(path.c_str());
  if (!d) {
    if (errno == ENOENT) return names;
    return errno_error("cannot list " + path);
  }
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  return names;
}

}  // namespace ij
