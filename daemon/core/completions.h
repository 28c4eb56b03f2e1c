// The real Executor (daemon/core/executor.h).
#pragma once

#include <deque>
#include <functional>
#include <mutex>

#include "daemon/core/executor.h"

namespace ij {

// Each work on a thread of its own; the bus loop polls fd() and calls drain().
class Completions : public Executor {
 public:
  Completions();
  ~Completions() override;
  Completions(const Completions&) = delete;
  Completions& operator=(const Completions&) = delete;

  // Runs `work` on a new thread; the Done it returns runs in drain().
  void run(std::function<Done()> work) override;
  // Readable when completions wait.
  int fd() const { return fd_; }
  // Runs the waiting completions, on the calling (bus) thread.
  void drain();

 private:
  void post(Done done);

  int fd_;
  std::mutex mutex_;
  std::deque<Done> done_;
};

}  // namespace ij
