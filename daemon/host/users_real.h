#pragma once

#include "daemon/host/host.h"

namespace ij {

// Users and groups through the system's own tools (useradd, userdel,
// groupadd), each run with an argv and never through a shell.
class RealUsers : public Users {
 public:
  Result<std::optional<uid_t>> lookup(const std::string& user) override;
  // Reads /etc/passwd (where useradd puts the tenants) once; a name not
  // found there is asked of NSS like lookup() does.
  Result<std::map<std::string, uid_t>> lookup_many(const std::set<std::string>& users) override;
  Status ensure_group(const std::string& group) override;
  Result<bool> group_exists(const std::string& group) override;
  Result<bool> in_group(const std::string& user, const std::string& group) override;
  Status add(const std::string& user, const std::string& group, const std::string& shell,
             const std::string& home) override;
  Status remove(const std::string& user) override;
  Status end_sessions(const std::string& user) override;
};

// True when `user` is root or a member (primary or supplementary) of `group`.
bool user_in_group(uid_t uid, const std::string& group);
std::optional<std::string> user_name_of(uid_t uid);

}  // namespace ij
