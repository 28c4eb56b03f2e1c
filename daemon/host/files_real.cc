#include "daemon/host/files_real.h"

#include "common/sys/fs.h"

namespace ij {

Result<std::optional<std::string>> RealFiles::read(const std::string& path) { return read_file(path); }
Status RealFiles::write(const std::string& path, const std::string& content, mode_t mode) {
  return write_file_atomic(path, content, mode);
}
Status RealFiles::remove(const std::string& path) { return remove_file(path); }
Result<std::vector<std::string>> RealFiles::list(const std::string& dir) { return list_dir(dir); }

}  // namespace ij
