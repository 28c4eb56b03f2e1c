#include "daemon/host/files_real.h"

#include <grp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/sys/fs.h"
#include "common/sys/nss.h"

namespace ij {
namespace {

std::optional<std::string> group_name_of(gid_t gid) {
  std::vector<char> buf;
  struct group gr {};
  if (nss_lookup(::getgrgid_r, gid, gr, buf) != 0) return std::nullopt;
  return std::string(gr.gr_name);
}

std::optional<gid_t> gid_of(const std::string& name) {
  std::vector<char> buf;
  struct group gr {};
  if (nss_lookup(::getgrnam_r, name.c_str(), gr, buf) != 0) return std::nullopt;
  return gr.gr_gid;
}

}  // namespace

Result<std::optional<std::string>> RealFiles::read(const std::string& path) { return read_file(path); }
Status RealFiles::write(const std::string& path, const std::string& content, mode_t mode, const std::string& group) {
  gid_t gid = static_cast<gid_t>(-1);
  if (!group.empty()) {
    auto g = gid_of(group);
    if (!g) return make_error(Errc::failed, "cannot write " + path + ": no group " + group);
    gid = *g;
  }
  return write_file_atomic(path, content, mode, gid);
}

Result<std::optional<Files::Access>> RealFiles::access(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) {
    if (errno == ENOENT) return std::optional<Access>{};
    return make_error(Errc::failed, "cannot stat " + path + ": " + std::strerror(errno));
  }
  return std::optional<Access>(Access{st.st_mode & 07777, group_name_of(st.st_gid).value_or(std::to_string(st.st_gid)),
                                      st.st_uid, S_ISDIR(st.st_mode)});
}
Status RealFiles::remove(const std::string& path) { return remove_file(path); }
Result<std::vector<std::string>> RealFiles::list(const std::string& dir) { return list_dir(dir); }

}  // namespace ij
