// RunStore::MergeShard: a shard's finished runs with all their rows land in
// results.db once; merging again adds nothing; a run that changed in the
// shard (resumed, completed) replaces its earlier copy; running runs wait;
// checkpoint paths follow the shard's folder; a foreign file is refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "store_test_util.h"

namespace runexp::store {
namespace {

using testing::Epoch;
using testing::MakeRun;
using testing::OpenOrFail;
using testing::SqlColumn;
using testing::SqlExec;
using testing::SqlScalar;
using testing::TempDir;

class MergeShardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "sweeps" / "s" / "shards");
    main_ = OpenOrFail(main_path_);
    shard_ = OpenOrFail(shard_path_);
    ASSERT_TRUE(main_ && shard_);
    SweepRecord sweep{"s", "exp", "", "spec", "grid", "[\"m.e\"]", "/x.toml", std::nullopt,
                      (dir_.path() / "sweeps" / "s").string()};
    SweepPoint point{0, "{\"m.e\": 1}", "cfg", std::nullopt, false, std::nullopt};
    ASSERT_TRUE(main_->CreateSweep(sweep, std::span<const SweepPoint>(&point, 1)).ok());
    ASSERT_TRUE(shard_->CreateSweep(sweep, std::span<const SweepPoint>(&point, 1)).ok());
  }

  // The point's run in the shard, finished with two epochs, a metric, a
  // checkpoint and a tag.
  std::string FinishedShardRun(RunStatus status) {
    RunRecord record = MakeRun("exp");
    record.sweep_id = "s";
    record.sweep_point = 0;
    Result<std::string> id = shard_->BeginRun(record);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE(shard_->RecordParams(*id, std::vector<Param>{{"m.e", int64_t{1}}}).ok());
    for (int64_t e : {1, 2}) {
      MetricPoint extra{"evaluate", "per_class", e, std::nullopt, 0.5};
      EXPECT_TRUE(shard_->RecordEpoch(*id, Epoch(e, 0.5, 0.8, 0.6, 0.7), std::span(&extra, 1)).ok());
    }
    CheckpointRecord checkpoint;
    checkpoint.epoch = 2;
    checkpoint.path = *id + "/checkpoints/epoch-0002.pb";
    checkpoint.bytes = 10;
    EXPECT_TRUE(shard_->RecordCheckpoint(*id, checkpoint).ok());
    EXPECT_TRUE(shard_->Tag(*id, "k", "v").ok());
    EXPECT_TRUE(shard_->FinishRun(*id, status).ok());
    return *id;
  }

  TempDir dir_;
  std::string main_path_ = dir_.File("results.db");
  std::string shard_path_ = (dir_.path() / "sweeps" / "s" / "shards" / "point-0000.db").string();
  std::unique_ptr<RunStore> main_, shard_;
};

TEST_F(MergeShardTest, FinishedRunsLandOnceWithAllTheirRows) {
  const std::string run = FinishedShardRun(RunStatus::kCompleted);
  Result<MergeCounts> merged = main_->MergeShard(shard_path_);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->merged, 1);
  EXPECT_EQ(SqlScalar(main_path_, "SELECT run_id || ' ' || status || ' ' || sweep_id FROM runs"), run + " completed s");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT count(*) FROM epoch_metrics"), "2");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT round(gap_accuracy, 6) FROM epoch_metrics WHERE epoch = 2"), "0.1");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT count(*) FROM metrics"), "2");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT count(*) FROM params"), "1");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT value FROM tags"), "v");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT path FROM checkpoints"), "sweeps/s/shards/" + run + "/checkpoints/epoch-0002.pb");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT run_id || ' ' || reused FROM sweep_points"), run + " 0");

  const auto counts = [&] {
    return SqlColumn(main_path_, "SELECT (SELECT count(*) FROM runs) || (SELECT count(*) FROM epoch_metrics) || "
                                 "(SELECT count(*) FROM metrics) || (SELECT count(*) FROM checkpoints)");
  };
  const auto before = counts();
  Result<MergeCounts> again = main_->MergeShard(shard_path_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->merged, 0);
  EXPECT_EQ(again->unchanged, 1);
  EXPECT_EQ(counts(), before);
}

