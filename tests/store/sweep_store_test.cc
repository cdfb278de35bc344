// Sweeps in the store (sweep_store.cc): creating a sweep with its points,
// finding it again by its specification, linking points to runs (a new run
// through BeginRun, an earlier one as reused), reading points with their
// runs' status, filtering runs by sweep, finding a completed run of a
// configuration, and the sweep_results view.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "store_test_util.h"

namespace runexp::store {
namespace {

using testing::Epoch;
using testing::MakeRun;
using testing::OpenOrFail;
using testing::SqlColumn;
using testing::SqlScalar;
using testing::TempDir;

SweepRecord MakeSweep(const std::string& spec) {
  SweepRecord s;
  s.experiment = "mnist-mlp";
  s.spec_sha256 = spec;
  s.mode = "grid";
  s.keys_json = R"(["model.layers[0].units","model.optimizer.learning_rate"])";
  s.experiment_file = "/home/user/experiments/mnist.toml";
  s.command_line = "runexp sweep experiments/mnist.toml";
  s.folder = "/home/user/results/sweeps/s1";
  return s;
}

// A 2 x 2 grid: units 32, 64 by learning rate 0.1, 0.01; config hashes c0..c3.
std::vector<SweepPoint> GridPoints() {
  std::vector<SweepPoint> points;
  int64_t point = 0;
  for (int units : {32, 64}) {
    for (const char* lr : {"0.1", "0.01"}) {
      SweepPoint p;
      p.point = point;
      p.assignments_json = R"({"model.layers[0].units": )" + std::to_string(units) +
                           R"(, "model.optimizer.learning_rate": )" + lr + "}";
      p.config_sha256 = std::string("c").append(std::to_string(point));
      points.push_back(p);
      ++point;
    }
  }
  return points;
}

class SweepStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(path_);
    ASSERT_TRUE(store_);
    std::vector<SweepPoint> points = GridPoints();
    Result<std::string> id = store_->CreateSweep(MakeSweep("spec-1"), points);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    sweep_ = *id;
  }

  // A run the sweep starts for `point`, linked by BeginRun.
  Result<std::string> BeginPointRun(int64_t point, const std::string& config_sha256) {
    RunRecord r = MakeRun("mnist-mlp");
    r.config_sha256 = config_sha256;
    r.sweep_id = sweep_;
    r.sweep_point = point;
    return store_->BeginRun(r);
  }

  std::string BeginPlainRun(const std::string& config_sha256) {
    RunRecord r = MakeRun("mnist-mlp");
    r.config_sha256 = config_sha256;
    Result<std::string> id = store_->BeginRun(r);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  std::string Sql(const std::string& sql) { return SqlScalar(path_, sql); }

  TempDir dir_;
  std::string path_ = dir_.File("results.db");
  std::unique_ptr<RunStore> store_;
  std::string sweep_;
};

TEST_F(SweepStoreTest, CreateSweepWritesTheSweepAndItsUnlinkedPoints) {
  Result<SweepRecord> sweep = store_->GetSweep(sweep_);
  ASSERT_TRUE(sweep.ok()) << sweep.status().ToString();
  EXPECT_EQ(sweep->sweep_id, sweep_);
  EXPECT_EQ(sweep->experiment, "mnist-mlp");
  EXPECT_EQ(sweep->spec_sha256, "spec-1");
  EXPECT_EQ(sweep->mode, "grid");
  EXPECT_EQ(sweep->keys_json, R"(["model.layers[0].units","model.optimizer.learning_rate"])");
  EXPECT_EQ(sweep->command_line, "runexp sweep experiments/mnist.toml");
  EXPECT_EQ(sweep->folder, "/home/user/results/sweeps/s1");
  ASSERT_EQ(sweep->created_at.size(), 24u) << sweep->created_at;
  EXPECT_EQ(sweep->created_at.back(), 'Z');
  EXPECT_EQ(sweep_.size(), 22u) << "the run id format: " << sweep_;

  Result<std::vector<SweepPoint>> points = store_->ListSweepPoints(sweep_);
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  ASSERT_EQ(points->size(), 4u);
  for (size_t i = 0; i < points->size(); ++i) {
    const SweepPoint& p = (*points)[i];
    EXPECT_EQ(p.point, static_cast<int64_t>(i));
    EXPECT_EQ(p.config_sha256, "c" + std::to_string(i));
    EXPECT_FALSE(p.run_id.has_value());
    EXPECT_FALSE(p.reused);
    EXPECT_FALSE(p.run_status.has_value());
  }
  EXPECT_EQ(Sql("SELECT json_extract(assignments, '$.\"model.layers[0].units\"') FROM sweep_points "
                "WHERE point = 3"),
            "64");
  EXPECT_EQ(Sql("SELECT json_extract(assignments, '$.\"model.optimizer.learning_rate\"') FROM sweep_points "
                "WHERE point = 3"),
            "0.01");
}

TEST_F(SweepStoreTest, ListSweepsInCreationOrderAndFindBySpec) {
  // created_at has milliseconds; within one, the order would be the ids'.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Result<std::string> second = store_->CreateSweep(MakeSweep("spec-2"), std::vector<SweepPoint>{});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  Result<std::vector<SweepRecord>> sweeps = store_->ListSweeps();
  ASSERT_TRUE(sweeps.ok()) << sweeps.status().ToString();
  ASSERT_EQ(sweeps->size(), 2u);
  EXPECT_EQ((*sweeps)[0].sweep_id, sweep_);
  EXPECT_EQ((*sweeps)[1].sweep_id, *second);

  Result<std::optional<SweepRecord>> found = store_->FindSweepBySpec("spec-2");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->sweep_id, *second);
  Result<std::optional<SweepRecord>> absent = store_->FindSweepBySpec("spec-3");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  EXPECT_EQ(store_->GetSweep("20990101T000000-zzzzzz").status().code(), StatusCode::kNotFound);
}

