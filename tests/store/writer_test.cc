// Writing a run: the running row, parameters, epochs (and their gaps),
// metrics, checkpoints, tags, finishing and deleting.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <thread>

#include "runexp/sha256.h"
#include "store/process_info.h"
#include "store_test_util.h"

namespace runexp::store {
namespace {

using testing::Epoch;
using testing::MakeRun;
using testing::OpenOrFail;
using testing::SqlColumn;
using testing::SqlScalar;
using testing::TempDir;

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(path_);
    ASSERT_TRUE(store_);
    Result<std::string> id = store_->BeginRun(MakeRun("mnist-mlp", "baseline"));
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    run_ = *id;
  }
  std::string Sql(const std::string& sql) { return SqlScalar(path_, sql); }

  TempDir dir_;
  std::string path_ = dir_.File("results.db");
  std::unique_ptr<RunStore> store_;
  std::string run_;
};

TEST_F(WriterTest, BeginRunWritesARunningRowWithProvenance) {
  Result<RunDetails> d = store_->GetRun(run_);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const RunRecord& r = d->run;
  EXPECT_EQ(r.status, RunStatus::kRunning);
  EXPECT_EQ(r.name, "baseline");
  EXPECT_EQ(r.pid, static_cast<int64_t>(getpid()));
  EXPECT_EQ(r.pid_start_ticks, ProcessStartTicks(getpid()));
  EXPECT_EQ(r.host, CurrentProcess().host);
  EXPECT_TRUE(r.boot_id.has_value());
  EXPECT_EQ(r.config_sha256, Sha256Hex(MakeRun("mnist-mlp").config_toml));
  EXPECT_EQ(r.heartbeat_at, r.started_at);
  EXPECT_FALSE(r.finished_at.has_value());
  ASSERT_EQ(r.started_at.size(), 24u) << r.started_at;
  EXPECT_EQ(r.started_at[10], 'T');
  EXPECT_EQ(r.started_at[19], '.');
  EXPECT_EQ(r.started_at.back(), 'Z');
  EXPECT_EQ(r.environment_json, R"({"OMP_NUM_THREADS":"4"})");
  EXPECT_EQ(r.seed, 42);
  EXPECT_EQ(r.git_dirty, false);
}

TEST_F(WriterTest, BeginRunValidates) {
  RunRecord no_experiment = MakeRun("");
  EXPECT_EQ(store_->BeginRun(no_experiment).status().code(), StatusCode::kInvalidArgument);
  RunRecord bad_json = MakeRun("x");
  bad_json.environment_json = "{not json";
  EXPECT_EQ(store_->BeginRun(bad_json).status().code(), StatusCode::kInvalidArgument);
  RunRecord orphan = MakeRun("x");
  orphan.parent_run_id = "nope";
  EXPECT_EQ(store_->BeginRun(orphan).status().code(), StatusCode::kNotFound);
}

TEST_F(WriterTest, AVerificationRunNamesItsParentAndIsNotAResume) {
  RunRecord verify = MakeRun("mnist-mlp");
  verify.parent_run_id = run_;
  Result<std::string> child = store_->BeginRun(verify);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  EXPECT_EQ(store_->GetRun(*child)->run.resume_count, 0);
  EXPECT_EQ(store_->GetRun(*child)->run.parent_run_id, run_);
}

