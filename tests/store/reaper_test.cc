// Reaping: runs whose process died without FinishRun become `interrupted`
// on the next open, with the reason; live runs are left alone.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/reaper.h"
#include "store_test_util.h"

namespace runexp::store {
namespace {

using testing::Contains;
using testing::MakeRun;
using testing::OpenOrFail;
using testing::SqlExec;
using testing::SqlScalar;
using testing::TempDir;

// Begins a run in a forked child that then dies without finishing it.
std::string BeginRunInDyingChild(const std::string& path) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    auto store = RunStore::Open(path);
    std::string id;
    if (store.ok()) {
      auto begun = (*store)->BeginRun(MakeRun("mnist", "doomed"));
      if (begun.ok()) id = *begun;
    }
    if (write(fds[1], id.data(), id.size()) < 0) _exit(2);
    _exit(0);  // no FinishRun, no destructors: like kill -9
  }
  close(fds[1]);
  char buf[128];
  ssize_t n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

TEST(ReaperTest, RunOfADeadProcessIsMarkedInterruptedOnOpen) {
  TempDir dir;
  std::string path = dir.File("results.db");
  std::string id = BeginRunInDyingChild(path);
  ASSERT_FALSE(id.empty()) << "the child could not begin a run";
  ASSERT_EQ(SqlScalar(path, "SELECT status FROM runs"), "running") << "nobody reaped it yet";

  auto store = OpenOrFail(path);
  ASSERT_TRUE(store);
  Result<RunDetails> d = store->GetRun(id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->run.status, RunStatus::kInterrupted);
  ASSERT_TRUE(d->run.error.has_value());
  EXPECT_TRUE(Contains(*d->run.error, "process " + std::to_string(d->run.pid)))
      << *d->run.error;
  EXPECT_TRUE(Contains(*d->run.error, "ended without finishing")) << *d->run.error;
  EXPECT_EQ(d->run.finished_at, d->run.heartbeat_at) << "last known sign of life";
  EXPECT_TRUE(d->run.reaped_at.has_value());
}

TEST(ReaperTest, LiveRunsAreLeftAlone) {
  TempDir dir;
  std::string path = dir.File("results.db");
  auto store = OpenOrFail(path);
  ASSERT_TRUE(store);
  Result<std::string> id = store->BeginRun(MakeRun("mnist"));
  ASSERT_TRUE(id.ok());
  // Even with an old heartbeat: the process is alive, maybe just busy.
  SqlExec(path, "UPDATE runs SET heartbeat_at = '2000-01-01T00:00:00.000Z'");
  auto second = OpenOrFail(path);
  ASSERT_TRUE(second);
  EXPECT_EQ(SqlScalar(path, "SELECT status FROM runs"), "running");
  EXPECT_TRUE(second->ReapDeadRuns()->empty());
}

TEST(ReaperTest, ReusedPidIsNotMistakenForTheRun) {
  TempDir dir;
  std::string path = dir.File("results.db");
  auto store = OpenOrFail(path);
  ASSERT_TRUE(store);
  RunRecord r = MakeRun("mnist");
  r.pid = getpid();             // a live pid...
  r.pid_start_ticks = 1;        // ...but started at another time: someone else's now
  Result<std::string> id = store->BeginRun(r);
  ASSERT_TRUE(id.ok());
  Result<std::vector<std::string>> reaped = store->ReapDeadRuns();
  ASSERT_TRUE(reaped.ok());
  EXPECT_EQ(*reaped, std::vector<std::string>{*id});
  EXPECT_EQ(SqlScalar(path, "SELECT status FROM runs"), "interrupted");
}

TEST(ReaperTest, OtherHostsAreJudgedByHeartbeat) {
  TempDir dir;
  std::string path = dir.File("results.db");
  auto store = OpenOrFail(path);
  ASSERT_TRUE(store);
  RunRecord stale = MakeRun("mnist", "stale");
  stale.host = "some-other-host";
  stale.pid = 1;
  stale.started_at = "2020-01-01T00:00:00.000Z";
  RunRecord fresh = stale;
  fresh.name = "fresh";
  fresh.started_at = "";  // now
  Result<std::string> stale_id = store->BeginRun(stale);
  Result<std::string> fresh_id = store->BeginRun(fresh);
  ASSERT_TRUE(stale_id.ok() && fresh_id.ok());

  Result<std::vector<std::string>> reaped = store->ReapDeadRuns();
  ASSERT_TRUE(reaped.ok());
  EXPECT_EQ(*reaped, std::vector<std::string>{*stale_id});
  std::string error = SqlScalar(path, "SELECT error FROM runs WHERE name = 'stale'");
  EXPECT_TRUE(Contains(error, "no heartbeat from process 1 on host some-other-host since "
                              "2020-01-01T00:00:00.000Z")) << error;
  EXPECT_EQ(SqlScalar(path, "SELECT status FROM runs WHERE name = 'fresh'"), "running");
}

TEST(ReaperTest, ReapingCanBeTurnedOff) {
  TempDir dir;
  std::string path = dir.File("results.db");
  std::string id = BeginRunInDyingChild(path);
  ASSERT_FALSE(id.empty());
  OpenOptions options;
  options.reap_dead_runs = false;
  ASSERT_TRUE(OpenOrFail(path, options));
  EXPECT_EQ(SqlScalar(path, "SELECT status FROM runs"), "running");
}

TEST(ReaperTest, OwnRunWronglyReapedComesBackToLife) {
  // Another host's reaper may misjudge a run whose heartbeats were late; the
  // run's own process then proves it is alive.
  TempDir dir;
  std::string path = dir.File("results.db");
  auto store = OpenOrFail(path);
  ASSERT_TRUE(store);
  Result<std::string> id = store->BeginRun(MakeRun("mnist"));
  ASSERT_TRUE(id.ok());
  SqlExec(path, "UPDATE runs SET status = 'interrupted', finished_at = heartbeat_at, "
                "error = 'interrupted: no heartbeat', reaped_at = heartbeat_at");
  ASSERT_TRUE(store->Heartbeat(*id).ok());
  EXPECT_EQ(SqlScalar(path, "SELECT status || '|' || ifnull(error, '-') FROM runs"), "running|-");

  SqlExec(path, "UPDATE runs SET status = 'interrupted', finished_at = heartbeat_at, "
                "error = 'interrupted: no heartbeat', reaped_at = heartbeat_at");
  ASSERT_TRUE(store->FinishRun(*id, RunStatus::kCompleted).ok());
  EXPECT_EQ(SqlScalar(path, "SELECT status FROM runs"), "completed");

  // A run that really finished (reaped_at cleared) does not come back.
  EXPECT_EQ(store->Heartbeat(*id).code(), StatusCode::kInvalidArgument);
}

TEST(WhyRunIsDeadTest, Decisions) {
  ProcessIdentity self{"here", 100, 5000, "boot-a"};
  auto alive = [](int64_t, std::optional<int64_t>) { return Liveness::kAlive; };
  auto gone = [](int64_t, std::optional<int64_t>) { return Liveness::kGone; };
  const std::string stale_before = "2026-01-01T00:10:00.000Z";
  RunningRun local{"r", "here", 42, 7, "boot-a", "2026-01-01T00:00:00.000Z"};
  EXPECT_FALSE(WhyRunIsDead(local, self, stale_before, alive));
  EXPECT_TRUE(WhyRunIsDead(local, self, stale_before, gone));

  RunningRun rebooted = local;
  rebooted.boot_id = "boot-b";
  auto why = WhyRunIsDead(rebooted, self, stale_before, alive);
  ASSERT_TRUE(why);
  EXPECT_TRUE(Contains(*why, "rebooted")) << *why;

  RunningRun remote{"r", "there", 42, 7, "boot-x", "2026-01-01T00:09:59.999Z"};
  EXPECT_TRUE(WhyRunIsDead(remote, self, stale_before, alive));
  remote.heartbeat_at = "2026-01-01T00:10:00.000Z";
  EXPECT_FALSE(WhyRunIsDead(remote, self, stale_before, gone)) << "remote pids are never probed";
}

TEST(ProbeLocalProcessTest, SeesItselfAliveAndAReapedChildGone) {
  EXPECT_EQ(ProbeLocalProcess(getpid(), ProcessStartTicks(getpid())), Liveness::kAlive);
  EXPECT_EQ(ProbeLocalProcess(getpid(), *ProcessStartTicks(getpid()) + 1), Liveness::kGone);
  EXPECT_EQ(ProbeLocalProcess(0, std::nullopt), Liveness::kGone);
  EXPECT_EQ(ProbeLocalProcess(-1, std::nullopt), Liveness::kGone);

  pid_t child = fork();
  if (child == 0) _exit(0);
  // Before waitpid the child is a zombie: exited, so gone.
  for (int i = 0; i < 200; ++i) {
    if (ProbeLocalProcess(child, std::nullopt) == Liveness::kGone) break;
    usleep(5000);
  }
  EXPECT_EQ(ProbeLocalProcess(child, std::nullopt), Liveness::kGone);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(ProbeLocalProcess(child, std::nullopt), Liveness::kGone);
}

}  // namespace
}  // namespace runexp::store
