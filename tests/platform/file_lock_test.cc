#include "platform/file_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tide::platform {
namespace {

namespace fs = std::filesystem;

// In a child process (flock locks are per open file, so the same process could lock twice
// through two opens; the daemon case is two processes): 0 = acquired, 2 = refused naming the
// holder's pid, 1 = anything else.
int TryInChild(const std::string& path, pid_t holder) {
  const pid_t pid = fork();
  if (pid == 0) {
    auto lock = FileLock::Acquire(path);
    if (lock.ok()) _exit(0);
    const bool named =
        lock.status().message().find("pid " + std::to_string(holder)) != std::string::npos;
    _exit(lock.status().code() == StatusCode::kInvalidInput && named ? 2 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(FileLock, ASecondProcessIsRefusedNamingTheHolderUntilItLetsGo) {
  std::string tmpl = (fs::temp_directory_path() / "tide-lock-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string path = tmpl + "/tide.db.lock";
  {
    auto held = FileLock::Acquire(path);
    ASSERT_TRUE(held.ok()) << held.status().message();
    EXPECT_EQ(TryInChild(path, getpid()), 2);
  }
  EXPECT_EQ(TryInChild(path, getpid()), 0) << "the lock outlived its holder";
  fs::remove_all(tmpl);
}

// A holder that dies without cleaning up (SIGKILL) does not block the next run.
TEST(FileLock, ALockFileLeftByAKilledProcessDoesNotBlock) {
  std::string tmpl = (fs::temp_directory_path() / "tide-lock-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string path = tmpl + "/tide.db.lock";
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    auto held = FileLock::Acquire(path);
    char c = held.ok() ? 'y' : 'n';
    (void)!write(pipefd[1], &c, 1);
    pause();
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(pipefd[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  EXPECT_EQ(TryInChild(path, pid), 2);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(TryInChild(path, pid), 0);
  close(pipefd[0]);
  close(pipefd[1]);
  fs::remove_all(tmpl);
}

}  // namespace
}  // namespace tide::platform
