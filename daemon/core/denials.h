// Refused bus calls are logged, but any local user can make them: at most
// kBurst lines per window, then one summary line when the window ends, so a
// flood cannot push the daemon's own audit lines past journald's rate limit.
#pragma once

#include <chrono>
#include <string>

#include "daemon/core/clock.h"

namespace ij {

class DenialLog {
 public:
  static constexpr int kBurst = 10;
  static constexpr std::chrono::seconds kWindow{10};

  explicit DenialLog(const Clock& clock) : clock_(clock) {}
  // Logs "denied: WHO called METHOD" unless the window's lines are spent.
  void denied(const std::string& who, const std::string& method);

 private:
  void roll(std::chrono::system_clock::time_point now);

  const Clock& clock_;
  std::chrono::system_clock::time_point window_start_{};
  int logged_ = 0;
  int suppressed_ = 0;
};

}  // namespace ij
