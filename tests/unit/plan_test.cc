#include "daemon/core/plan.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_host.h"

namespace ij {
namespace {

struct Recorder {
  std::vector<std::string> log;
  Step step(const std::string& name, bool fail_apply = false, bool fail_undo = false) {
    return Step{name,
                [=, this]() -> Status {
                  if (fail_apply) return make_error(Errc::failed, "boom");
                  log.push_back("apply " + name);
                  return ok_status();
                },
                [=, this]() -> Status {
                  if (fail_undo) return make_error(Errc::failed, "undo boom");
                  log.push_back("undo " + name);
                  return ok_status();
                }};
  }
};

TEST(Plan, RunsAllSteps) {
  Recorder r;
  Plan p;
  p.add(r.step("a"));
  p.add(r.step("b"));
  EXPECT_TRUE(p.run().ok());
  EXPECT_EQ(r.log, (std::vector<std::string>{"apply a", "apply b"}));
}

TEST(Plan, FailureUndoesEarlierStepsInReverse) {
  Recorder r;
  Plan p;
  p.add(r.step("a"));
  p.add(r.step("b"));
  p.add(r.step("c", true));
  p.add(r.step("d"));
  Status s = p.run();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "step 3/4 (c) failed: boom; the earlier steps were undone");
  EXPECT_EQ(r.log, (std::vector<std::string>{"apply a", "apply b", "undo b", "undo a"}));
}

TEST(Plan, FirstStepFailing) {
  Recorder r;
  Plan p;
  p.add(r.step("a", true));
  EXPECT_EQ(p.run().error().message, "step 1/1 (a) failed: boom; nothing was changed");
  EXPECT_TRUE(r.log.empty());
}

TEST(Plan, SaysWhenRollbackIsIncomplete) {
  Recorder r;
  Plan p;
  p.add(r.step("a"));
  p.add(r.step("b", false, true));
  p.add(r.step("c", true));
  EXPECT_EQ(p.run().error().message, "step 3/3 (c) failed: boom; ROLLBACK INCOMPLETE, see the daemon's log");
  EXPECT_EQ(r.log, (std::vector<std::string>{"apply a", "apply b", "undo a"}));
}

// A step that fails and cannot take back what it did itself (its own
// cleanup failed too) makes the rollback incomplete, though every earlier
// undo succeeded: the change's record stays for the next start.
TEST(Plan, AStepThatLeftSomethingBehindMakesTheRollbackIncomplete) {
  Recorder r;
  Plan p;
  p.add(r.step("a"));
  Step b = r.step("b", true);
  b.left_behind = std::make_shared<bool>(false);
  auto left = b.left_behind;
  b.apply = [left]() -> Status {
    *left = true;
    return make_error(Errc::failed, "boom; restoring the firewall failed too: no");
  };
  p.add(b);
  Status s = p.run();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(p.rollback_incomplete());
  EXPECT_EQ(r.log, (std::vector<std::string>{"apply a", "undo a"}));
  EXPECT_NE(s.error().message.find("ROLLBACK INCOMPLETE"), std::string::npos) << s.error().message;
  // Its flag unset (the cleanup worked), the same failure is a clean rollback.
  Plan q;
  Step c = r.step("c", true);
  c.left_behind = std::make_shared<bool>(false);
  q.add(c);
  EXPECT_EQ(q.run().error().message, "step 1/1 (c) failed: boom; nothing was changed");
  EXPECT_FALSE(q.rollback_incomplete());
  // A first step that left something behind does not say nothing changed.
  Plan first;
  first.add(b);
  EXPECT_EQ(first.run().error().message,
            "step 1/1 (b) failed: boom; restoring the firewall failed too: no; ROLLBACK INCOMPLETE, see the daemon's log");
}

TEST(ReplaceFileStep, UndoRestoresBytes) {
  testing::FakeFiles files;
  files.files["/f"] = "old";
  Step s = replace_file_step(files, "f", "/f", "new", 0600);
  ASSERT_TRUE(s.apply().ok());
  EXPECT_EQ(files.files["/f"], "new");
  EXPECT_EQ(files.modes["/f"].mode, 0600u);
  ASSERT_TRUE(s.undo().ok());
  EXPECT_EQ(files.files["/f"], "old");

  Step create = replace_file_step(files, "g", "/g", "x", 0644);
  ASSERT_TRUE(create.apply().ok());
  ASSERT_TRUE(create.undo().ok());
  EXPECT_EQ(files.files.count("/g"), 0u);

  Step remove = replace_file_step(files, "f", "/f", std::nullopt, 0644);
  ASSERT_TRUE(remove.apply().ok());
  EXPECT_EQ(files.files.count("/f"), 0u);
  ASSERT_TRUE(remove.undo().ok());
  EXPECT_EQ(files.files["/f"], "old");
}

}  // namespace
}  // namespace ij
