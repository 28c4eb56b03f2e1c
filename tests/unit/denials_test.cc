#include "daemon/core/denials.h"

#include <gtest/gtest.h>

#include "common/base/log.h"
#include "tests/fakes/fake_host.h"

namespace ij {
namespace {

TEST(DenialLog, ABurstThenOneSummaryPerWindow) {
  std::vector<std::string> lines;
  log::Sink previous = log::set_sink([&](log::Level, const std::string& l, const log::Fields&) { lines.push_back(l); });
  testing::FixedClock clock;
  DenialLog denials(clock);
  for (int i = 0; i < 200; ++i) denials.denied("mallory (uid 1002)", "List");
  EXPECT_EQ(lines.size(), size_t{DenialLog::kBurst});
  EXPECT_EQ(lines.front(), "denied: mallory (uid 1002) called List");
  clock.t += DenialLog::kWindow;
  denials.denied("mallory (uid 1002)", "Enroll");
  ASSERT_EQ(lines.size(), size_t{DenialLog::kBurst} + 2);
  EXPECT_EQ(lines[DenialLog::kBurst],
            "denied: 190 more call(s) refused in 10 s and not logged one by one (mallory (uid 1002) 190)");
  EXPECT_EQ(lines.back(), "denied: mallory (uid 1002) called Enroll");
  log::set_sink(previous);
}

TEST(DenialLog, AFloodThatStopsIsSummedUpByTheTick) {
  std::vector<std::string> lines;
  log::Sink previous = log::set_sink([&](log::Level, const std::string& l, const log::Fields&) { lines.push_back(l); });
  testing::FixedClock clock;
  DenialLog denials(clock);
  for (int i = 0; i < 30; ++i) denials.denied("mallory (uid 1002)", "List");
  for (int i = 0; i < 8; ++i) denials.denied("user" + std::to_string(i) + " (uid " + std::to_string(2000 + i) + ")", "List");
  denials.flush();  // the window is still open: nothing yet
  EXPECT_EQ(lines.size(), size_t{DenialLog::kBurst});
  clock.t += DenialLog::kWindow;
  denials.flush();
  ASSERT_EQ(lines.size(), size_t{DenialLog::kBurst} + 1);
  EXPECT_EQ(lines.back(),
            "denied: 28 more call(s) refused in 10 s and not logged one by one (mallory (uid 1002) 20, user0 (uid "
            "2000) 1, user1 (uid 2001) 1, user2 (uid 2002) 1, user3 (uid 2003) 1, others 4)");
  denials.flush();  // said once
  EXPECT_EQ(lines.size(), size_t{DenialLog::kBurst} + 1);
  log::set_sink(previous);
}

}  // namespace
}  // namespace ij