TEST_F(MergeShardTest, AChangedRunReplacesItsCopyAndRunningRunsWait) {
  const std::string run = FinishedShardRun(RunStatus::kInterrupted);
  ASSERT_TRUE(main_->MergeShard(shard_path_).ok());
  EXPECT_EQ(SqlScalar(main_path_, "SELECT status FROM runs"), "interrupted");

  // Resumed in the shard: running, so the merge leaves the old copy alone...
  ASSERT_TRUE(shard_->ResumeRun(run, 2).ok());
  Result<MergeCounts> meanwhile = main_->MergeShard(shard_path_);
  ASSERT_TRUE(meanwhile.ok());
  EXPECT_EQ(meanwhile->running, 1);
  EXPECT_EQ(SqlScalar(main_path_, "SELECT status FROM runs"), "interrupted");
  // ...until it completes: then the copy is replaced, rows and all.
  ASSERT_TRUE(shard_->RecordEpoch(run, Epoch(2, 0.4, 0.9, 0.5, 0.8)).ok());
  ASSERT_TRUE(shard_->FinishRun(run, RunStatus::kCompleted).ok());
  Result<MergeCounts> finished = main_->MergeShard(shard_path_);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished->merged, 1);
  EXPECT_EQ(SqlScalar(main_path_, "SELECT status || ' ' || resume_count FROM runs"), "completed 1");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT train_accuracy FROM epoch_metrics WHERE epoch = 2"), "0.9");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT count(*) FROM epoch_metrics"), "2");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT run_id FROM sweep_points"), run);
}

TEST_F(MergeShardTest, ACopyNewerHereIsKeptAndWhatPointsAtAReplacedCopySurvives) {
  const std::string run = FinishedShardRun(RunStatus::kInterrupted);
  ASSERT_TRUE(main_->MergeShard(shard_path_).ok());
  // Here, another sweep reuses the run, a verify run names it as its parent,
  // and it carries a tag of its own.
  SweepRecord other{"o", "exp", "", "spec-o", "grid", "[]", "/x.toml", std::nullopt, dir_.File("o")};
  SweepPoint reuse{0, "{}", "cfg", std::nullopt, false, std::nullopt};
  ASSERT_TRUE(main_->CreateSweep(other, std::span<const SweepPoint>(&reuse, 1)).ok());
  ASSERT_TRUE(main_->LinkSweepPoint("o", 0, run, true).ok());
  RunRecord child = MakeRun("exp");
  child.parent_run_id = run;
  Result<std::string> child_id = main_->BeginRun(child);
  ASSERT_TRUE(child_id.ok());
  ASSERT_TRUE(main_->Tag(run, "mine", "1").ok());

  // The shard's copy is resumed and completes: it replaces the copy here.
  ASSERT_TRUE(shard_->ResumeRun(run, 2).ok());
  ASSERT_TRUE(shard_->FinishRun(run, RunStatus::kCompleted).ok());
  Result<MergeCounts> merged = main_->MergeShard(shard_path_);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->merged, 1);
  EXPECT_EQ(SqlScalar(main_path_, "SELECT status FROM runs WHERE run_id = '" + run + "'"), "completed");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT run_id || ' ' || reused FROM sweep_points WHERE sweep_id = 'o'"),
            run + " 1");
  EXPECT_EQ(SqlScalar(main_path_, "SELECT parent_run_id FROM runs WHERE run_id = '" + *child_id + "'"), run);
  EXPECT_EQ(SqlColumn(main_path_, "SELECT key FROM tags ORDER BY key"), (std::vector<std::string>{"k", "mine"}));

  // Stopped and resumed here as well, beyond the shard: the shard's older
  // copy never wins.
  SqlExec(main_path_, "UPDATE runs SET status = 'interrupted' WHERE run_id = '" + run + "'");
  ASSERT_TRUE(main_->ResumeRun(run, 2).ok());
  EXPECT_EQ(main_->MergeShard(shard_path_)->merged, 0) << "a running copy here is left alone";
  ASSERT_TRUE(main_->FinishRun(run, RunStatus::kCompleted).ok());
  EXPECT_EQ(main_->MergeShard(shard_path_)->merged, 0) << "a copy resumed more often here is newer";
  EXPECT_EQ(SqlScalar(main_path_, "SELECT resume_count FROM runs WHERE run_id = '" + run + "'"), "2");
}

TEST_F(MergeShardTest, ForeignFilesAndItselfAreRefusedWithNothingChanged) {
  SqlExec(dir_.File("other.db"), "CREATE TABLE t (x)");
  EXPECT_FALSE(main_->MergeShard(dir_.File("other.db")).ok());
  EXPECT_FALSE(main_->MergeShard(dir_.File("missing.db")).ok());
  Result<MergeCounts> self = main_->MergeShard(main_path_);
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.status().message().find("is the database it would be merged into"), std::string::npos);
  EXPECT_EQ(SqlScalar(main_path_, "SELECT count(*) FROM runs"), "0");
  // The store still works after a refused merge (the shard was detached).
  FinishedShardRun(RunStatus::kCompleted);
  EXPECT_TRUE(main_->MergeShard(shard_path_).ok());
}

}  // namespace
}  // namespace runexp::store