TEST_F(SweepStoreTest, TheSameSpecificationIsRefusedNamingTheSweepOnRecord) {
  std::vector<SweepPoint> points = GridPoints();
  Result<std::string> again = store_->CreateSweep(MakeSweep("spec-1"), points);
  ASSERT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.status().message().find(sweep_), std::string::npos) << again.status().ToString();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sweeps"), "1");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sweep_points"), "4");
}

TEST_F(SweepStoreTest, ABadPointWritesNoPartOfTheSweep) {
  std::vector<SweepPoint> points = GridPoints();
  points[2].assignments_json = "{not json";  // the CHECK (json_valid) refuses it
  EXPECT_FALSE(store_->CreateSweep(MakeSweep("spec-bad"), points).ok());
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sweeps"), "1");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sweep_points"), "4");
  SweepRecord nameless = MakeSweep("spec-x");
  nameless.experiment.clear();
  EXPECT_EQ(store_->CreateSweep(nameless, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SweepStoreTest, ResolveSweepIdTakesAnExactIdOrAnUnambiguousPrefix) {
  SweepRecord named = MakeSweep("spec-2");
  named.sweep_id = "20200101T000000-abcdef";
  ASSERT_TRUE(store_->CreateSweep(named, {}).ok());
  named.sweep_id = "20200101T000000-abcxyz";
  named.spec_sha256 = "spec-3";
  ASSERT_TRUE(store_->CreateSweep(named, {}).ok());

  EXPECT_EQ(store_->ResolveSweepId("20200101T000000-abcdef").value(), "20200101T000000-abcdef");
  EXPECT_EQ(store_->ResolveSweepId("abcd").value(), "20200101T000000-abcdef");
  EXPECT_EQ(store_->ResolveSweepId(sweep_.substr(0, sweep_.size() - 2)).value(), sweep_);
  Result<std::string> ambiguous = store_->ResolveSweepId("abc");
  EXPECT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument) << ambiguous.status().ToString();
  Result<std::string> unknown = store_->ResolveSweepId("zzzzzz");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("sweep"), std::string::npos) << unknown.status().ToString();
}

TEST_F(SweepStoreTest, NoSweepsOnRecordIsNotFound) {
  TempDir other_dir;
  std::unique_ptr<RunStore> empty = OpenOrFail(other_dir.File("results.db"));
  ASSERT_TRUE(empty);
  Result<std::string> id = empty->ResolveSweepId("abc");
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
  EXPECT_NE(id.status().message().find("no sweeps"), std::string::npos) << id.status().ToString();
}

TEST_F(SweepStoreTest, BeginRunLinksTheRunToItsPoint) {
  Result<std::string> run = BeginPointRun(1, "c1");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(store_->GetRun(*run)->run.sweep_id, sweep_);
  EXPECT_EQ(Sql("SELECT sweep_id FROM runs WHERE run_id = '" + *run + "'"), sweep_);
  Result<std::vector<SweepPoint>> points = store_->ListSweepPoints(sweep_);
  ASSERT_TRUE(points.ok());
  EXPECT_EQ((*points)[1].run_id, *run);
  EXPECT_FALSE((*points)[1].reused);
  EXPECT_EQ((*points)[1].run_status, RunStatus::kRunning);
  EXPECT_FALSE((*points)[0].run_id.has_value());
}

