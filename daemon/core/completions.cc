#include "daemon/core/completions.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <thread>

namespace ij {

Completions::Completions() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw std::runtime_error("eventfd failed");
}

Completions::~Completions() { ::close(fd_); }

void Completions::run(std::function<Done()> work) {
  std::thread([this, work = std::move(work)] { post(work()); }).detach();
}

void Completions::post(Done done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_.push_back(std::move(done));
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
}

void Completions::drain() {
  uint64_t count = 0;
  [[maybe_unused]] ssize_t n = ::read(fd_, &count, sizeof count);
  std::deque<Done> ready;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ready.swap(done_);
  }
  for (Done& d : ready) d();
}

}  // namespace ij
