// The mlp_trainer's checkpoints through the stage harness: what it saves,
// that resuming from any of them ends bit-identical to a run that never
// stopped, and warm starts from a checkpoint file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "builtin_spec.h"
#include "checkpoint/checkpoint_codec.h"
#include "runexp/checkpoint.h"
#include "runexp/model_snapshot.h"
#include "runexp/testing/stage_harness.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;

void Blobs(int64_t n, Tensor& x, Tensor& y) {
  x = Tensor(DType::kFloat32, {n, 3});
  y = Tensor(DType::kFloat32, {n, 2});
  auto xs = x.values<float>();
  auto ys = y.values<float>();
  for (int64_t i = 0; i < n; ++i) {
    float a = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
    float b = static_cast<float>((i * 53) % 97) / 48.0f - 1.0f;
    xs[3 * i] = a;
    xs[3 * i + 1] = b;
    xs[3 * i + 2] = a * b;
    ys[2 * i + (a + b > 0.1f ? 1 : 0)] = 1.0f;
  }
}

ParamValue::Table Params(int64_t epochs, int64_t hidden = 8, std::string init_from = "") {
  return {
      {"epochs", epochs},
      {"batch_size", 32},
      {"shuffle", true},
      {"validation_split", 0.2},
      {"layers", ParamValue::Array{ParamValue::Table{{"units", hidden}, {"activation", "relu"}},
                                   ParamValue::Table{{"units", 2}, {"activation", "softmax"}}}},
      {"optimizer", ParamValue::Table{{"name", "rmsprop"}, {"learning_rate", 0.01}, {"rho", 0.9},
                                      {"momentum", 0.0}, {"nesterov", false}, {"beta_1", 0.9},
                                      {"beta_2", 0.999}, {"epsilon", 1e-7}}},
      {"init_from", std::move(init_from)},
  };
}

class TrainerCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override { Blobs(500, x_, y_); }
  testing::StageHarness Harness(ParamValue::Table params) {
    testing::StageHarness harness(testing::BuiltinSpec("mlp_trainer"), std::move(params), 42);
    harness.SetInput("x", Packet::Make<Tensor>(x_));
    harness.SetInput("y", Packet::Make<Tensor>(y_));
    return harness;
  }
  static const ModelSnapshot& Snapshot(testing::StageHarness& h, std::size_t i) {
    return h.Emitted("snapshots").at(i).Get<ModelSnapshot>();
  }
  Tensor x_, y_;
};

TEST_F(TrainerCheckpointTest, SavesItsWholeStateAfterEachEpoch) {
  auto harness = Harness(Params(3));
  ASSERT_TRUE(harness.Open().ok());
  const auto& saved = harness.saved_checkpoints();
  ASSERT_EQ(saved.size(), 3u);
  for (std::size_t i = 0; i < saved.size(); ++i) {
    const TrainingCheckpoint& c = saved[i];
    EXPECT_EQ(c.epochs_completed, static_cast<int64_t>(i + 1));
    EXPECT_EQ(c.total_epochs, 3);
    EXPECT_EQ(c.step, static_cast<int64_t>(13 * (i + 1))) << "400 training rows / batch 32 = 13 steps";
    EXPECT_EQ(c.optimizer_state.iterations, c.step);
    EXPECT_EQ(c.optimizer_state.slots.size(), 4u) << "rmsprop: one mean square per parameter";
    ASSERT_NE(c.FindStream("shuffle"), nullptr);
    EXPECT_EQ(c.last_epoch_train.samples, 400);
    ASSERT_TRUE(c.last_epoch_validation.has_value());
    EXPECT_EQ(c.last_epoch_validation->samples, 100);
    // The checkpoint holds the very weights the epoch's snapshot carries.
    EXPECT_EQ(c.model.get(), Snapshot(harness, i).model.get());
  }
}

TEST_F(TrainerCheckpointTest, CheckpointEveryTwoEpochsStillSavesTheLast) {
  auto harness = Harness(Params(5));
  harness.SetCheckpointEvery(2);
  ASSERT_TRUE(harness.Open().ok());
  std::vector<int64_t> epochs;
  for (const TrainingCheckpoint& c : harness.saved_checkpoints()) epochs.push_back(c.epochs_completed);
  EXPECT_EQ(epochs, (std::vector<int64_t>{2, 4, 5}));
}

