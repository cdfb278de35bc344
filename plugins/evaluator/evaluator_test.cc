// The evaluator stage: scores snapshots, records epochs with the gap.
#include <gtest/gtest.h>

#include "builtin_spec.h"
#include "runexp/model_snapshot.h"
#include "runexp/tensor.h"
#include "runexp/testing/stage_harness.h"

namespace runexp {
namespace {

const PluginSpec& Evaluator() { return testing::BuiltinSpec("evaluator"); }

Tensor Matrix(int64_t rows, int64_t cols, std::vector<float> values) {
  Tensor t(DType::kFloat32, {rows, cols});
  std::copy(values.begin(), values.end(), t.values<float>().begin());
  return t;
}

// A 2→2 softmax layer with identity weights: it predicts argmax(x).
Packet Snapshot(int64_t epoch) {
  nn::MlpSpec spec;
  spec.input_dim = 2;
  spec.layers = {{2, nn::Activation::kSoftmax}};
  auto model = nn::Mlp::Create(spec);
  EXPECT_TRUE(model.ok());
  std::vector<Tensor> parameters{Matrix(2, 2, {1, 0, 0, 1}), Tensor(DType::kFloat32, {2})};
  EXPECT_TRUE(model->SetParameters(std::move(parameters)).ok());
  ModelSnapshot snapshot;
  snapshot.epoch = epoch;
  snapshot.total_epochs = 2;
  snapshot.model = std::make_shared<const nn::Mlp>(std::move(model).value());
  snapshot.train = {/*loss_sum=*/3.0, /*correct=*/9, /*samples=*/10};
  snapshot.seconds = 0.5;
  return Packet::Make<ModelSnapshot>(std::move(snapshot));
}

class EvaluatorTest : public ::testing::Test {
 protected:
  // Three test rows; the model gets the first two right.
  testing::StageHarness Harness(ParamValue::Table params = {}) {
    testing::StageHarness harness(Evaluator(), std::move(params));
    harness.SetInput("test_x", Packet::Make<Tensor>(Matrix(3, 2, {2, 0, 0, 2, 2, 0})));
    harness.SetInput("test_y", Packet::Make<Tensor>(Matrix(3, 2, {1, 0, 0, 1, 0, 1})));
    return harness;
  }
};

TEST_F(EvaluatorTest, RecordsTrainTestAndPrintsTheGap) {
  auto harness = Harness();
  ASSERT_TRUE(harness.Open().ok());
  ASSERT_TRUE(harness.Process("model", Snapshot(1)).ok());
  ASSERT_EQ(harness.epochs().size(), 1u);
  const EpochMetrics& epoch = harness.epochs()[0];
  EXPECT_EQ(epoch.epoch, 1);
  EXPECT_DOUBLE_EQ(*epoch.train_accuracy, 0.9);
  EXPECT_DOUBLE_EQ(*epoch.train_loss, 0.3);
  EXPECT_DOUBLE_EQ(*epoch.test_accuracy, 2.0 / 3.0);
  EXPECT_GT(*epoch.test_loss, 0.0);
  ASSERT_FALSE(harness.log_lines().empty());
  EXPECT_NE(harness.log_lines().back().find("epoch 1/2 - 0.5s - loss 0.3000 - accuracy 0.9000 - test_loss "),
            std::string::npos) << harness.log_lines().back();
  EXPECT_NE(harness.log_lines().back().find("test_accuracy 0.6667 - gap 0.2333"), std::string::npos)
      << harness.log_lines().back();
}

TEST_F(EvaluatorTest, ScoringTheTrainingSetNeedsItsInputs) {
  auto harness = Harness({{"score_train_set", true}});
  ASSERT_TRUE(harness.Open().ok());
  Status status = harness.Process("model", Snapshot(1));
  EXPECT_EQ(status.message(), "score_train_set = true needs the train_x and train_y inputs");
}

TEST_F(EvaluatorTest, UnbiasedGapFromTheFullTrainingSet) {
  auto harness = Harness({{"score_train_set", true}});
  harness.SetInput("train_x", Packet::Make<Tensor>(Matrix(2, 2, {3, 0, 0, 3})));
  harness.SetInput("train_y", Packet::Make<Tensor>(Matrix(2, 2, {1, 0, 0, 1})));
  ASSERT_TRUE(harness.Open().ok());
  ASSERT_TRUE(harness.Process("model", Snapshot(2)).ok());
  bool found = false;
  for (const std::string& line : harness.log_lines()) {
    if (line.rfind("metric gap_full_accuracy epoch 2", 0) == 0) {
      found = true;
      EXPECT_NE(line.find("= 0.333333"), std::string::npos) << line;  // 1 - 2/3
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace runexp
