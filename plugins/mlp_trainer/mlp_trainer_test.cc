// The mlp_trainer stage on a small synthetic problem, through the stage harness.
#include <gtest/gtest.h>

#include <cmath>

#include "builtin_spec.h"
#include "runexp/model_snapshot.h"
#include "runexp/tensor.h"
#include "runexp/testing/stage_harness.h"

namespace runexp {
namespace {

const PluginSpec& Trainer() { return testing::BuiltinSpec("mlp_trainer"); }

// Two well-separated classes in 2-D: class = (x0 + x1 > 0).
void Blobs(int64_t n, Tensor& x, Tensor& y) {
  x = Tensor(DType::kFloat32, {n, 2});
  y = Tensor(DType::kFloat32, {n, 2});
  auto xs = x.values<float>();
  auto ys = y.values<float>();
  for (int64_t i = 0; i < n; ++i) {
    float a = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
    float b = static_cast<float>((i * 53) % 97) / 48.0f - 1.0f;
    int label = a + b > 0 ? 1 : 0;
    float shift = label ? 0.5f : -0.5f;
    xs[2 * i] = a + shift;
    xs[2 * i + 1] = b + shift;
    ys[2 * i + label] = 1.0f;
  }
}

ParamValue::Table Params(double learning_rate, int64_t epochs = 3) {
  return {
      {"epochs", epochs},
      {"batch_size", 16},
      {"layers", ParamValue::Array{ParamValue::Table{{"units", 8}, {"activation", "relu"}},
                                   ParamValue::Table{{"units", 2}, {"activation", "softmax"}}}},
      {"optimizer", ParamValue::Table{{"name", "rmsprop"}, {"learning_rate", learning_rate}, {"rho", 0.9},
                                      {"momentum", 0.0}, {"nesterov", false}, {"beta_1", 0.9},
                                      {"beta_2", 0.999}, {"epsilon", 1e-7}}},
  };
}

class MlpTrainerTest : public ::testing::Test {
 protected:
  void SetUp() override { Blobs(400, x_, y_); }
  testing::StageHarness Harness(ParamValue::Table params, uint64_t seed = 1) {
    testing::StageHarness harness(Trainer(), std::move(params), seed);
    harness.SetInput("x", Packet::Make<Tensor>(x_));
    harness.SetInput("y", Packet::Make<Tensor>(y_));
    return harness;
  }
  Tensor x_, y_;
};

TEST_F(MlpTrainerTest, EmitsOneImprovingSnapshotPerEpoch) {
  auto harness = Harness(Params(0.01, 4));
  ASSERT_TRUE(harness.Open().ok());
  const auto& snapshots = harness.Emitted("snapshots");
  ASSERT_EQ(snapshots.size(), 4u);
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    const auto& snapshot = snapshots[i].Get<ModelSnapshot>();
    EXPECT_EQ(snapshot.epoch, static_cast<int64_t>(i + 1));
    EXPECT_EQ(snapshot.total_epochs, 4);
    EXPECT_EQ(snapshot.steps, 25);  // 400 samples / 16
  }
  const auto& first = snapshots.front().Get<ModelSnapshot>();
  const auto& last = snapshots.back().Get<ModelSnapshot>();
  EXPECT_LT(last.train.mean_loss(), first.train.mean_loss());
  EXPECT_GE(last.train.accuracy(), 0.95);
}

TEST_F(MlpTrainerTest, SameSeedSameBitsOtherSeedOtherWeights) {
  auto a = Harness(Params(0.01), 5), b = Harness(Params(0.01), 5), c = Harness(Params(0.01), 6);
  ASSERT_TRUE(a.Open().ok());
  ASSERT_TRUE(b.Open().ok());
  ASSERT_TRUE(c.Open().ok());
  auto weights = [](testing::StageHarness& h) {
    const Tensor& kernel = h.Emitted("snapshots").back().Get<ModelSnapshot>().model->parameters()[0];
    return std::vector<float>(kernel.values<float>().begin(), kernel.values<float>().end());
  };
  EXPECT_EQ(weights(a), weights(b));
  EXPECT_NE(weights(a), weights(c));
}

TEST_F(MlpTrainerTest, LastLayerMustMatchTheTargets) {
  auto params = Params(0.01);
  params["layers"] = ParamValue::Array{ParamValue::Table{{"units", 3}, {"activation", "softmax"}}};
  auto harness = Harness(params);
  Status status = harness.Open();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "the last layer has 3 units but y has 2 columns");
}

TEST_F(MlpTrainerTest, DivergingLossStopsTheRunNamingTheEpoch) {
  auto params = Params(1e30);  // RMSprop steps of ~1e30 overflow float within an epoch
  params["layers"] = ParamValue::Array{ParamValue::Table{{"units", 2}, {"activation", "linear"}}};
  params["loss"] = "mean_squared_error";
  auto harness = Harness(params);
  Status status = harness.Open();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("the training loss became"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("in epoch 1, step "), std::string::npos) << status.message();
  EXPECT_LT(harness.Emitted("snapshots").size(), 3u);
}

TEST_F(MlpTrainerTest, CancelledBeforeTheFirstEpoch) {
  auto harness = Harness(Params(0.01));
  harness.Cancel();
  EXPECT_EQ(harness.Open().code(), StatusCode::kCancelled);
  EXPECT_TRUE(harness.Emitted("snapshots").empty());
}

}  // namespace
}  // namespace runexp