TEST_F(SweepStoreTest, ABadPointFailsBeginRunWithNothingWritten) {
  Result<std::string> no_point = BeginPointRun(7, "c7");
  EXPECT_EQ(no_point.status().code(), StatusCode::kNotFound) << no_point.status().ToString();
  EXPECT_NE(no_point.status().message().find("no point 7"), std::string::npos) << no_point.status().ToString();

  RunRecord other_sweep = MakeRun("mnist-mlp");
  other_sweep.sweep_id = "20990101T000000-zzzzzz";
  other_sweep.sweep_point = 0;
  EXPECT_FALSE(store_->BeginRun(other_sweep).ok());

  RunRecord half = MakeRun("mnist-mlp");
  half.sweep_id = sweep_;  // without sweep_point
  EXPECT_EQ(store_->BeginRun(half).status().code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(Sql("SELECT COUNT(*) FROM runs"), "0");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sweep_points WHERE run_id IS NOT NULL"), "0");
}

TEST_F(SweepStoreTest, LinkSweepPointReusesAnEarlierRun) {
  std::string earlier = BeginPlainRun("c2");
  ASSERT_TRUE(store_->FinishRun(earlier, RunStatus::kCompleted).ok());
  ASSERT_TRUE(store_->LinkSweepPoint(sweep_, 2, earlier, true).ok());
  Result<std::vector<SweepPoint>> points = store_->ListSweepPoints(sweep_);
  ASSERT_TRUE(points.ok());
  EXPECT_EQ((*points)[2].run_id, earlier);
  EXPECT_TRUE((*points)[2].reused);
  EXPECT_EQ((*points)[2].run_status, RunStatus::kCompleted);
  // A reused run was not started by the sweep: its own sweep_id stays NULL.
  EXPECT_EQ(Sql("SELECT sweep_id FROM runs WHERE run_id = '" + earlier + "'"), "NULL");

  EXPECT_EQ(store_->LinkSweepPoint(sweep_, 9, earlier, true).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->LinkSweepPoint(sweep_, 3, "20990101T000000-nonrun", true).code(), StatusCode::kNotFound);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sweep_points WHERE run_id IS NOT NULL"), "1");
}

TEST_F(SweepStoreTest, ListSweepPointsCarriesEachRunsStatus) {
  Result<std::string> completed = BeginPointRun(0, "c0");
  Result<std::string> failed = BeginPointRun(1, "c1");
  Result<std::string> interrupted = BeginPointRun(2, "c2");
  ASSERT_TRUE(completed.ok() && failed.ok() && interrupted.ok());
  ASSERT_TRUE(store_->FinishRun(*completed, RunStatus::kCompleted).ok());
  ASSERT_TRUE(store_->FinishRun(*failed, RunStatus::kFailed, "diverged").ok());
  ASSERT_TRUE(store_->FinishRun(*interrupted, RunStatus::kInterrupted, "signal 2").ok());
  Result<std::vector<SweepPoint>> points = store_->ListSweepPoints(sweep_);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 4u);
  EXPECT_EQ((*points)[0].run_status, RunStatus::kCompleted);
  EXPECT_EQ((*points)[1].run_status, RunStatus::kFailed);
  EXPECT_EQ((*points)[2].run_status, RunStatus::kInterrupted);
  EXPECT_FALSE((*points)[3].run_status.has_value()) << "pending";
}

TEST_F(SweepStoreTest, DeletingARunUnlinksItsPoint) {
  Result<std::string> run = BeginPointRun(0, "c0");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(store_->FinishRun(*run, RunStatus::kFailed, "diverged").ok());
  ASSERT_TRUE(store_->DeleteRun(*run).ok());
  EXPECT_EQ(Sql("SELECT run_id FROM sweep_points WHERE point = 0"), "NULL");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM sweep_points"), "4") << "the point stays, to be run again";
  Result<std::vector<SweepPoint>> points = store_->ListSweepPoints(sweep_);
  ASSERT_TRUE(points.ok());
  EXPECT_FALSE((*points)[0].run_id.has_value());
  EXPECT_FALSE((*points)[0].run_status.has_value());
}

