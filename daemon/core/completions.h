// The real Executor (daemon/core/executor.h): a bounded pool of worker
// threads, started as work arrives; the bus loop polls fd() and calls
// drain() to run what the work handed back.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/core/executor.h"

namespace ij {

class Completions : public Executor {
 public:
  // An IPMI session blocks a worker for up to its timeout (8 s); with at
  // most 4 requests per tenant, and an operator's fan-out of at most 64 at
  // once, 96 workers serve 8 busy tenants during a fan-out and queue the
  // rest. Workers start when work waits, so an idle daemon has few. Past
  // kMaxQueued waiting requests (delayed ones included), new ones are refused.
  static constexpr size_t kWorkers = 96;
  static constexpr size_t kMaxQueued = 1024;

  Completions();
  ~Completions() override;
  Completions(const Completions&) = delete;
  Completions& operator=(const Completions&) = delete;

  Status run(std::function<Done()> work) override;
  Status run_after(std::chrono::milliseconds delay, std::function<Done()> work) override;
  // Readable when completions wait.
  int fd() const { return fd_; }
  // Runs the waiting completions, on the calling (bus) thread.
  void drain();
  // Whether any work is running or waiting for a worker (delayed work that
  // is not due yet does not count).
  bool working();
  // Lets the running work finish and ends the workers; what waits is
  // dropped. Before whatever the work refers to goes.
  void stop();

 private:
  void worker();
  void post(Done done);
  // Queues `work` and starts a worker when the idle ones cannot take it.
  Status enqueue_locked(std::function<Done()> work);
  // Moves the delayed work whose time has come to the queue.
  void promote_due_locked();

  int fd_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<Done()>> queue_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<Done()>> delayed_;
  std::deque<Done> done_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace ij
