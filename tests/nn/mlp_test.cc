// Mlp: spec validation, parameter layout, inference, batch evaluation and
// the edge cases of the loss and accuracy (clipping, ties, huge logits).
#include "runexp/nn/mlp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "nn_test_util.h"

namespace runexp::nn {
namespace {

using testing::MakeTensor;

MlpSpec Mnist() {
  return {784, {{512, Activation::kRelu}, {10, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy};
}

TEST(MlpSpecTest, NamesRoundTrip) {
  for (Activation a : {Activation::kLinear, Activation::kRelu, Activation::kSigmoid, Activation::kTanh,
                       Activation::kSoftmax}) {
    EXPECT_EQ(*ParseActivation(ActivationName(a)), a);
  }
  EXPECT_EQ(*ParseLoss("categorical_crossentropy"), Loss::kCategoricalCrossentropy);
  EXPECT_EQ(*ParseLoss("mean_squared_error"), Loss::kMeanSquaredError);
  Status bad = ParseActivation("gelu").status();
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("relu, sigmoid"), std::string::npos) << bad.message();
  EXPECT_EQ(ParseLoss("hinge").status().code(), StatusCode::kInvalidArgument);
}

TEST(MlpSpecTest, RejectsBadSpecs) {
  EXPECT_EQ(Mlp::Create({0, {{3, Activation::kRelu}}, Loss::kMeanSquaredError}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Mlp::Create({4, {}, Loss::kMeanSquaredError}).status().code(), StatusCode::kInvalidArgument);
  Status status = Mlp::Create({4, {{3, Activation::kRelu}, {0, Activation::kSoftmax}}, Loss::kMeanSquaredError}).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("layer 1"), std::string::npos) << status.message();
}

TEST(MlpTest, ParameterLayoutIsKerasOrder) {
  Mlp model = *Mlp::Create(Mnist());
  ASSERT_EQ(model.parameters().size(), 4u);
  EXPECT_EQ(model.parameters()[0].shape(), (Shape{784, 512}));
  EXPECT_EQ(model.parameters()[1].shape(), (Shape{512}));
  EXPECT_EQ(model.parameters()[2].shape(), (Shape{512, 10}));
  EXPECT_EQ(model.parameters()[3].shape(), (Shape{10}));
  EXPECT_EQ(Mlp::ParameterName(0), "dense_0/kernel");
  EXPECT_EQ(Mlp::ParameterName(3), "dense_1/bias");
  EXPECT_EQ(model.num_parameter_values(), 784 * 512 + 512 + 512 * 10 + 10);
  EXPECT_EQ(model.layer_inputs(1), 512);
}

TEST(MlpTest, SetParametersChecksShapes) {
  Mlp model = *Mlp::Create({3, {{2, Activation::kLinear}}, Loss::kMeanSquaredError});
  std::vector<Tensor> good = {Tensor(DType::kFloat32, {3, 2}), Tensor(DType::kFloat32, {2})};
  good[0].values<float>()[0] = 1.5f;
  EXPECT_TRUE(model.SetParameters(good).ok());
  EXPECT_EQ(model.parameters()[0].values<float>()[0], 1.5f);
  Status status = model.SetParameters({Tensor(DType::kFloat32, {2, 3}), Tensor(DType::kFloat32, {2})});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("dense_0/kernel"), std::string::npos) << status.message();
  EXPECT_EQ(model.SetParameters({}).code(), StatusCode::kInvalidArgument);
}

TEST(MlpTest, PredictComputesTheAffineMap) {
  // One linear layer: y = x·W + b with W = [[1, 2], [3, 4], [5, 6]], b = [0.5, -0.5].
  Mlp model = *Mlp::Create({3, {{2, Activation::kLinear}}, Loss::kMeanSquaredError});
  ASSERT_TRUE(model.SetParameters({MakeTensor({3, 2}, {1, 2, 3, 4, 5, 6}), MakeTensor({2}, {0.5f, -0.5f})}).ok());
  Result<Tensor> out = model.Predict(MakeTensor({2, 3}, {1, 0, 0, 1, 1, 1}), /*batch_size=*/1);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->shape(), (Shape{2, 2}));
  const std::vector<float> want = {1.5f, 1.5f, 9.5f, 11.5f};
  EXPECT_EQ(std::vector<float>(out->values<float>().begin(), out->values<float>().end()), want);
}

TEST(MlpTest, PredictSoftmaxRowsSumToOneAndBatchSizeBarelyMatters) {
  Mlp model = *Mlp::Create({20, {{16, Activation::kTanh}, {5, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  model.InitGlorotUniform(3);
  testing::DataSet data = testing::MakeBlobs(37, 20, 5, 0.5f, 3);
  Tensor whole = *model.Predict(data.x, 37);
  Tensor pieces = *model.Predict(data.x, 8);
  for (int64_t r = 0; r < 37; ++r) {
    double sum = 0;
    for (int64_t j = 0; j < 5; ++j) {
      sum += whole.values<float>()[r * 5 + j];
      // Different batch sizes may block the GEMM differently: equal to rounding.
      EXPECT_NEAR(whole.values<float>()[r * 5 + j], pieces.values<float>()[r * 5 + j], 1e-6);
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
  EXPECT_EQ(model.Predict(MakeTensor({1, 3}, {1, 2, 3})).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.Predict(data.x, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.Predict(Tensor(DType::kFloat32, {0, 20}))->shape(), (Shape{0, 5}));
}

TEST(MlpTest, AccuracyTiesGoToTheLowestIndex) {
  // All parameters zero: every output is uniform, so argmax is class 0.
  Mlp model = *Mlp::Create({2, {{3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  Tensor x = MakeTensor({3, 2}, {1, 2, 3, 4, 5, 6});
  Tensor y = MakeTensor({3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1});
  MlpWorkspace workspace;
  BatchStats stats = *model.EvaluateBatch(*AsMatrix(x, "x"), *AsMatrix(y, "y"), &workspace);
  EXPECT_EQ(stats.samples, 3);
  EXPECT_EQ(stats.correct, 1);
  EXPECT_NEAR(stats.mean_loss(), std::log(3.0), 1e-6);
}

TEST(MlpTest, HugeLogitsGiveTheClippedLossNotNaN) {
  // Logits of ±1e4: softmax must not overflow, and a confidently wrong
  // prediction costs -log(1e-7), Keras' clip.
  Mlp model = *Mlp::Create({1, {{2, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  ASSERT_TRUE(model.SetParameters({MakeTensor({1, 2}, {1e4f, -1e4f}), MakeTensor({2}, {0, 0})}).ok());
  Tensor x = MakeTensor({2, 1}, {1, 1});
  Tensor y = MakeTensor({2, 2}, {1, 0, 0, 1});
  MlpWorkspace workspace;
  std::vector<Tensor> grads;
  BatchStats stats = *model.ComputeGradients(*AsMatrix(x, "x"), *AsMatrix(y, "y"), &workspace, &grads);
  EXPECT_EQ(stats.correct, 1);
  // Right sample: -log(1 - 1e-7); wrong sample: -log(1e-7).
  EXPECT_NEAR(stats.loss_sum, -std::log(1e-7) - std::log(1 - 1e-7), 1e-6);
  for (const Tensor& g : grads) {
    for (float v : g.values<float>()) EXPECT_TRUE(std::isfinite(v));
  }
  // Fused gradient (p - y)/2 of the wrong sample: [+0.5, -0.5] on the kernel row.
  EXPECT_FLOAT_EQ(grads[0].values<float>()[0], 0.5f);
  EXPECT_FLOAT_EQ(grads[0].values<float>()[1], -0.5f);
}

TEST(MlpTest, ComputeGradientsRejectsBadBatches) {
  Mlp model = *Mlp::Create({3, {{2, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  MlpWorkspace workspace;
  std::vector<Tensor> grads;
  Tensor x = Tensor(DType::kFloat32, {4, 3});
  Tensor y = Tensor(DType::kFloat32, {4, 2});
  Tensor y_short = Tensor(DType::kFloat32, {3, 2});
  Tensor x_wide = Tensor(DType::kFloat32, {4, 5});
  Status status = model.ComputeGradients(*AsMatrix(x_wide, "x"), *AsMatrix(y, "y"), &workspace, &grads).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("expected 3 columns"), std::string::npos) << status.message();
  EXPECT_EQ(model.ComputeGradients(*AsMatrix(x, "x"), *AsMatrix(y_short, "y"), &workspace, &grads).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(model.ComputeGradients(MatrixView{nullptr, 0, 3}, MatrixView{nullptr, 0, 2}, &workspace, &grads)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(model.ComputeGradients(*AsMatrix(x, "x"), *AsMatrix(y, "y"), &workspace, &grads).ok());
  EXPECT_EQ(AsMatrix(Tensor(DType::kUInt8, {2, 2}), "x").status().code(), StatusCode::kInvalidArgument);
}

TEST(MlpTest, ReshapedParametersAreReportedNotFollowed) {
  Mlp model = *Mlp::Create({3, {{2, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  model.mutable_parameters()[0] = Tensor(DType::kFloat32, {3, 5});
  MlpWorkspace workspace;
  std::vector<Tensor> grads;
  Tensor x(DType::kFloat32, {4, 3}), y(DType::kFloat32, {4, 2});
  EXPECT_EQ(model.ComputeGradients(*AsMatrix(x, "x"), *AsMatrix(y, "y"), &workspace, &grads).status().code(),
            StatusCode::kInternal);
  EXPECT_EQ(model.Predict(x).status().code(), StatusCode::kInternal);
}

TEST(MlpTest, WorkspaceIsReusedAcrossBatchSizesAndModels) {
  Mlp small = *Mlp::Create({3, {{2, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  Mlp other = *Mlp::Create({3, {{4, Activation::kRelu}, {2, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  other.InitGlorotUniform(1);
  testing::DataSet data = testing::MakeBlobs(10, 3, 2, 0.3f, 1);
  MlpWorkspace shared, fresh;
  std::vector<Tensor> g1, g2;
  const MatrixView x = *AsMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
  ASSERT_TRUE(small.ComputeGradients(x, y, &shared, &g1).ok());
  ASSERT_TRUE(other.ComputeGradients(x.Rows(0, 4), y.Rows(0, 4), &shared, &g1).ok());
  ASSERT_TRUE(other.ComputeGradients(x.Rows(0, 4), y.Rows(0, 4), &fresh, &g2).ok());
  for (std::size_t p = 0; p < g1.size(); ++p) {
    EXPECT_TRUE(std::equal(g1[p].values<float>().begin(), g1[p].values<float>().end(),
                           g2[p].values<float>().begin()));
  }
}

// A batch given as row indices is gathered by the row shards themselves:
// the same bits as copying the rows out first, and indices are checked.
TEST(MlpTest, GatheredBatchIsTheCopiedBatch) {
  Mlp model = *Mlp::Create({5, {{7, Activation::kRelu}, {3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy});
  model.InitGlorotUniform(3);
  testing::DataSet data = testing::MakeBlobs(40, 5, 3, 0.3f, 2);
  const MatrixView x = *AsMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
  testing::ExpectGatheredBatchIsTheCopiedBatch(model, x, y, {39, 0, 17, 17, 5, 22, 31, 8, 2, 11, 36});  // a repeat too
  MlpWorkspace w2;
  std::vector<Tensor> gathered;
  const std::vector<int64_t> outside = {0, 40};
  EXPECT_EQ(model.ComputeGradients(x, y, outside, &w2, &gathered).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(model.ComputeGradients(x, y, std::span<const int64_t>(), &w2, &gathered).status().code(),
            StatusCode::kInvalidArgument);
}

// A first layer of 256×300 is split into input pieces whose partial products
// are added (sharding.h). Prediction is still the model's map (checked in
// double), evaluation and training see the same forward bits, and a
// gathered batch is the copied batch on this path too.
TEST(MlpTest, SplitFirstLayerComputesTheModelAndTrainsAsItEvaluates) {
  constexpr int64_t kInputs = 256, kHidden = 300, kClasses = 4, kRows = 40;
  Mlp model = *Mlp::Create({kInputs, {{kHidden, Activation::kRelu}, {kClasses, Activation::kSoftmax}},
                            Loss::kCategoricalCrossentropy});
  model.InitGlorotUniform(5);
  for (float& b : model.mutable_parameters()[1].values<float>()) b = 0.01f;  // exercise the bias too
  testing::DataSet data = testing::MakeBlobs(kRows, kInputs, kClasses, 0.4f, 5);
  const MatrixView x = *AsMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");

  const Tensor predicted = *model.Predict(data.x, 16);
  const std::span<const float> w0 = model.parameters()[0].values<float>(), b0 = model.parameters()[1].values<float>();
  const std::span<const float> w1 = model.parameters()[2].values<float>(), b1 = model.parameters()[3].values<float>();
  for (int64_t r = 0; r < kRows; ++r) {
    std::vector<double> hidden(kHidden), logits(kClasses);
    for (int64_t j = 0; j < kHidden; ++j) {
      double z = b0[static_cast<std::size_t>(j)];
      for (int64_t k = 0; k < kInputs; ++k) z += double{x.row(r)[k]} * w0[static_cast<std::size_t>(k * kHidden + j)];
      hidden[static_cast<std::size_t>(j)] = std::max(z, 0.0);
    }
    double max = -1e300, sum = 0;
    for (int64_t c = 0; c < kClasses; ++c) {
      double z = b1[static_cast<std::size_t>(c)];
      for (int64_t j = 0; j < kHidden; ++j) z += hidden[static_cast<std::size_t>(j)] * w1[static_cast<std::size_t>(j * kClasses + c)];
      logits[static_cast<std::size_t>(c)] = z;
      max = std::max(max, z);
    }
    for (double& z : logits) sum += (z = std::exp(z - max));
    for (int64_t c = 0; c < kClasses; ++c) {
      EXPECT_NEAR(predicted.values<float>()[static_cast<std::size_t>(r * kClasses + c)],
                  logits[static_cast<std::size_t>(c)] / sum, 2e-6) << "row " << r << ", class " << c;
    }
  }

  MlpWorkspace eval_ws, train_ws;
  std::vector<Tensor> whole;
  const BatchStats evaluated = *model.EvaluateBatch(x, y, &eval_ws);
  const BatchStats trained = *model.ComputeGradients(x, y, &train_ws, &whole);
  EXPECT_EQ(evaluated.loss_sum, trained.loss_sum);
  EXPECT_EQ(evaluated.correct, trained.correct);

  // A shuffled batch: each input piece gathers its own columns of the rows.
  testing::ExpectGatheredBatchIsTheCopiedBatch(model, x, y, {39, 0, 17, 17, 5, 22, 31, 8, 2, 11, 36, 1, 3});
}

}  // namespace
}  // namespace runexp::nn
