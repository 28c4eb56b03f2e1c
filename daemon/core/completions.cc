#include "daemon/core/completions.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <system_error>

#include "common/base/log.h"

namespace ij {
namespace {

Error busy() {
  return make_error(Errc::failed, "the jumphost has " + std::to_string(Completions::kMaxQueued) +
                                      " requests waiting already; try again in a minute");
}

}  // namespace

Completions::Completions() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw std::runtime_error("eventfd failed");
}

Completions::~Completions() {
  stop();
  ::close(fd_);
}

Status Completions::run(std::function<Done()> work) {
  std::lock_guard<std::mutex> lock(mutex_);
  return enqueue_locked(std::move(work));
}

Status Completions::run_after(std::chrono::milliseconds delay, std::function<Done()> work) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return make_error(Errc::failed, "the daemon is stopping");
  if (queue_.size() + delayed_.size() >= kMaxQueued) return busy();
  delayed_.emplace(std::chrono::steady_clock::now() + delay, std::move(work));
  // Some worker must be there to see the time come.
  if (threads_.empty()) {
    try {
      threads_.emplace_back(&Completions::worker, this);
    } catch (const std::system_error& e) {
      delayed_.clear();
      return make_error(Errc::failed, std::string("cannot start a worker thread: ") + e.what());
    }
  }
  wake_.notify_one();
  return ok_status();
}

Status Completions::enqueue_locked(std::function<Done()> work) {
  if (stopping_) return make_error(Errc::failed, "the daemon is stopping");
  if (queue_.size() + delayed_.size() >= kMaxQueued) return busy();
  queue_.push_back(std::move(work));
  // A woken worker counts as idle until it takes its work: start another
  // whenever the queue holds more than the idle workers can take.
  if (queue_.size() > idle_ && threads_.size() < kWorkers) {
    try {
      threads_.emplace_back(&Completions::worker, this);
    } catch (const std::system_error& e) {
      // The work waits for a running worker; with none, it cannot run.
      if (threads_.empty()) {
        queue_.pop_back();
        return make_error(Errc::failed, std::string("cannot start a worker thread: ") + e.what());
      }
      log::warning(std::string("cannot start another worker thread: ") + e.what());
    }
  }
  wake_.notify_one();
  return ok_status();
}

void Completions::promote_due_locked() {
  const auto now = std::chrono::steady_clock::now();
  while (!delayed_.empty() && delayed_.begin()->first <= now) {
    queue_.push_back(std::move(delayed_.begin()->second));
    delayed_.erase(delayed_.begin());
    // More work than idle workers: another one, as enqueue_locked does
    // (never once stop() has begun: it joins the threads it took).
    if (!stopping_ && queue_.size() > idle_ && threads_.size() < kWorkers) {
      try {
        threads_.emplace_back(&Completions::worker, this);
      } catch (const std::system_error&) {
        // The running workers take it in turn.
      }
    }
  }
}

void Completions::worker() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    for (;;) {
      promote_due_locked();
      if (stopping_ || !queue_.empty()) break;
      if (delayed_.empty()) {
        wake_.wait(lock);
      } else {
        // A copy: wait_until reads it again after the lock was let go, when
        // another worker may have taken (and freed) that entry.
        const auto next = delayed_.begin()->first;
        wake_.wait_until(lock, next);
      }
    }
    --idle_;
    if (stopping_) return;
    std::function<Done()> work = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Done done;
    try {
      done = work();
    } catch (const std::exception& e) {  // a bug: the caller's request stays unanswered
      log::error(std::string("internal error in a worker: ") + e.what());
    }
    if (done) post(std::move(done));
    lock.lock();
  }
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
  for (Done& d : ready) {
    try {
      d();
    } catch (const std::exception& e) {  // a reply that could not be sent: that call fails, not the daemon
      log::error(std::string("internal error in a completion: ") + e.what());
    }
  }
}

bool Completions::working() {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_ < threads_.size() || !queue_.empty();
}

void Completions::stop() {
  // Workers start workers too (promote_due_locked): the list is taken under
  // the lock, after which none is added.
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (std::thread& t : threads)
    if (t.joinable()) t.join();
}

}  // namespace ij
