#pragma once

#include "daemon/config/config.h"
#include "daemon/host/host.h"

namespace ij {

// sshd through its own binary: `sshd -t` and `sshd -T -C` for checks, and
// SIGHUP to the pid in the pid file for reloads; its configuration files
// read from the file system, globs expanded with glob(3).
class RealSshd : public Sshd {
 public:
  explicit RealSshd(const Config& config) : config_(config) {}
  Status check_candidate(const std::string& dropin) override;
  Status verify_effective(const std::string& user, const std::string& command) override;
  Result<std::vector<SshdListener>> listeners() override;
  Result<std::string> effective(const std::string& user, const SshdListener& at) override;
  SshdConfigReader config_files() override;
  Status reload() override;

 private:
  Status test_config(const std::string& main_config);
  const Config& config_;
};

}  // namespace ij
