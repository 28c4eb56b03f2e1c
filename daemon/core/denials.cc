#include "daemon/core/denials.h"

#include "common/base/log.h"

namespace ij {

void DenialLog::roll(std::chrono::system_clock::time_point now) {
  if (now - window_start_ < kWindow) return;
  if (suppressed_) {
    std::string by;
    int named = 0;
    for (const auto& [who, n] : suppressed_by_) {
      by += (by.empty() ? "" : ", ") + who + " " + std::to_string(n);
      named += n;
    }
    if (named < suppressed_) by += (by.empty() ? "" : ", ") + std::string("others ") + std::to_string(suppressed_ - named);
    log::warning("denied: " + std::to_string(suppressed_) + " more call(s) refused in " +
                     std::to_string(kWindow.count()) + " s and not logged one by one (" + by + ")",
                 {"denied", "", "", "", "refused"});
  }
  window_start_ = now;
  logged_ = suppressed_ = 0;
  suppressed_by_.clear();
}

void DenialLog::denied(const std::string& who, const std::string& method) {
  roll(clock_.now());
  if (logged_ < kBurst) {
    ++logged_;
    log::warning("denied: " + who + " called " + method, {"denied", "", "", who, "refused"});
  } else {
    ++suppressed_;
    if (auto it = suppressed_by_.find(who); it != suppressed_by_.end())
      ++it->second;
    else if (suppressed_by_.size() < kNamed)
      suppressed_by_[who] = 1;
  }
}

}  // namespace ij
