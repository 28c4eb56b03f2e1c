#pragma once

#include "daemon/host/host.h"

namespace ij {

class RealFiles : public Files {
 public:
  Result<std::optional<std::string>> read(const std::string& path) override;
  Status write(const std::string& path, const std::string& content, mode_t mode, const std::string& group) override;
  Result<std::optional<Access>> access(const std::string& path) override;
  Status remove(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
};

}  // namespace ij