TEST_F(WriterTest, ResumeRunRevivesAnInterruptedRunInPlace) {
  for (int epoch = 1; epoch <= 3; ++epoch) {
    ASSERT_TRUE(store_->RecordEpoch(run_, Epoch(epoch, 0.4, 0.9, 0.5, 0.8)).ok());
    ASSERT_TRUE(store_->RecordMetric(run_, MetricPoint{"model", "loss", epoch, 469, 0.4}).ok());
  }
  for (int epoch : {2, 3}) {
    CheckpointRecord checkpoint;
    checkpoint.epoch = epoch;
    checkpoint.path = "c" + std::to_string(epoch) + ".pb";
    ASSERT_TRUE(store_->RecordCheckpoint(run_, checkpoint).ok());
  }
  EXPECT_EQ(store_->ResumeRun(run_, 2).code(), StatusCode::kInvalidArgument) << "still running";
  ASSERT_TRUE(store_->FinishRun(run_, RunStatus::kInterrupted, "signal 2").ok());

  Status resumed = store_->ResumeRun(run_, 2);
  ASSERT_TRUE(resumed.ok()) << resumed.ToString();
  RunDetails details = store_->GetRun(run_).value();
  EXPECT_EQ(details.run.status, RunStatus::kRunning);
  EXPECT_EQ(details.run.resume_count, 1);
  EXPECT_FALSE(details.run.error.has_value());
  EXPECT_FALSE(details.run.finished_at.has_value());
  ASSERT_EQ(details.epochs.size(), 1u) << "epochs 2 and 3 are redone";
  EXPECT_EQ(details.epochs[0].epoch, 1);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM metrics WHERE run_id = '" + run_ + "'"), "1");
  ASSERT_EQ(details.checkpoints.size(), 1u);
  EXPECT_EQ(details.checkpoints[0].epoch, 2);

  ASSERT_TRUE(store_->FinishRun(run_, RunStatus::kCompleted).ok());
  EXPECT_EQ(store_->ResumeRun(run_, 0).code(), StatusCode::kInvalidArgument) << "completed";
  EXPECT_EQ(store_->ResumeRun("nope", 0).code(), StatusCode::kNotFound);
}

TEST_F(WriterTest, EpochGapsAreComputedByTheDatabase) {
  ASSERT_TRUE(store_->RecordEpoch(run_, Epoch(0, 0.40, 0.95, 0.55, 0.91)).ok());
  ASSERT_TRUE(store_->RecordEpoch(run_, Epoch(1, 0.30, std::nullopt, 0.50, 0.92)).ok());
  ASSERT_TRUE(store_->RecordEpoch(run_, Epoch(2, std::nullopt, 0.97, std::nullopt, 0.93)).ok());
  Result<std::vector<EpochMetrics>> epochs = store_->ListEpochs(run_);
  ASSERT_TRUE(epochs.ok());
  ASSERT_EQ(epochs->size(), 3u);
  EXPECT_NEAR(*(*epochs)[0].gap_accuracy, 0.95 - 0.91, 1e-12);  // train - test
  EXPECT_NEAR(*(*epochs)[0].gap_loss, 0.55 - 0.40, 1e-12);      // test - train
  EXPECT_FALSE((*epochs)[1].gap_accuracy.has_value()) << "train accuracy missing";
  EXPECT_NEAR(*(*epochs)[1].gap_loss, 0.20, 1e-12);
  EXPECT_NEAR(*(*epochs)[2].gap_accuracy, 0.04, 1e-12);
  EXPECT_FALSE((*epochs)[2].gap_loss.has_value()) << "losses missing";
  EXPECT_EQ((*epochs)[0].seconds, 1.5);

  // Nobody can store a gap that disagrees with the numbers, not even by hand.
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  EXPECT_NE(sqlite3_exec(db, "UPDATE epoch_metrics SET gap_accuracy = 0.5", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  testing::SqlExec(path_, "UPDATE epoch_metrics SET test_accuracy = 0.90 WHERE epoch = 0");
  EXPECT_NEAR(std::stod(Sql("SELECT gap_accuracy FROM epoch_metrics WHERE epoch = 0")), 0.05,
              1e-12);
}

TEST_F(WriterTest, EpochIsRecordedOnceWithItsMetricsAndAHeartbeat) {
  testing::SqlExec(path_, "UPDATE runs SET heartbeat_at = '2000-01-01T00:00:00.000Z'");
  std::vector<MetricPoint> extra = {{"train", "lr", std::nullopt, std::nullopt, 0.01},
                                    {"eval", "f1", int64_t{99}, std::nullopt, 0.8}};
  ASSERT_TRUE(store_->RecordEpoch(run_, Epoch(3, 0.4, 0.9, 0.5, 0.85), extra).ok());
  EXPECT_EQ(Sql("SELECT epoch FROM metrics WHERE name = 'lr'"), "3") << "defaults to the epoch";
  EXPECT_EQ(Sql("SELECT epoch FROM metrics WHERE name = 'f1'"), "99");
  EXPECT_GT(Sql("SELECT heartbeat_at FROM runs"), "2001");

  Status again = store_->RecordEpoch(run_, Epoch(3, 0.1, 0.1, 0.1, 0.1), extra);
  EXPECT_EQ(again.code(), StatusCode::kInvalidArgument) << again.ToString();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM metrics"), "2") << "the failed epoch wrote nothing";
  EXPECT_EQ(Sql("SELECT train_loss FROM epoch_metrics"), "0.4");

  EXPECT_EQ(store_->RecordEpoch("no-such-run", Epoch(0, 1, 1, 1, 1)).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->RecordEpoch(run_, Epoch(-1, 1, 1, 1, 1)).code(), StatusCode::kInvalidArgument);
}

TEST_F(WriterTest, BadMetricInAnEpochRollsBackTheWholeEpoch) {
  std::vector<MetricPoint> extra = {{"train", "ok", std::nullopt, std::nullopt, 1.0},
                                    {"train", "", std::nullopt, std::nullopt, 2.0}};
  EXPECT_FALSE(store_->RecordEpoch(run_, Epoch(0, 1, 1, 1, 1), extra).ok());
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM epoch_metrics"), "0");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM metrics"), "0");
}

