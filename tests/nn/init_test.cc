// Glorot-uniform: the bound, the spread of the draws, and how Mlp uses it.
#include "runexp/nn/init.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "runexp/nn/mlp.h"

namespace runexp::nn {
namespace {

TEST(GlorotUniformTest, LimitIsKerasBound) {
  EXPECT_FLOAT_EQ(GlorotUniformLimit(784, 512), std::sqrt(6.0f / 1296.0f));
  EXPECT_FLOAT_EQ(GlorotUniformLimit(512, 10), std::sqrt(6.0f / 522.0f));
}

TEST(GlorotUniformTest, ValuesStayInsideTheBoundAndSpreadUniformly) {
  const int64_t fan_in = 784, fan_out = 512;
  std::vector<float> w(static_cast<std::size_t>(fan_in * fan_out));
  RandomStream stream(1, "glorot");
  FillGlorotUniform(w, fan_in, fan_out, stream);
  const float limit = GlorotUniformLimit(fan_in, fan_out);
  double sum = 0, sum_sq = 0;
  float lo = limit, hi = -limit;
  for (float v : w) {
    ASSERT_GE(v, -limit);
    ASSERT_LE(v, limit);
    sum += v;
    sum_sq += static_cast<double>(v) * v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const double n = static_cast<double>(w.size());
  EXPECT_NEAR(sum / n, 0.0, 0.001);
  // Uniform(-L, L) has variance L²/3.
  EXPECT_NEAR(sum_sq / n, limit * limit / 3.0, 0.01 * limit * limit);
  EXPECT_LT(lo, -0.999f * limit);
  EXPECT_GT(hi, 0.999f * limit);
}

TEST(GlorotUniformTest, MlpInitUsesOneStreamPerLayerAndZeroBiases) {
  MlpSpec spec{784, {{512, Activation::kRelu}, {10, Activation::kSoftmax}}, Loss::kCategoricalCrossentropy};
  Mlp a = *Mlp::Create(spec);
  a.InitGlorotUniform(42);
  for (std::size_t i = 0; i < a.parameters().size(); ++i) {
    std::span<const float> v = a.parameters()[i].values<float>();
    if (i % 2 == 1) {
      for (float b : v) ASSERT_EQ(b, 0.0f);
      continue;
    }
    const float limit = GlorotUniformLimit(a.parameters()[i].dim(0), a.parameters()[i].dim(1));
    for (float w : v) ASSERT_LE(std::abs(w), limit);
  }
  // Exactly the stream "<prefix>/dense_<i>/kernel".
  std::vector<float> expected(512 * 10);
  RandomStream stream(42, "mlp/dense_1/kernel");
  FillGlorotUniform(expected, 512, 10, stream);
  std::span<const float> kernel1 = a.parameters()[2].values<float>();
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), kernel1.begin()));

  // A different first layer leaves the second layer's draws alone.
  MlpSpec wider = spec;
  wider.layers[0].units = 512;
  wider.input_dim = 100;
  Mlp b = *Mlp::Create(wider);
  b.InitGlorotUniform(42);
  std::span<const float> b_kernel1 = b.parameters()[2].values<float>();
  EXPECT_TRUE(std::equal(kernel1.begin(), kernel1.end(), b_kernel1.begin()));

  Mlp c = *Mlp::Create(spec);
  c.InitGlorotUniform(42, "other");
  EXPECT_FALSE(std::equal(kernel1.begin(), kernel1.end(), c.parameters()[2].values<float>().begin()));
}

}  // namespace
}  // namespace runexp::nn
