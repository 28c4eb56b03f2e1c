#include "daemon/core/denials.h"

#include "common/base/log.h"

namespace ij {

void DenialLog::roll(std::chrono::system_clock::time_point now) {
  if (now - window_start_ < kWindow) return;
  if (suppressed_)
    log::warning("denied: " + std::to_string(suppressed_) + " more call(s) refused in " +
                 std::to_string(kWindow.count()) + " s and not logged one by one");
  window_start_ = now;
  logged_ = suppressed_ = 0;
}

void DenialLog::denied(const std::string& who, const std::string& method) {
  roll(clock_.now());
  if (logged_ < kBurst) {
    ++logged_;
    log::warning("denied: " + who + " called " + method, {"denied", "", "", who, "refused"});
  } else {
    ++suppressed_;
  }
}

}  // namespace ij