TEST_F(SweepStoreTest, RunFilterSweepIdListsTheRunsLinkedToItsPoints) {
  Result<std::string> started = BeginPointRun(0, "c0");
  ASSERT_TRUE(started.ok());
  std::string reused = BeginPlainRun("c1");
  ASSERT_TRUE(store_->FinishRun(reused, RunStatus::kCompleted).ok());
  ASSERT_TRUE(store_->LinkSweepPoint(sweep_, 1, reused, true).ok());
  std::string unrelated = BeginPlainRun("c9");

  RunFilter filter;
  filter.sweep_id = sweep_;
  filter.sort_by = "run_id";
  filter.descending = false;
  Result<std::vector<RunSummary>> runs = store_->ListRuns(filter);
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  std::vector<std::string> ids;
  for (const RunSummary& run : *runs) ids.push_back(run.run_id);
  std::vector<std::string> expected = {*started, reused};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);

  filter.sweep_id = "20990101T000000-zzzzzz";
  EXPECT_TRUE(store_->ListRuns(filter)->empty());
  EXPECT_EQ(store_->ListRuns()->size(), 3u) << "no filter: every run, " << unrelated << " included";
}

TEST_F(SweepStoreTest, FindCompletedRunWantsACompletedRunOfTheExactConfiguration) {
  Result<std::optional<std::string>> none = store_->FindCompletedRun("h");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  std::string failed = BeginPlainRun("h");
  ASSERT_TRUE(store_->FinishRun(failed, RunStatus::kFailed, "diverged").ok());
  std::string running = BeginPlainRun("h");
  std::string other_config = BeginPlainRun("h2");
  ASSERT_TRUE(store_->FinishRun(other_config, RunStatus::kCompleted).ok());
  EXPECT_FALSE(store_->FindCompletedRun("h")->has_value()) << "failed and running runs are not reused";

  std::string older = BeginPlainRun("h");
  std::string newer = BeginPlainRun("h");
  ASSERT_TRUE(store_->FinishRun(older, RunStatus::kCompleted).ok());
  ASSERT_TRUE(store_->FinishRun(newer, RunStatus::kCompleted).ok());
  testing::SqlExec(path_, "UPDATE runs SET finished_at = '2026-01-01T00:00:00.000Z' WHERE run_id = '" + older + "'");
  testing::SqlExec(path_, "UPDATE runs SET finished_at = '2026-01-02T00:00:00.000Z' WHERE run_id = '" + newer + "'");
  EXPECT_EQ(store_->FindCompletedRun("h").value(), newer);
  EXPECT_EQ(store_->FindCompletedRun("h2").value(), other_config);
  EXPECT_FALSE(store_->FindCompletedRun("H")->has_value()) << "exact hash only";
  EXPECT_FALSE(store_->FindCompletedRun("h2 ")->has_value());
  (void)running;
}

TEST_F(SweepStoreTest, SweepResultsViewGivesEachPointItsRunsFiguresOrPending) {
  Result<std::string> run = BeginPointRun(0, "c0");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(store_->RecordEpoch(*run, Epoch(0, 0.50, 0.85, 0.52, 0.84)).ok());
  ASSERT_TRUE(store_->RecordEpoch(*run, Epoch(1, 0.30, 0.95, 0.40, 0.90)).ok());
  ASSERT_TRUE(store_->FinishRun(*run, RunStatus::kCompleted).ok());
  std::string reused = BeginPlainRun("c1");
  ASSERT_TRUE(store_->LinkSweepPoint(sweep_, 1, reused, true).ok());

  EXPECT_EQ(SqlColumn(path_, "SELECT status FROM sweep_results WHERE sweep_id = '" + sweep_ + "' ORDER BY point"),
            (std::vector<std::string>{"completed", "running", "pending", "pending"}));
  EXPECT_EQ(SqlColumn(path_, "SELECT reused FROM sweep_results ORDER BY point"),
            (std::vector<std::string>{"0", "1", "0", "0"}));
  EXPECT_EQ(Sql("SELECT epochs || ' ' || final_train_accuracy || ' ' || final_test_accuracy "
                "FROM sweep_results WHERE point = 0"),
            "2 0.95 0.9");
  EXPECT_NEAR(std::stod(Sql("SELECT final_gap_accuracy FROM sweep_results WHERE point = 0")), 0.05, 1e-12);
  EXPECT_EQ(Sql("SELECT final_test_accuracy IS NULL AND run_id IS NULL FROM sweep_results WHERE point = 3"), "1");
  EXPECT_EQ(Sql("SELECT json_extract(assignments, '$.\"model.layers[0].units\"') FROM sweep_results "
                "WHERE point = 2"),
            "64");
}

}  // namespace
}  // namespace runexp::store