TEST_F(WriterTest, MetricsInLongFormat) {
  std::vector<MetricPoint> points;
  for (int step = 0; step < 5; ++step) {
    points.push_back({"train", "batch_loss", int64_t{0}, int64_t{step}, 1.0 / (step + 1)});
  }
  points.push_back({"train", "batch_loss", int64_t{1}, int64_t{0}, 0.1});
  points.push_back({"eval", "nan_metric", int64_t{1}, std::nullopt, std::nan("")});
  ASSERT_TRUE(store_->RecordMetrics(run_, points).ok());
  ASSERT_TRUE(store_->RecordMetric(run_, {"eval", "auc", std::nullopt, std::nullopt, 0.7}).ok());

  Result<std::vector<MetricPoint>> loss = store_->ListMetrics(run_, "batch_loss");
  ASSERT_TRUE(loss.ok());
  ASSERT_EQ(loss->size(), 6u);
  EXPECT_EQ((*loss)[4].step, 4);
  EXPECT_DOUBLE_EQ(*(*loss)[4].value, 0.2);
  EXPECT_EQ(store_->ListMetrics(run_)->size(), 8u);

  Result<RunDetails> d = store_->GetRun(run_);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->latest_metrics.size(), 3u);  // eval/auc, eval/nan_metric, train/batch_loss
  EXPECT_EQ(d->latest_metrics[2].name, "batch_loss");
  EXPECT_EQ(d->latest_metrics[2].epoch, 1);
  EXPECT_DOUBLE_EQ(*d->latest_metrics[2].value, 0.1);
  EXPECT_FALSE(d->latest_metrics[1].value.has_value()) << "NaN is stored as NULL";
}

TEST_F(WriterTest, ParamsKeepTheirTypes) {
  std::vector<Param> params = {
      {"model.optimizer.learning_rate", 0.001},
      {"model.layers[0].units", int64_t{128}},
      {"model.layers[0].activation", std::string("relu")},
      {"data.shuffle", true},
  };
  ASSERT_TRUE(store_->RecordParams(run_, params).ok());
  EXPECT_EQ(Sql("SELECT typeof(value) || ' ' || type FROM params WHERE key = 'model.layers[0].units'"),
            "integer integer");
  EXPECT_EQ(Sql("SELECT typeof(value) || ' ' || type FROM params WHERE key LIKE '%learning_rate'"),
            "real float");
  EXPECT_EQ(Sql("SELECT value FROM params WHERE key = 'data.shuffle'"), "1");

  Result<RunDetails> d = store_->GetRun(run_);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->params.size(), 4u);
  EXPECT_EQ(d->params[0].key, "data.shuffle");  // sorted by key
  EXPECT_EQ(d->params[0].value, ParamValue(true));
  EXPECT_EQ(d->params[2].value, ParamValue(int64_t{128}));
  EXPECT_EQ(ParamValueToString(d->params[3].value), "0.001");

  // Re-recording a key replaces it (e.g. a resolved default).
  std::vector<Param> update = {{"data.shuffle", false}};
  ASSERT_TRUE(store_->RecordParams(run_, update).ok());
  EXPECT_EQ(Sql("SELECT value FROM params WHERE key = 'data.shuffle'"), "0");
}

