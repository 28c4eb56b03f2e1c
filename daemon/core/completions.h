// Work that may block (an IPMI session can take seconds) runs on its own
// thread; what it hands back runs later on the bus thread, which alone
// touches sd-bus and the Jumphost. The bus loop polls fd() and calls drain().
#pragma once

#include <deque>
#include <functional>
#include <mutex>

namespace ij {

class Completions {
 public:
  using Done = std::function<void()>;
  Completions();
  ~Completions();
  Completions(const Completions&) = delete;
  Completions& operator=(const Completions&) = delete;

  // Runs `work` on a new thread; the Done it returns runs in drain().
  void run(std::function<Done()> work);
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
