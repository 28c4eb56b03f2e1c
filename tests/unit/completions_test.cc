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