TEST_F(WriterTest, InputsAreRecorded) {
  std::vector<InputRecord> inputs = {
      {"reader", "data/mnist/train-images-idx3-ubyte.gz", std::string(64, 'a'), int64_t{9912422}},
      {"reader", "data/mnist/train-labels-idx1-ubyte.gz", std::string(64, 'b'), int64_t{28881}}};
  ASSERT_TRUE(store_->RecordInputs(run_, inputs).ok());
  ASSERT_TRUE(store_->RecordInputs(run_, inputs).ok()) << "recording again is harmless";
  Result<RunDetails> d = store_->GetRun(run_);
  ASSERT_EQ(d->inputs.size(), 2u);
  EXPECT_EQ(d->inputs[0].bytes, 9912422);
}

TEST_F(WriterTest, CheckpointsAndPruning) {
  CheckpointRecord c;
  c.epoch = 2;
  c.path = "runs/x/ckpt-2.pb";
  c.sha256 = std::string(64, 'c');
  c.weights_sha256 = std::string(64, 'w');
  c.bytes = 1234;
  ASSERT_TRUE(store_->RecordCheckpoint(run_, c).ok());
  EXPECT_EQ(store_->RecordCheckpoint(run_, c).code(), StatusCode::kInvalidArgument);
  c.epoch = 3;
  c.path = "runs/x/ckpt-3.pb";
  ASSERT_TRUE(store_->RecordCheckpoint(run_, c).ok());

  ASSERT_TRUE(store_->MarkCheckpointPruned(run_, 2).ok());
  std::string pruned_at = Sql("SELECT pruned_at FROM checkpoints WHERE epoch = 2");
  ASSERT_TRUE(store_->MarkCheckpointPruned(run_, 2).ok()) << "idempotent";
  EXPECT_EQ(Sql("SELECT pruned_at FROM checkpoints WHERE epoch = 2"), pruned_at);
  EXPECT_EQ(store_->MarkCheckpointPruned(run_, 7).code(), StatusCode::kNotFound);

  Result<RunDetails> d = store_->GetRun(run_);
  ASSERT_EQ(d->checkpoints.size(), 2u);
  EXPECT_TRUE(d->checkpoints[0].pruned);
  EXPECT_EQ(d->checkpoints[0].pruned_at, pruned_at);
  EXPECT_FALSE(d->checkpoints[1].pruned);
  EXPECT_EQ(d->checkpoints[1].weights_sha256, std::string(64, 'w'));
  EXPECT_FALSE(d->checkpoints[1].created_at.empty());
}

