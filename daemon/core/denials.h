// Refused bus calls are logged, but any local user can make them: at most
// kBurst lines per window, then one summary line (how many, and who) when
// the window ends, so a flood cannot push the daemon's own audit lines past
// journald's rate limit. The summary is written by flush(), which the daemon
// calls every few seconds, so a flood that stops is still summed up.
#pragma once

#include <chrono>
#include <map>
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
  // Writes the summary of a window that has ended.
  void flush() { roll(clock_.now()); }

 private:
  void roll(std::chrono::system_clock::time_point now);

  const Clock& clock_;
  std::chrono::system_clock::time_point window_start_{};
  int logged_ = 0;
  int suppressed_ = 0;
  std::map<std::string, int> suppressed_by_;  // at most kNamed callers named
  static constexpr size_t kNamed = 5;
};

}  // namespace ij
