#include "daemon/core/completions.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "daemon/model/secret.h"

namespace ij {
namespace {

// Work that blocks (an IPMI session) runs side by side: four jobs that each
// wait for all four to have started finish only if they run at once.
TEST(Completions, ABurstRunsSideBySide) {
  Completions pool;
  std::mutex m;
  std::condition_variable cv;
  int started = 0;
  std::atomic<int> finished_together{0};
  std::atomic<int> done{0};
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(pool.run([&]() -> Executor::Done {
      std::unique_lock<std::mutex> lock(m);
      ++started;
      cv.notify_all();
      if (cv.wait_for(lock, std::chrono::seconds(5), [&] { return started == 4; })) ++finished_together;
      return [&] { ++done; };
    }).ok());
  }
  // The bus loop: wait for the eventfd, drain.
  for (int round = 0; round < 100 && done < 4; ++round) {
    struct pollfd p = {pool.fd(), POLLIN, 0};
    if (::poll(&p, 1, 100) == 1) pool.drain();
  }
  EXPECT_EQ(done, 4);
  EXPECT_EQ(finished_together, 4);
}

// A completion that throws fails alone; the next ones run.
TEST(Completions, AThrowingCompletionFailsAlone) {
  Completions pool;
  std::atomic<int> done{0};
  ASSERT_TRUE(pool.run([]() -> Executor::Done { return [] { throw std::runtime_error("reply lost"); }; }).ok());
  ASSERT_TRUE(pool.run([&]() -> Executor::Done { return [&] { ++done; }; }).ok());
  for (int round = 0; round < 100 && done < 1; ++round) {
    struct pollfd p = {pool.fd(), POLLIN, 0};
    if (::poll(&p, 1, 100) == 1) pool.drain();
  }
  EXPECT_EQ(done, 1);
}

// Delayed work runs after its delay, in the order of its time, and holds
// no worker while it waits: work queued meanwhile runs at once.
TEST(Completions, DelayedWorkWaitsWithoutHoldingAWorker) {
  Completions pool;
  std::mutex m;
  std::vector<std::string> order;
  auto note = [&](const std::string& what) {
    return [&, what]() -> Executor::Done {
      std::lock_guard<std::mutex> lock(m);
      order.push_back(what);
      return [] {};
    };
  };
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(pool.run_after(std::chrono::milliseconds(300), note("late")).ok());
  ASSERT_TRUE(pool.run_after(std::chrono::milliseconds(100), note("early")).ok());
  ASSERT_TRUE(pool.run(note("now")).ok());
  for (int round = 0; round < 100; ++round) {
    {
      std::lock_guard<std::mutex> lock(m);
      if (order.size() == 3) break;
    }
    struct pollfd p = {pool.fd(), POLLIN, 0};
    if (::poll(&p, 1, 50) == 1) pool.drain();
  }
  std::lock_guard<std::mutex> lock(m);
  EXPECT_EQ(order, (std::vector<std::string>{"now", "early", "late"}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

// A password the Secret took leaves nothing in the string it came from,
// a short one (kept inside the string object) included.
TEST(Secret, WipesWhereItCameFrom) {
  std::string pw = "hunter2";
  const char* bytes = pw.data();
  Secret s(std::move(pw));
  EXPECT_EQ(s.reveal(), "hunter2");
  for (int i = 0; i < 7; ++i) EXPECT_EQ(bytes[i], '\0') << i;
  Secret copy = s;  // copies share one buffer
  EXPECT_EQ(&copy.reveal(), &s.reveal());
}

}  // namespace
}  // namespace ij
