// Work that may block (an IPMI session can take seconds) runs off the bus
// thread; what it hands back (Done) runs later on the bus thread, which alone
// touches sd-bus and the state. Completions is the real one; the tests use
// one that runs the work when they say so.
#pragma once

#include <chrono>
#include <functional>

#include "common/base/result.h"

namespace ij {

class Executor {
 public:
  using Done = std::function<void()>;
  virtual ~Executor() = default;
  // Runs `work` off the bus thread; the Done it returns runs on the bus
  // thread. Fails (and runs nothing) when too much work waits already.
  virtual Status run(std::function<Done()> work) = 0;
  // The same, not before `delay` has passed (a poll's next round): no
  // worker is held while it waits.
  virtual Status run_after(std::chrono::milliseconds delay, std::function<Done()> work) = 0;
};

}  // namespace ij
