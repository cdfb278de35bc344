// Finite-difference gradient checks of the whole backward pass: every
// activation (hidden and as output), both losses, the fused softmax +
// cross-entropy, kernels and biases of every layer. The numerical side is an
// independent double-precision forward pass (nn_test_util.h), so a bug
// shared by runexp_nn's forward and backward passes cannot hide.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nn_test_util.h"
#include "runexp/nn/mlp.h"
#include "runexp/nn/random.h"

namespace runexp::nn {
namespace {

using testing::ReferenceLoss;
using testing::ToDouble;

enum class Targets { kOneHot, kSoft, kRegression };

struct GradCase {
  std::string name;
  MlpSpec spec;
  int64_t rows;
  Targets targets;
  int64_t max_checked_per_tensor;  // sample this many values of a large tensor
};

std::string Name(const ::testing::TestParamInfo<GradCase>& info) { return info.param.name; }

void PrintTo(const GradCase& c, std::ostream* os) {
  *os << c.spec.input_dim;
  for (const DenseSpec& layer : c.spec.layers) *os << " -> " << layer.units << " " << ActivationName(layer.activation);
  *os << ", " << LossName(c.spec.loss) << ", " << c.rows << " rows";
}

std::vector<GradCase> Cases() {
  const std::vector<Activation> all = {Activation::kLinear, Activation::kRelu, Activation::kSigmoid,
                                       Activation::kTanh, Activation::kSoftmax};
  std::vector<GradCase> cases;
  for (Activation a : all) {
    cases.push_back({"hidden_" + std::string(ActivationName(a)) + "_softmax_crossentropy",
                     {6, {{5, a}, {4, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy},
                     7, Targets::kOneHot, 1000});
    cases.push_back({"output_" + std::string(ActivationName(a)) + "_mse",
                     {6, {{5, Activation::kTanh}, {3, a}}, Loss::kMeanSquaredError},
                     7, Targets::kRegression, 1000});
  }
  cases.push_back({"output_sigmoid_crossentropy_clipped_path",
                   {6, {{5, Activation::kRelu}, {3, Activation::kSigmoid}}, Loss::kCategoricalCrossentropy},
                   7, Targets::kOneHot, 1000});
  cases.push_back({"softmax_crossentropy_soft_targets",
                   {6, {{5, Activation::kRelu}, {4, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy},
                   7, Targets::kSoft, 1000});
  cases.push_back({"single_layer_softmax_crossentropy",
                   {6, {{4, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy}, 9, Targets::kOneHot, 1000});
  cases.push_back({"three_layers_fewer_rows_than_shards",
                   {6, {{8, Activation::kRelu}, {7, Activation::kTanh}, {4, Activation::kSoftmax}},
                    Loss::kCategoricalCrossentropy},
                   3, Targets::kOneHot, 1000});
  cases.push_back({"wide_kernel_split_into_blocks",
                   {300, {{256, Activation::kRelu}, {3, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy},
                   5, Targets::kOneHot, 150});
  return cases;
}

class GradientCheckTest : public ::testing::TestWithParam<GradCase> {};

TEST_P(GradientCheckTest, BackwardMatchesFiniteDifferences) {
  const GradCase& c = GetParam();
  Mlp model = *Mlp::Create(c.spec);
  model.InitGlorotUniform(17);
  RandomStream stream(17, "gradient_check/" + c.name);
  for (std::size_t i = 1; i < model.parameters().size(); i += 2) {  // non-zero biases
    for (float& b : model.mutable_parameters()[i].values<float>()) b = stream.Uniform(-0.2f, 0.2f);
  }
  const int64_t classes = model.output_dim();
  Tensor x(DType::kFloat32, {c.rows, c.spec.input_dim});
  Tensor y(DType::kFloat32, {c.rows, classes});
  for (float& v : x.values<float>()) v = stream.Uniform(-1.0f, 1.0f);
  std::span<float> ys = y.values<float>();
  for (int64_t r = 0; r < c.rows; ++r) {
    float* t = ys.data() + r * classes;
    switch (c.targets) {
      case Targets::kOneHot: t[stream.UniformInt(static_cast<uint64_t>(classes))] = 1.0f; break;
      case Targets::kRegression:
        for (int64_t j = 0; j < classes; ++j) t[j] = stream.NextFloat();
        break;
      case Targets::kSoft: {
        float sum = 0;
        for (int64_t j = 0; j < classes; ++j) sum += (t[j] = stream.NextFloat() + 0.1f);
        for (int64_t j = 0; j < classes; ++j) t[j] /= sum;
        break;
      }
    }
  }

  MlpWorkspace workspace;
  std::vector<Tensor> grads;
  Result<BatchStats> stats = model.ComputeGradients(*AsMatrix(x, "x"), *AsMatrix(y, "y"), &workspace, &grads);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(stats->samples, c.rows);

  std::vector<std::vector<double>> params = ToDouble(model.parameters());
  const double reference = ReferenceLoss(c.spec, params, x, y);
  EXPECT_NEAR(stats->mean_loss(), reference, 1e-5 * std::abs(reference) + 1e-6)
      << "the reported loss is not the reference loss";

  const double h = 1e-6;
  for (std::size_t p = 0; p < params.size(); ++p) {
    std::span<const float> analytic = grads[p].values<float>();
    const int64_t n = static_cast<int64_t>(params[p].size());
    const int64_t stride = n > c.max_checked_per_tensor ? n / c.max_checked_per_tensor + 1 : 1;
    double largest = 0;
    for (int64_t i = 0; i < n; i += stride) {
      double& w = params[p][static_cast<std::size_t>(i)];
      const double saved = w;
      w = saved + h;
      const double up = ReferenceLoss(c.spec, params, x, y);
      w = saved - h;
      const double down = ReferenceLoss(c.spec, params, x, y);
      w = saved;
      const double numeric = (up - down) / (2 * h);
      largest = std::max(largest, std::abs(numeric));
      ASSERT_NEAR(analytic[static_cast<std::size_t>(i)], numeric, 2e-5 + 1e-3 * std::abs(numeric))
          << Mlp::ParameterName(p) << "[" << i << "]";
    }
    EXPECT_GT(largest, 1e-4) << Mlp::ParameterName(p) << ": gradient vanishes, the check proves nothing";
  }
}

INSTANTIATE_TEST_SUITE_P(AllLayers, GradientCheckTest, ::testing::ValuesIn(Cases()), Name);

}  // namespace
}  // namespace runexp::nn
