// The views users query (run_summary, param_spread, differing_params) and
// the listing/comparison API built on them.
#include <gtest/gtest.h>

#include "store_test_util.h"

namespace runexp::store {
namespace {

using testing::Epoch;
using testing::MakeRun;
using testing::OpenOrFail;
using testing::SqlColumn;
using testing::SqlScalar;
using testing::TempDir;

class ViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(path_);
    ASSERT_TRUE(store_);
    // Three runs of one sweep: learning rate and (for c) batch size vary.
    a_ = Begin("sweep", "a", "2026-01-01T00:00:00.000Z");
    b_ = Begin("sweep", "b", "2026-01-02T00:00:00.000Z");
    c_ = Begin("sweep", "c", "2026-01-03T00:00:00.000Z");
    other_ = Begin("other", "o", "2026-01-04T00:00:00.000Z");
    Params(a_, 0.1, 32, 3);
    Params(b_, 0.01, 32, 3);
    Params(c_, 0.01, 64, 3);
    std::vector<Param> extra = {{"only.in_c", true}};
    ASSERT_TRUE(store_->RecordParams(c_, extra).ok());
    std::vector<Param> other = {{"model.optimizer.learning_rate", 0.5}};
    ASSERT_TRUE(store_->RecordParams(other_, other).ok());

    // a: best test accuracy at epoch 1, then overfits.
    ASSERT_TRUE(store_->RecordEpoch(a_, Epoch(0, 0.50, 0.85, 0.52, 0.84)).ok());
    ASSERT_TRUE(store_->RecordEpoch(a_, Epoch(1, 0.30, 0.92, 0.35, 0.90)).ok());
    ASSERT_TRUE(store_->RecordEpoch(a_, Epoch(2, 0.10, 0.99, 0.45, 0.88)).ok());
    ASSERT_TRUE(store_->RecordEpoch(b_, Epoch(0, 0.60, 0.80, 0.61, 0.79)).ok());
    ASSERT_TRUE(store_->FinishRun(a_, RunStatus::kCompleted).ok());
    ASSERT_TRUE(store_->FinishRun(b_, RunStatus::kFailed, "diverged").ok());
    testing::SqlExec(path_, "UPDATE runs SET finished_at = '2026-01-01T00:02:30.500Z' "
                            "WHERE run_id = '" + a_ + "'");
  }

