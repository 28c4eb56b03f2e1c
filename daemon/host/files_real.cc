#include "daemon/host/files_real.h"

#include <grp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "common/sys/fs.h"

namespace ij {

Result<std::optional<std::string>> RealFiles::read(const std::string& path) { return read_file(path); }
Status RealFiles::write(const std::string& path, const std::string& content, mode_t mode, const std::string& group) {
  gid_t gid = static_cast<gid_t>(-1);
  if (!group.empty()) {
    struct group* g = ::getgrnam(group.c_str());
    if (!g) return make_error(Errc::failed, "cannot write " + path + ": no group " + group);
    gid = g->gr_gid;
  }
  return write_file_atomic(path, content, mode, gid);
}

Result<std::optional<Files::Access>> RealFiles::access(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) {
    if (errno == ENOENT) return std::optional<Access>{};
    return make_error(Errc::failed, "cannot stat " + path + ": " + std::strerror(errno));
  }
  struct group* g = ::getgrgid(st.st_gid);
  return std::optional<Access>(
      Access{st.st_mode & 07777, g ? g->gr_name : std::to_string(st.st_gid), st.st_uid, S_ISDIR(st.st_mode)});
}
Status RealFiles::remove(const std::string& path) { return remove_file(path); }
Result<std::vector<std::string>> RealFiles::list(const std::string& dir) { return list_dir(dir); }

}  // namespace ij
