// Eight processes writing runs into one results.db at the same time (the
// first of them creating it) all succeed, and every row arrives.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <set>

#include "store_test_util.h"

extern char** environ;

namespace runexp::store {
namespace {

using testing::OpenOrFail;
using testing::ReadBytes;
using testing::SqlScalar;
using testing::TempDir;

constexpr int kWriters = 8;
constexpr int kEpochs = 20;

pid_t SpawnWriter(const std::string& db, const std::string& label, const std::string& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string epochs = std::to_string(kEpochs);
  std::vector<std::string> args = {STORE_WRITER_HELPER, "write", db, label, epochs};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, STORE_WRITER_HELPER, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << STORE_WRITER_HELPER;
  return rc == 0 ? pid : -1;
}

TEST(ConcurrencyTest, EightProcessesWriteOneDatabase) {
  TempDir dir;
  std::string db = dir.File("results.db");  // does not exist yet: they race to create it
  std::vector<pid_t> pids;
  for (int i = 0; i < kWriters; ++i) {
    pids.push_back(SpawnWriter(db, "writer" + std::to_string(i),
                               dir.File("out" + std::to_string(i) + ".txt")));
  }
  std::set<std::string> reported_ids;
  for (int i = 0; i < kWriters; ++i) {
    int status = 0;
    ASSERT_EQ(waitpid(pids[i], &status, 0), pids[i]);
    std::string out = ReadBytes(dir.File("out" + std::to_string(i) + ".txt"));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer " << i << ": " << out;
    if (!out.empty() && out.back() == '\n') out.pop_back();
    reported_ids.insert(out);
  }
  EXPECT_EQ(reported_ids.size(), static_cast<size_t>(kWriters)) << "distinct run ids";

  auto store = OpenOrFail(db);
  ASSERT_TRUE(store);
  RunFilter filter;
  filter.experiment = "concurrency";
  Result<std::vector<RunSummary>> runs = store->ListRuns(filter);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), static_cast<size_t>(kWriters));
  std::set<std::string> labels;
  for (const RunSummary& run : *runs) {
    SCOPED_TRACE(run.run_id);
    EXPECT_TRUE(reported_ids.count(run.run_id));
    EXPECT_EQ(run.status, RunStatus::kCompleted);
    EXPECT_EQ(run.epochs, kEpochs);
    EXPECT_EQ(run.batch_size, 32);
    Result<RunDetails> d = store->GetRun(run.run_id);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->params.size(), 3u);
    EXPECT_EQ(d->tags.at("writer"), run.name.value_or(""));
    Result<std::vector<MetricPoint>> metrics = store->ListMetrics(run.run_id);
    EXPECT_EQ(metrics->size(), static_cast<size_t>(kEpochs * 3));
    labels.insert(run.name.value_or(""));
  }
  EXPECT_EQ(labels.size(), static_cast<size_t>(kWriters));
  EXPECT_EQ(SqlScalar(db, "SELECT COUNT(*) FROM epoch_metrics"), std::to_string(kWriters * kEpochs));
  EXPECT_EQ(SqlScalar(db, "SELECT COUNT(*) FROM metrics"), std::to_string(kWriters * kEpochs * 3));
  EXPECT_EQ(SqlScalar(db, "PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace runexp::store