  std::string Begin(const std::string& experiment, const std::string& name,
                    const std::string& started_at) {
    RunRecord r = MakeRun(experiment, name);
    r.started_at = started_at;
    Result<std::string> id = store_->BeginRun(r);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  void Params(const std::string& id, double lr, int64_t batch, int64_t epochs) {
    std::vector<Param> params = {
        {"model.optimizer.learning_rate", lr},
        {"model.scheduler.learning_rate", 99.0},  // a decoy: the optimizer's wins
        {"train.batch_size", batch},
        {"train.epochs", epochs},
        {"model.layers[0].units", int64_t{128}},
    };
    ASSERT_TRUE(store_->RecordParams(id, params).ok());
  }

  TempDir dir_;
  std::string path_ = dir_.File("results.db");
  std::unique_ptr<RunStore> store_;
  std::string a_, b_, c_, other_;
};

TEST_F(ViewsTest, RunSummaryHasFinalAndBestNumbers) {
  Result<RunSummary> a = store_->GetSummary(a_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->name, "a");
  EXPECT_EQ(a->status, RunStatus::kCompleted);
  EXPECT_DOUBLE_EQ(*a->duration_seconds, 150.5);
  EXPECT_EQ(a->epochs, 3);
  EXPECT_DOUBLE_EQ(*a->final_train_accuracy, 0.99);
  EXPECT_DOUBLE_EQ(*a->final_test_accuracy, 0.88);
  EXPECT_DOUBLE_EQ(*a->final_train_loss, 0.10);
  EXPECT_DOUBLE_EQ(*a->final_test_loss, 0.45);
  EXPECT_NEAR(*a->final_gap_accuracy, 0.11, 1e-12);
  EXPECT_DOUBLE_EQ(*a->best_test_accuracy, 0.90);
  EXPECT_EQ(a->best_epoch, 1);
  EXPECT_DOUBLE_EQ(*a->learning_rate, 0.1);
  EXPECT_EQ(a->batch_size, 32);
  EXPECT_EQ(a->config_epochs, 3);

  Result<RunSummary> c = store_->GetSummary(c_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, RunStatus::kRunning);
  EXPECT_EQ(c->epochs, 0);
  EXPECT_FALSE(c->final_test_accuracy.has_value());
  EXPECT_FALSE(c->best_epoch.has_value());
  EXPECT_GT(*c->duration_seconds, 0) << "a running run's duration counts up to now";

  Result<RunSummary> b = store_->GetSummary(b_);
  EXPECT_EQ(b->error, "diverged");
  EXPECT_EQ(store_->GetSummary("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ViewsTest, ParamSpreadCountsDistinctValuesPerExperiment) {
  EXPECT_EQ(SqlColumn(path_,
                      "SELECT key || ' ' || runs_with_key || ' ' || distinct_values || ' ' || "
                      "runs_with_params FROM param_spread WHERE experiment = 'sweep' ORDER BY key"),
            (std::vector<std::string>{
                "model.layers[0].units 3 1 3", "model.optimizer.learning_rate 3 2 3",
                "model.scheduler.learning_rate 3 1 3", "only.in_c 1 1 3",
                "train.batch_size 3 2 3", "train.epochs 3 1 3"}));
}

TEST_F(ViewsTest, DifferingParamsViewShowsOnlyKeysThatVary) {
  EXPECT_EQ(SqlColumn(path_,
                      "SELECT key || '=' || value || ' ' || (SELECT name FROM runs r WHERE "
                      "r.run_id = d.run_id) FROM differing_params d WHERE experiment = 'sweep' "
                      "ORDER BY 1"),
            (std::vector<std::string>{
                "model.optimizer.learning_rate=0.01 b", "model.optimizer.learning_rate=0.01 c",
                "model.optimizer.learning_rate=0.1 a", "only.in_c=1 c",
                "train.batch_size=32 a", "train.batch_size=32 b", "train.batch_size=64 c"}));
  EXPECT_EQ(SqlScalar(path_, "SELECT COUNT(*) FROM differing_params WHERE experiment = 'other'"),
            "0") << "one run alone differs from nothing";
}

TEST_F(ViewsTest, DifferingParamsApiAlignsValuesWithRuns) {
  std::vector<std::string> ids = {b_, c_};
  Result<std::vector<ParamDifference>> diff = store_->DifferingParams(ids);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  ASSERT_EQ(diff->size(), 2u);
  EXPECT_EQ((*diff)[0].key, "only.in_c");
  EXPECT_FALSE((*diff)[0].values[0].has_value());
  EXPECT_EQ((*diff)[0].values[1], ParamValue(true));
  EXPECT_EQ((*diff)[1].key, "train.batch_size");
  EXPECT_EQ((*diff)[1].values[0], ParamValue(int64_t{32}));
  EXPECT_EQ((*diff)[1].values[1], ParamValue(int64_t{64}));

  std::vector<std::string> same = {a_, a_};
  EXPECT_TRUE(store_->DifferingParams(same)->empty());
  std::vector<std::string> missing = {a_, "nope"};
  EXPECT_EQ(store_->DifferingParams(missing).status().code(), StatusCode::kNotFound);
}

std::vector<std::string> Names(const Result<std::vector<RunSummary>>& runs) {
  std::vector<std::string> out;
  if (!runs.ok()) {
    ADD_FAILURE() << runs.status().ToString();
    return out;
  }
  for (const RunSummary& r : *runs) out.push_back(r.name.value_or("?"));
  return out;
}

TEST_F(ViewsTest, ListRunsFiltersAndSorts) {
  EXPECT_EQ(Names(store_->ListRuns()), (std::vector<std::string>{"o", "c", "b", "a"}))
      << "newest first by default";
  RunFilter sweep;
  sweep.experiment = "sweep";
  sweep.descending = false;
  EXPECT_EQ(Names(store_->ListRuns(sweep)), (std::vector<std::string>{"a", "b", "c"}));

  RunFilter by_accuracy = sweep;
  by_accuracy.sort_by = "best_test_accuracy";
  by_accuracy.descending = true;
  EXPECT_EQ(Names(store_->ListRuns(by_accuracy)), (std::vector<std::string>{"a", "b", "c"}))
      << "c has no accuracy and sorts last";
  by_accuracy.limit = 1;
  EXPECT_EQ(Names(store_->ListRuns(by_accuracy)), (std::vector<std::string>{"a"}));

  RunFilter by_batch;
  by_batch.sort_by = "param:train.batch_size";
  by_batch.descending = true;
  EXPECT_EQ(Names(store_->ListRuns(by_batch)), (std::vector<std::string>{"c", "b", "a", "o"}));

  RunFilter running;
  running.status = RunStatus::kRunning;
  EXPECT_EQ(Names(store_->ListRuns(running)), (std::vector<std::string>{"o", "c"}));

  ASSERT_TRUE(store_->Tag(b_, "paper", "fig3").ok());
  ASSERT_TRUE(store_->Tag(c_, "paper", "fig4").ok());
  RunFilter tagged;
  tagged.tag_key = "paper";
  EXPECT_EQ(Names(store_->ListRuns(tagged)), (std::vector<std::string>{"c", "b"}));
  tagged.tag_value = "fig3";
  EXPECT_EQ(Names(store_->ListRuns(tagged)), (std::vector<std::string>{"b"}));

  RunFilter injection;
  injection.sort_by = "started_at; DROP TABLE runs";
  Result<std::vector<RunSummary>> refused = store_->ListRuns(injection);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("best_test_accuracy"), std::string::npos);
  RunFilter value_only;
  value_only.tag_value = "x";
  EXPECT_EQ(store_->ListRuns(value_only).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ViewsTest, GetRunGathersEverything) {
  Result<RunDetails> d = store_->GetRun(a_);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->run.run_id, a_);
  EXPECT_EQ(d->summary.best_epoch, 1);
  EXPECT_EQ(d->epochs.size(), 3u);
  EXPECT_EQ(d->params.size(), 5u);
  EXPECT_EQ(store_->GetRun("nope").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace runexp::store
