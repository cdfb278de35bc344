// Reading a recorded run back for resume and verify: the newest checkpoint
// is trusted only if its file, its weights, its run and its configuration
// all match what results.db recorded; inputs must be unchanged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "checkpoint/checkpoint_codec.h"
#include "run/stored_run.h"
#include "runexp/sha256.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;

class StoredRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("runexp_stored_run_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "run1" / "checkpoints");
    details_.run.run_id = "run1";
    details_.run.config_sha256 = std::string(64, 'c');
    for (int epoch = 1; epoch <= 2; ++epoch) AddCheckpoint(epoch, "run1", details_.run.config_sha256);
    for (int epoch = 1; epoch <= 2; ++epoch) {
      store::EpochMetrics recorded;
      recorded.epoch = epoch;
      details_.epochs.push_back(recorded);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a checkpoint of `epoch` and records it as the run would.
  void AddCheckpoint(int epoch, const std::string& run_id, const std::string& config_sha256) {
    nn::Mlp model = nn::Mlp::Create({2, {{3, nn::Activation::kRelu}, {2, nn::Activation::kSoftmax}}}).value();
    model.InitGlorotUniform(static_cast<uint64_t>(epoch));
    TrainingCheckpoint c;
    c.optimizer_config = nn::OptimizerConfig::Sgd(0.1f);
    c.epochs_completed = epoch;
    c.provenance.run_id = run_id;
    c.provenance.config_sha256 = config_sha256;
    c.streams.push_back({"shuffle", nn::RandomStream(1, "shuffle")});
    c.model = std::make_shared<const nn::Mlp>(std::move(model));
    const std::string bytes = SerializeCheckpoint(c);
    const std::string path = "run1/checkpoints/epoch-" + std::to_string(epoch) + ".pb";
    std::ofstream(dir_ / path, std::ios::binary) << bytes;
    store::CheckpointRecord record;
    record.epoch = epoch;
    record.path = path;
    record.sha256 = Sha256Hex(bytes);
    record.weights_sha256 = WeightsSha256(*c.model);
    std::erase_if(details_.checkpoints, [&](const auto& r) { return r.epoch == epoch; });
    details_.checkpoints.push_back(record);
  }
  std::string Error() {
    auto loaded = LoadLatestCheckpoint(details_, dir_);
    return loaded.ok() ? "" : loaded.status().message();
  }

  fs::path dir_;
  store::RunDetails details_;
};

TEST_F(StoredRunTest, LoadsTheNewestCheckpointNotPruned) {
  auto loaded = LoadLatestCheckpoint(details_, dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->epochs_completed, 2);
  details_.checkpoints[1].pruned = true;
  EXPECT_EQ((*LoadLatestCheckpoint(details_, dir_))->epochs_completed, 1);
  details_.checkpoints.clear();
  EXPECT_FALSE(LoadLatestCheckpoint(details_, dir_)->has_value()) << "none: resume from the start";
}

TEST_F(StoredRunTest, NeverResumesPastAnEpochNobodyRecorded) {
  // The trainer ran ahead: checkpoints 1-4, epochs 1-2 recorded (3 lost in
  // the evaluator's queue). Resuming from 4 would skip 3; 3 is re-reported.
  AddCheckpoint(3, "run1", details_.run.config_sha256);
  AddCheckpoint(4, "run1", details_.run.config_sha256);
  EXPECT_EQ(ResumePoint(details_)->epoch, 3);
  details_.epochs.erase(details_.epochs.begin());  // a gap at epoch 1
  EXPECT_EQ(LastContiguousEpoch(details_.epochs), 0);
  EXPECT_EQ(ResumePoint(details_)->epoch, 1);
}

TEST_F(StoredRunTest, RefusesAFileThatIsNotTheOneRecorded) {
  std::ofstream(dir_ / details_.checkpoints[1].path, std::ios::app) << "x";
  EXPECT_NE(Error().find("epoch-2.pb: the file's SHA-256"), std::string::npos) << Error();
  fs::remove(dir_ / details_.checkpoints[1].path);
  EXPECT_NE(Error().find("epoch-2.pb: the checkpoint of epoch 2 cannot be read"), std::string::npos) << Error();
}

TEST_F(StoredRunTest, RefusesAnotherRunsOrAnotherConfigsCheckpoint) {
  AddCheckpoint(2, "run0", details_.run.config_sha256);  // consistent row, wrong run
  EXPECT_NE(Error().find("it belongs to run run0, not run1"), std::string::npos) << Error();
  AddCheckpoint(2, "run1", std::string(64, 'd'));  // this run, another configuration
  EXPECT_NE(Error().find("made with configuration dddddddddddd…, run run1 has cccccccccccc…"), std::string::npos)
      << Error();
}

TEST_F(StoredRunTest, RefusesWeightsOrEpochThatDisagreeWithTheRow) {
  details_.checkpoints[1].weights_sha256 = std::string(64, '0');
  EXPECT_NE(Error().find("its weights differ from those recorded"), std::string::npos) << Error();
  details_.checkpoints[1].weights_sha256.reset();
  details_.checkpoints[1].epoch = 3;
  EXPECT_NE(Error().find("it holds epoch 2, recorded as epoch 3"), std::string::npos) << Error();
}

TEST_F(StoredRunTest, InputsMustBeUnchanged) {
  const fs::path data = dir_ / "data.idx";
  std::ofstream(data) << "data";
  details_.inputs.push_back({"reader", data.string(), Sha256Hex(std::string_view("data")), 4});
  EXPECT_TRUE(CheckRecordedInputs(details_).ok());
  std::ofstream(data) << "DATA";
  Status changed = CheckRecordedInputs(details_);
  EXPECT_NE(changed.message().find("input " + data.string() + " (stage reader) has changed since run run1"),
            std::string::npos) << changed.message();
  fs::remove(data);
  EXPECT_NE(CheckRecordedInputs(details_).message().find("no longer exists"), std::string::npos);
}

}  // namespace
}  // namespace runexp
