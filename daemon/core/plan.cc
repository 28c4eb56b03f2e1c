#include "daemon/core/plan.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "common/base/log.h"

namespace ij {
namespace {

#ifdef IJ_TEST_HOOKS
// Test builds only (BUILD_TESTING; the package is built without): with
// IJ_TEST_CRASH_AFTER_STEP=K in its environment the daemon kills itself
// right after step K of its first plan, as a crash would, so the tests can
// prove the start-up repairs a change stopped between any two steps.
void crash_point(size_t step) {
  static const long after = [] {
    const char* v = std::getenv("IJ_TEST_CRASH_AFTER_STEP");
    return v ? std::strtol(v, nullptr, 10) : 0L;
  }();
  if (after > 0 && static_cast<size_t>(after) == step) {
    log::warning("IJ_TEST_CRASH_AFTER_STEP=" + std::to_string(after) + ": killing the daemon after step " +
                 std::to_string(step));
    std::raise(SIGKILL);
  }
}
#else
void crash_point(size_t) {}
#endif

}  // namespace

Status Plan::run() {
  const size_t n = steps_.size();
  took_ms_.clear();
  for (size_t i = 0; i < n; ++i) {
    const auto began = std::chrono::steady_clock::now();
    Status s = steps_[i].apply();
    took_ms_.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
    if (s) {
      crash_point(i + 1);
      continue;
    }
    bool clean = !(steps_[i].left_behind && *steps_[i].left_behind);
    if (!clean) log::error("step " + std::to_string(i + 1) + " (" + steps_[i].name + ") failed and left something behind: " +
                           s.error().message + "; fix by hand");
    for (size_t j = i; j-- > 0;) {
      Status u = steps_[j].undo();
      if (!u) {
        clean = false;
        log::error("rollback of step " + std::to_string(j + 1) + " (" + steps_[j].name +
                   ") failed: " + u.error().message + "; fix by hand");
      }
    }
    rollback_incomplete_ = !clean;
    std::string outcome = !clean   ? "ROLLBACK INCOMPLETE, see the daemon's log"
                          : i == 0 ? "nothing was changed"
                                   : "the earlier steps were undone";
    return make_error(s.error().code, "step " + std::to_string(i + 1) + "/" + std::to_string(n) + " (" +
                                          steps_[i].name + ") failed: " + s.error().message + "; " + outcome);
  }
  return ok_status();
}

std::string Plan::timings() const {
  std::string out;
  for (size_t i = 0; i < took_ms_.size(); ++i) {
    if (took_ms_[i] < 0.05) continue;  // a step with nothing to do
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", took_ms_[i]);
    out += (out.empty() ? "" : ", ") + steps_[i].name + " " + ms + " ms";
  }
  return out;
}

Step replace_file_step(Files& files, std::string name, std::string path, std::optional<std::string> content,
                       mode_t mode, std::string group) {
  auto before = std::make_shared<std::optional<std::string>>();
  Files* f = &files;
  return Step{
      std::move(name),
      [f, path, content, mode, group, before]() -> Status {
        auto old = f->read(path);
        if (!old) return old.error();
        *before = *old;
        return content ? f->write(path, *content, mode, group) : f->remove(path);
      },
      [f, path, mode, group, before]() -> Status {
        return *before ? f->write(path, **before, mode, group) : f->remove(path);
      },
  };
}

}  // namespace ij
