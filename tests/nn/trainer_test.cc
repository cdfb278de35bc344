// Trainer and Evaluate: small problems trained to a known accuracy, Keras'
// validation split and metric averaging, shuffling from the stream.
#include "runexp/nn/trainer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nn_test_util.h"

namespace runexp::nn {
namespace {

Trainer MakeTrainer(const MlpSpec& spec, const OptimizerConfig& optimizer, TrainOptions options,
                    uint64_t seed = 42) {
  Mlp model = *Mlp::Create(spec);
  model.InitGlorotUniform(seed);
  Optimizer opt = *Optimizer::Create(optimizer, model.parameters());
  Result<Trainer> trainer = Trainer::Create(std::move(model), std::move(opt), options,
                                            RandomStream(seed, "trainer_test/shuffle"));
  EXPECT_TRUE(trainer.ok()) << trainer.status().ToString();
  return std::move(trainer).value();
}

TEST(TrainerTest, LearnsXorWithAHiddenLayer) {
  testing::DataSet data = testing::MakeXor();
  Trainer trainer = MakeTrainer({2, {{8, Activation::kTanh}, {2, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy},
                                OptimizerConfig::Adam(0.05f), {.batch_size = 4});
  for (int epoch = 0; epoch < 200; ++epoch) ASSERT_TRUE(trainer.RunEpoch(data.x, data.y).ok());
  BatchStats stats = *Evaluate(trainer.model(), data.x, data.y);
  EXPECT_EQ(stats.correct, 4);
  EXPECT_LT(stats.mean_loss(), 0.05);
  EXPECT_EQ(trainer.epochs_completed(), 200);
  EXPECT_EQ(trainer.optimizer().iterations(), 200);
}

TEST(TrainerTest, LearnsGaussianBlobs) {
  // 800 rows, the last 200 held out by the validation split.
  testing::DataSet data = testing::MakeBlobs(800, 4, 3, 0.25f, 5);
  Trainer trainer = MakeTrainer({4, {{16, Activation::kRelu}, {3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy},
                                OptimizerConfig::Rmsprop(0.01f), {.batch_size = 32, .validation_split = 0.25});
  EpochMetrics last;
  for (int epoch = 0; epoch < 15; ++epoch) last = *trainer.RunEpoch(data.x, data.y);
  EXPECT_EQ(last.train.samples, 600);
  EXPECT_GE(last.train.accuracy(), 0.95);
  EXPECT_GE(last.validation->accuracy(), 0.95);
}

// The evaluator stage keeps one workspace across epochs: reusing it, even
// between batch sizes and between models, must give the figures of a fresh one.
TEST(TrainerTest, EvaluateWithAReusedWorkspaceGivesTheFreshFigures) {
  testing::DataSet data = testing::MakeBlobs(300, 256, 3, 0.5f, 9);
  Mlp wide = *Mlp::Create({256, {{300, Activation::kRelu}, {3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  Mlp narrow = *Mlp::Create({256, {{16, Activation::kRelu}, {3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  wide.InitGlorotUniform(9);
  narrow.InitGlorotUniform(9);
  MlpWorkspace reused;
  for (int64_t batch : {64, 256, 100}) {
    for (const Mlp* model : {&wide, &narrow}) {
      const BatchStats fresh = *Evaluate(*model, data.x, data.y, batch);
      const BatchStats again = *Evaluate(*model, data.x, data.y, batch, &reused);
      EXPECT_EQ(fresh.loss_sum, again.loss_sum) << "batch " << batch;
      EXPECT_EQ(fresh.correct, again.correct) << "batch " << batch;
      EXPECT_EQ(again.samples, 300);
    }
  }
}

TEST(TrainerTest, MseRegressionWithSgdMomentumReducesTheLoss) {
  testing::DataSet data = testing::MakeBlobs(256, 4, 2, 0.2f, 8);
  Trainer trainer = MakeTrainer({4, {{8, Activation::kSigmoid}, {2, Activation::kLinear}}, Loss::kMeanSquaredError},
                                OptimizerConfig::Sgd(0.1f, 0.9f, true), {.batch_size = 16});
  const double before = Evaluate(trainer.model(), data.x, data.y)->mean_loss();
  for (int epoch = 0; epoch < 20; ++epoch) ASSERT_TRUE(trainer.RunEpoch(data.x, data.y).ok());
  const BatchStats after = *Evaluate(trainer.model(), data.x, data.y);
  EXPECT_LT(after.mean_loss(), before / 4);
  EXPECT_GE(after.accuracy(), 0.95);
}

TEST(TrainerTest, ValidationSplitHoldsOutTheLastRowsLikeKeras) {
  // 10 rows, split 0.25: Keras trains on floor(10 · 0.75) = 7 rows, validates on 3.
  testing::DataSet data = testing::MakeBlobs(10, 3, 2, 0.3f, 2);
  Trainer trainer = MakeTrainer({3, {{2, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy},
                                OptimizerConfig::Sgd(), {.batch_size = 2, .shuffle = true, .validation_split = 0.25});
  EpochMetrics metrics = *trainer.RunEpoch(data.x, data.y);
  EXPECT_EQ(metrics.epoch, 1);
  EXPECT_EQ(metrics.steps, 4);  // 2 + 2 + 2 + 1
  EXPECT_EQ(metrics.train.samples, 7);
  ASSERT_TRUE(metrics.validation.has_value());
  EXPECT_EQ(metrics.validation->samples, 3);
  // The validation figures are those of the last three rows after the epoch.
  const MatrixView x = *AsMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
  BatchStats held_out = *Evaluate(trainer.model(), x.Rows(7, 10), y.Rows(7, 10), 2);
  EXPECT_EQ(metrics.validation->loss_sum, held_out.loss_sum);
  EXPECT_EQ(metrics.validation->correct, held_out.correct);

  // Splits that leave one side empty fail, as in Keras: floor(10 · 0.05) = 0
  // rows to train on; 1 - 1e-20 == 1 in double, so no row to validate on.
  for (double split : {0.95, 1e-20}) {
    Trainer empty_side = MakeTrainer({3, {{2, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy},
                                     OptimizerConfig::Sgd(), {.batch_size = 2, .validation_split = split});
    EXPECT_EQ(empty_side.RunEpoch(data.x, data.y).status().code(), StatusCode::kInvalidArgument) << split;
  }
}

// Without shuffling, an epoch is exactly the loop of ComputeGradients and
// Apply over consecutive batches, and its metrics the per-sample means.
TEST(TrainerTest, EpochIsTheLoopOfStepsAndMetricsArePerSampleMeans) {
  testing::DataSet data = testing::MakeBlobs(50, 4, 3, 0.3f, 4);
  const MlpSpec spec{4, {{6, Activation::kRelu}, {3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy};
  Trainer trainer = MakeTrainer(spec, OptimizerConfig::Rmsprop(), {.batch_size = 16, .shuffle = false});
  const RandomStream untouched = trainer.shuffle_stream();
  EpochMetrics metrics = *trainer.RunEpoch(data.x, data.y);
  EXPECT_EQ(trainer.shuffle_stream(), untouched);

  Mlp model = *Mlp::Create(spec);
  model.InitGlorotUniform(42);
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(), model.parameters());
  MlpWorkspace workspace;
  std::vector<Tensor> grads;
  const MatrixView x = *AsMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
  BatchStats total;
  for (int64_t start = 0; start < 50; start += 16) {
    const int64_t end = std::min<int64_t>(50, start + 16);
    total += *model.ComputeGradients(x.Rows(start, end), y.Rows(start, end), &workspace, &grads);
    ASSERT_TRUE(optimizer.Apply(grads, &model.mutable_parameters()).ok());
  }
  EXPECT_EQ(metrics.steps, 4);
  EXPECT_EQ(metrics.train.samples, 50);
  EXPECT_EQ(metrics.train.loss_sum, total.loss_sum);
  EXPECT_EQ(metrics.train.correct, total.correct);
  for (std::size_t p = 0; p < model.parameters().size(); ++p) {
    EXPECT_TRUE(std::equal(model.parameters()[p].values<float>().begin(), model.parameters()[p].values<float>().end(),
                           trainer.model().parameters()[p].values<float>().begin()));
  }
}

TEST(TrainerTest, ShuffleDrawsOnePermutationPerEpochFromTheStream) {
  testing::DataSet data = testing::MakeBlobs(30, 4, 3, 0.3f, 4);
  Trainer trainer = MakeTrainer({4, {{3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy},
                                OptimizerConfig::Rmsprop(), {.batch_size = 8});
  RandomStream expected(42, "trainer_test/shuffle");
  ASSERT_TRUE(trainer.RunEpoch(data.x, data.y).ok());
  expected.Permutation(30);
  EXPECT_EQ(trainer.shuffle_stream(), expected);
  ASSERT_TRUE(trainer.RunEpoch(data.x, data.y).ok());
  expected.Permutation(30);
  EXPECT_EQ(trainer.shuffle_stream(), expected);
}

TEST(TrainerTest, RejectsBadOptionsAndData) {
  const MlpSpec spec{4, {{3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy};
  Mlp model = *Mlp::Create(spec);
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Sgd(), model.parameters());
  EXPECT_EQ(Trainer::Create(model, optimizer, {.batch_size = 0}, RandomStream(1, "s")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Trainer::Create(model, optimizer, {.validation_split = 1.0}, RandomStream(1, "s")).status().code(),
            StatusCode::kInvalidArgument);
  Mlp other = *Mlp::Create({5, {{3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  EXPECT_EQ(Trainer::Create(other, optimizer, {}, RandomStream(1, "s")).status().code(),
            StatusCode::kInvalidArgument);

  Trainer trainer = *Trainer::Create(model, optimizer, {}, RandomStream(1, "s"));
  Status status = trainer.RunEpoch(Tensor(DType::kFloat32, {10, 5}), Tensor(DType::kFloat32, {10, 3})).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("does not fit"), std::string::npos) << status.message();
  EXPECT_EQ(trainer.RunEpoch(Tensor(DType::kFloat64, {10, 4}), Tensor(DType::kFloat32, {10, 3})).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Evaluate(trainer.model(), Tensor(DType::kFloat32, {10, 4}), Tensor(DType::kFloat32, {10, 3}), 0)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace runexp::nn
