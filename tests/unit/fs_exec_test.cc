#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/sys/exec.h"
#include "common/sys/fs.h"

namespace ij {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ij-test-XXXXXX";
    if (!mkdtemp(tmpl)) ADD_FAILURE() << "mkdtemp: " << strerror(errno);
    path_ = tmpl;
  }
  // A directory left in /tmp fails the test that made it, so that tests
  // which leave something undeletable behind are noticed.
  ~TempDir() { EXPECT_TRUE(run_checked({"/bin/rm", "-rf", path_}).ok()) << "cannot remove " << path_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Fs, AtomicWriteReadRemove) {
  TempDir d;
  const std::string f = d.path() + "/a";
  EXPECT_FALSE(read_file(f)->has_value());
  ASSERT_TRUE(write_file_atomic(f, "one\n", 0600).ok());
  EXPECT_EQ(**read_file(f), "one\n");
  struct stat st {};
  ASSERT_EQ(stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_TRUE(write_file_atomic(f, "two\n", 0644).ok());
  EXPECT_EQ(**read_file(f), "two\n");
  EXPECT_EQ(*list_dir(d.path()), std::vector<std::string>{"a"});  // no temporary left behind
  ASSERT_TRUE(remove_file(f).ok());
  ASSERT_TRUE(remove_file(f).ok());  // a missing file is not an error
  EXPECT_TRUE(list_dir(d.path())->empty());
  EXPECT_FALSE(write_file_atomic(d.path() + "/missing/x", "", 0600).ok());
}

TEST(Fs, EnsureDir) {
  TempDir d;
  const std::string sub = d.path() + "/s";
  ASSERT_TRUE(ensure_dir(sub, 0700).ok());
  ASSERT_TRUE(ensure_dir(sub, 0750).ok());
  struct stat st {};
  ASSERT_EQ(stat(sub.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
}

TEST(Fs, PreparePrivateDir) {
  TempDir d;
  struct stat st {};
  // Missing: made with the mode asked for, missing parents 0755.
  const std::string dir = d.path() + "/a/b/private";
  ASSERT_TRUE(prepare_private_dir(dir, 0700).ok());
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(stat((d.path() + "/a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(stat((d.path() + "/a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  // Not a directory.
  ASSERT_TRUE(write_file_atomic(d.path() + "/file", "", 0600).ok());
  EXPECT_EQ(prepare_private_dir(d.path() + "/file", 0700).error().message, d.path() + "/file is not a directory");
  EXPECT_EQ(prepare_private_dir(d.path() + "/file/sub", 0700).error().message,
            "cannot stat " + d.path() + "/file/sub: Not a directory");
  if (getuid() != 0) GTEST_SKIP() << "the owner checks need root";
  // One that exists is checked, never changed.
  ASSERT_EQ(chmod(dir.c_str(), 0770), 0);
  EXPECT_EQ(prepare_private_dir(dir, 0700).error().message,
            dir + " must be root's and writable by nobody else (it is uid 0's, mode 0770)");
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0770u);
  ASSERT_EQ(chmod(dir.c_str(), 0750), 0);
  EXPECT_TRUE(prepare_private_dir(dir, 0700).ok());  // not writable by others: fine as it is
  ASSERT_EQ(chown(dir.c_str(), 65534, 0), 0);
  EXPECT_EQ(prepare_private_dir(dir, 0700).error().message,
            dir + " must be root's and writable by nobody else (it is uid 65534's, mode 0750)");
}

TEST(Exec, ArgvIsNotAShell) {
  auto r = run_program({"/bin/echo", "a;b", "$(id)", "*"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->output, "a;b $(id) *\n");
}

TEST(Exec, ExitCodesEnvironmentAndTimeouts) {
  EXPECT_EQ(run_program({"/bin/sh", "-c", "exit 3"})->exit_code, 3);
  setenv("IJ_SECRET_TEST", "x", 1);
  EXPECT_EQ(run_program({"/bin/sh", "-c", "echo \"[$IJ_SECRET_TEST]\""})->output, "[]\n");
  unsetenv("IJ_SECRET_TEST");
  EXPECT_FALSE(run_program({"/nonexistent/prog"}).ok());
  auto slow = run_program({"/bin/sleep", "10"}, std::chrono::milliseconds(200));
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.error().message.find("timed out"), std::string::npos) << slow.error().message;
  EXPECT_EQ(run_checked({"/bin/sh", "-c", "echo first; echo last >&2; exit 1"}).error().message,
            "/bin/sh exited with 1: last");
}

}  // namespace
}  // namespace ij
