// Files on the real file system: atomic replace (temp + fsync + rename + fsync
// of the directory), so a crash at any point leaves the old or the new file.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace ij {

// The file's content, nullopt when it does not exist.
Result<std::optional<std::string>> read_file(const std::string& path);
// `gid`: the file's group, when not (gid_t)-1 (then root's process keeps
// its own).
Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode,
                         gid_t gid = static_cast<gid_t>(-1));
// Writes a value into an existing kernel file (/proc/sys/...), in place.
Status write_proc(const std::string& path, const std::string& value);
// Removes a file; a missing file is not an error.
Status remove_file(const std::string& path);
// Creates a directory (not its parents) if missing, and sets its mode.
Status ensure_dir(const std::string& path, mode_t mode);
// A directory only root writes to (console logs, SDR caches): made with
// `mode` if missing (missing parents 0755). One that exists is never
// chmod-ed (the setting might name a system directory): it must be a
// directory of uid 0 that neither group nor others may write, or an error
// says what it is.
Status prepare_private_dir(const std::string& path, mode_t mode);
// Names (not paths) of the entries in a directory; empty if it does not exist.
Result<std::vector<std::string>> list_dir(const std::string& path);

}  // namespace ij
