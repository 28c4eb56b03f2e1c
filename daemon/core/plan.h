// A change to the host as a list of steps, each with its undo. A failure at
// step k undoes steps k-1..1 in reverse and reports which step failed.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "daemon/host/host.h"

namespace ij {

struct Step {
  std::string name;
  // Must leave nothing behind when it fails.
  std::function<Status()> apply;
  // Reverts a successful apply.
  std::function<Status()> undo;
  // Set by an apply that failed and could not take back what it had done
  // (its own cleanup failed too): the rollback is then incomplete.
  std::shared_ptr<bool> left_behind = nullptr;
};

class Plan {
 public:
  void add(Step step) { steps_.push_back(std::move(step)); }
  size_t size() const { return steps_.size(); }
  // Runs the steps in order. The error reads
  // "step K/N (NAME) failed: WHY; <what the rollback did>".
  Status run();
  // After a failed run: whether an undo failed too (the host is neither as
  // before nor as planned).
  bool rollback_incomplete() const { return rollback_incomplete_; }
  // After a run: what each step that ran took, e.g. "link 12 ms, hosts 3 ms"
  // (steps with nothing to do left out), for the daemon's debug log.
  std::string timings() const;

 private:
  std::vector<Step> steps_;
  std::vector<double> took_ms_;
  bool rollback_incomplete_ = false;
};

// A step with nothing to do this time; keeps a plan's steps numbered the
// same whatever the case, so operators can compare messages.
inline Step no_op_step(std::string name) {
  return Step{std::move(name), [] { return ok_status(); }, [] { return ok_status(); }};
}

// Replaces `path` with `content` (or removes it when nullopt); the undo puts
// back what was there before, byte for byte.
Step replace_file_step(Files& files, std::string name, std::string path, std::optional<std::string> content,
                       mode_t mode, std::string group = "");

}  // namespace ij