// For every epoch k: a run resumed from checkpoint k, after a round trip
// through the file format, re-reports epoch k and ends with the same bits.
TEST_F(TrainerCheckpointTest, ResumingFromAnyEpochIsBitIdenticalToNotStopping) {
  auto straight = Harness(Params(4));
  ASSERT_TRUE(straight.Open().ok());
  const std::string final_weights = WeightsSha256(*Snapshot(straight, 3).model);

  for (std::size_t k = 0; k < 3; ++k) {
    Result<TrainingCheckpoint> reloaded =
        ParseCheckpoint(SerializeCheckpoint(straight.saved_checkpoints()[k]), "mem.pb");
    ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
    reloaded->provenance.stage = "mlp_trainer";
    auto resumed = Harness(Params(4));
    resumed.SetResumeFrom(*reloaded);
    ASSERT_TRUE(resumed.Open().ok());
    const auto& snapshots = resumed.Emitted("snapshots");
    ASSERT_EQ(snapshots.size(), 4 - k) << "epoch " << k + 1 << " re-reported, then the rest";
    for (std::size_t j = 0; j < snapshots.size(); ++j) {
      const ModelSnapshot& got = snapshots[j].Get<ModelSnapshot>();
      const ModelSnapshot& want = Snapshot(straight, k + j);
      EXPECT_EQ(got.epoch, want.epoch);
      EXPECT_EQ(got.train.loss_sum, want.train.loss_sum) << "epoch " << got.epoch;
      EXPECT_EQ(got.train.correct, want.train.correct);
      EXPECT_EQ(got.validation->loss_sum, want.validation->loss_sum);
      EXPECT_EQ(got.steps, want.steps);
      EXPECT_EQ(WeightsSha256(*got.model), WeightsSha256(*want.model)) << "epoch " << got.epoch;
    }
    EXPECT_EQ(WeightsSha256(*snapshots.back().Get<ModelSnapshot>().model), final_weights);
    EXPECT_EQ(resumed.saved_checkpoints().size(), 3 - k) << "epochs after k are saved again";
  }
}

TEST_F(TrainerCheckpointTest, ResumeRefusesAnotherArchitectureOrOptimizer) {
  auto straight = Harness(Params(1));
  ASSERT_TRUE(straight.Open().ok());
  TrainingCheckpoint checkpoint = straight.saved_checkpoints().at(0);
  checkpoint.provenance.stage = "mlp_trainer";

  auto wider = Harness(Params(2, 16));
  wider.SetResumeFrom(checkpoint);
  Status status = wider.Open();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("layer 0 is Dense(8, relu), configured Dense(16, relu)"), std::string::npos)
      << status.message();

  checkpoint.optimizer_config.learning_rate = 0.5f;
  auto other_lr = Harness(Params(2));
  other_lr.SetResumeFrom(checkpoint);
  status = other_lr.Open();
  EXPECT_NE(status.message().find("optimizer settings differ"), std::string::npos) << status.message();
}

TEST_F(TrainerCheckpointTest, WarmStartTakesTheFilesWeightsAndRecordsTheFile) {
  fs::path file = fs::temp_directory_path() / ("runexp_warm_" + std::to_string(::getpid()) + ".pb");
  auto first = Harness(Params(2));
  ASSERT_TRUE(first.Open().ok());
  {
    std::ofstream out(file, std::ios::binary);
    out << SerializeCheckpoint(first.saved_checkpoints().back());
  }
  auto fresh = Harness(Params(1));
  ASSERT_TRUE(fresh.Open().ok());
  auto warm = Harness(Params(1, 8, file.string()));
  ASSERT_TRUE(warm.Open().ok());
  ASSERT_EQ(warm.input_files().size(), 1u);
  EXPECT_EQ(warm.input_files()[0], file);
  // Starting from trained weights, the first epoch already scores better
  // than from random ones — and differs from both earlier runs.
  EXPECT_GT(Snapshot(warm, 0).train.accuracy(), Snapshot(fresh, 0).train.accuracy());
  EXPECT_NE(WeightsSha256(*Snapshot(warm, 0).model), WeightsSha256(*Snapshot(fresh, 0).model));

  auto mismatched = Harness(Params(1, 4, file.string()));
  Status status = mismatched.Open();
  EXPECT_NE(status.message().find("init_from: " + file.string()), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("Dense(8, relu), configured Dense(4, relu)"), std::string::npos);

  auto missing = Harness(Params(1, 8, file.string() + ".absent"));
  EXPECT_EQ(missing.Open().code(), StatusCode::kNotFound);
  fs::remove(file);
}

}  // namespace
}  // namespace runexp