TEST_F(WriterTest, TagsAreUniquePerKey) {
  ASSERT_TRUE(store_->Tag(run_, "status", "draft").ok());
  ASSERT_TRUE(store_->Tag(run_, "status", "paper").ok());
  ASSERT_TRUE(store_->Tag(run_, "note", "").ok());
  EXPECT_EQ(store_->Tag(run_, "", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Tag("missing", "a", "b").code(), StatusCode::kNotFound);
  Result<RunDetails> d = store_->GetRun(run_);
  EXPECT_EQ(d->tags, (std::map<std::string, std::string>{{"note", ""}, {"status", "paper"}}));
  ASSERT_TRUE(store_->Untag(run_, "note").ok());
  EXPECT_EQ(store_->Untag(run_, "note").code(), StatusCode::kNotFound);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM tags"), "1");
}

TEST_F(WriterTest, HeartbeatAndFinish) {
  testing::SqlExec(path_, "UPDATE runs SET heartbeat_at = '2000-01-01T00:00:00.000Z'");
  ASSERT_TRUE(store_->Heartbeat(run_).ok());
  EXPECT_GT(Sql("SELECT heartbeat_at FROM runs"), "2001");
  EXPECT_EQ(store_->FinishRun(run_, RunStatus::kRunning).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->FinishRun(run_, RunStatus::kFailed, "stage 'trainer': out of memory").ok());
  EXPECT_EQ(Sql("SELECT status || '|' || error FROM runs"), "failed|stage 'trainer': out of memory");
  EXPECT_NE(Sql("SELECT finished_at FROM runs"), "NULL");

  Status again = store_->FinishRun(run_, RunStatus::kCompleted);
  EXPECT_EQ(again.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.message().find("already failed"), std::string::npos) << again.ToString();
  EXPECT_EQ(store_->Heartbeat(run_).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Heartbeat("missing").code(), StatusCode::kNotFound);
}

TEST_F(WriterTest, DeleteCascadesToEveryTable) {
  RunRecord other = MakeRun("mnist-mlp");
  Result<std::string> keep = store_->BeginRun(other);
  ASSERT_TRUE(keep.ok());
  for (const std::string& id : {run_, *keep}) {
    std::vector<InputRecord> inputs = {{"reader", "a.gz", std::nullopt, std::nullopt}};
    std::vector<Param> params = {{"k", int64_t{1}}};
    ASSERT_TRUE(store_->RecordInputs(id, inputs).ok());
    ASSERT_TRUE(store_->RecordParams(id, params).ok());
    ASSERT_TRUE(store_->RecordEpoch(id, Epoch(0, 1, 1, 1, 1),
                                    std::vector<MetricPoint>{{"s", "m", {}, {}, 1.0}}).ok());
    ASSERT_TRUE(store_->RecordCheckpoint(id, {0, "c.pb", {}, {}, {}, "", false, {}}).ok());
    ASSERT_TRUE(store_->Tag(id, "t", "v").ok());
  }
  RunRecord child = MakeRun("mnist-mlp");
  child.parent_run_id = run_;
  Result<std::string> resumed = store_->BeginRun(child);
  ASSERT_TRUE(resumed.ok());

  Status refused = store_->DeleteRun(run_);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << "still running";
  ASSERT_TRUE(store_->FinishRun(run_, RunStatus::kCompleted).ok());
  ASSERT_TRUE(store_->DeleteRun(run_).ok());
  EXPECT_EQ(store_->DeleteRun(run_).code(), StatusCode::kNotFound);

  for (const char* table : {"inputs", "params", "epoch_metrics", "metrics", "checkpoints", "tags"}) {
    EXPECT_EQ(Sql(std::string("SELECT COUNT(*) FROM ") + table + " WHERE run_id = '" + run_ + "'"),
              "0") << table;
    EXPECT_EQ(Sql(std::string("SELECT COUNT(*) FROM ") + table + " WHERE run_id = '" + *keep + "'"),
              "1") << table;
  }
  EXPECT_EQ(Sql("SELECT parent_run_id FROM runs WHERE run_id = '" + *resumed + "'"), "NULL");
  EXPECT_TRUE(store_->DeleteRun(*keep, /*even_if_running=*/true).ok());
}

TEST_F(WriterTest, CallsFromSeveralThreadsAreSerialised) {
  // The engine records epochs from a worker thread while the main thread
  // sends heartbeats; both go through one RunStore.
  std::thread worker([&] {
    for (int e = 0; e < 50; ++e) {
      EXPECT_TRUE(store_->RecordEpoch(run_, Epoch(e, 1, 1, 1, 1),
                                      std::vector<MetricPoint>{{"s", "m", {}, {}, 1.0}}).ok());
    }
  });
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(store_->Heartbeat(run_).ok());
  worker.join();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM epoch_metrics"), "50");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM metrics"), "50");
}

}  // namespace
}  // namespace runexp::store
