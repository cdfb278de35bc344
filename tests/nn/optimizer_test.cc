// Each optimizer against values worked out by hand from the Keras formulas
// (in double precision; see the comment on each table), plus state
// save/restore and validation.
#include "runexp/nn/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "nn_test_util.h"

namespace runexp::nn {
namespace {

using testing::MakeTensor;

// Parameters w = [0.5, -1.0] (shape 2) and b = [0.25] (shape 1), updated by
// three fixed gradients; `expected` holds w0, w1, b after each step.
struct Trace {
  std::vector<std::vector<float>> gradients;
  std::vector<std::vector<double>> expected;
};

const std::vector<std::vector<float>> kGradients = {{0.1f, -0.2f, 0.3f}, {-0.05f, 0.4f, 0.0f}, {0.2f, 0.2f, -0.1f}};

std::vector<Tensor> Params() { return {MakeTensor({2}, {0.5f, -1.0f}), MakeTensor({1}, {0.25f})}; }
std::vector<Tensor> Grads(const std::vector<float>& g) {
  return {MakeTensor({2}, {g[0], g[1]}), MakeTensor({1}, {g[2]})};
}

void ExpectTrace(const OptimizerConfig& config, const std::vector<std::vector<double>>& expected) {
  std::vector<Tensor> params = Params();
  Optimizer optimizer = *Optimizer::Create(config, params);
  for (std::size_t step = 0; step < kGradients.size(); ++step) {
    ASSERT_TRUE(optimizer.Apply(Grads(kGradients[step]), &params).ok());
    EXPECT_EQ(optimizer.iterations(), static_cast<int64_t>(step + 1));
    const std::vector<double> got = {params[0].values<float>()[0], params[0].values<float>()[1],
                                      params[1].values<float>()[0]};
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(got[i], expected[step][i], 3e-7) << "step " << step + 1 << " value " << i;
    }
  }
}

TEST(OptimizerTest, PlainSgd) {
  // w -= 0.01·g
  ExpectTrace(OptimizerConfig::Sgd(0.01f), {{0.499, -0.998, 0.247}, {0.4995, -1.002, 0.247}, {0.4975, -1.004, 0.248}});
}

TEST(OptimizerTest, SgdWithMomentum) {
  // v = 0.9·v - 0.01·g; w += v. Velocities after step 1: -0.001, 0.002, -0.003;
  // step 2: -0.0004, -0.0022, -0.0027.
  ExpectTrace(OptimizerConfig::Sgd(0.01f, 0.9f),
              {{0.499, -0.998, 0.247}, {0.4986, -1.0002, 0.2443}, {0.49624, -1.00418, 0.24287}});
}

TEST(OptimizerTest, SgdWithNesterovMomentum) {
  // v = 0.9·v - 0.01·g; w += 0.9·v - 0.01·g.
  ExpectTrace(OptimizerConfig::Sgd(0.01f, 0.9f, true),
              {{0.4981, -0.9962, 0.2443}, {0.49824, -1.00218, 0.24187}, {0.494116, -1.007762, 0.241583}});
}

TEST(OptimizerTest, RmspropKerasDefaults) {
  // ms = 0.9·ms + 0.1·g²; w -= 0.001·g / (sqrt(ms) + 1e-7).
  // Step 1: ms = 0.001, 0.004, 0.009, so every weight moves by 0.001/sqrt(0.1) = 0.00316...
  ExpectTrace(OptimizerConfig::Rmsprop(),
              {{0.496837732, -0.996837727, 0.246837726},
               {0.498312148, -0.999694868, 0.246837726},
               {0.495493572, -1.00105444, 0.247936029}});
}

// RMSprop takes a short cut where a group of 256 gradients is all ±0 (no
// square root or division: w - lr·g). Every value must still be the
// formula's bits, signed zeros and NaN included. Groups: all +0 and all -0
// (ms zero, small, tiny, infinite; a weight of -0 with a gradient of -0
// turns +0), one with a single non-zero gradient, one with a NaN ms, and a
// partial last group of zeros whose only oddity is a negative ms (the
// formula gives NaN there, the short cut would not).
TEST(OptimizerTest, RmspropZeroGradientsGiveTheFormulasBits) {
  constexpr int64_t kN = 1200;
  std::vector<float> w(kN), ms(kN), g(kN, 0.0f);
  for (int64_t i = 0; i < kN; ++i) {
    const std::size_t u = static_cast<std::size_t>(i);
    w[u] = i % 5 == 0 ? -0.0f : 0.001f * static_cast<float>(i % 17) - 0.008f;
    const float kinds[] = {0.0f, 1e-3f, 1e-30f, std::numeric_limits<float>::infinity(), 4e-9f};
    ms[u] = kinds[i % 5];
    if (i >= 256 && i < 512) g[u] = -0.0f;
  }
  g[600] = 1e-3f;                                            // group 2 takes the formula
  ms[800] = std::numeric_limits<float>::quiet_NaN();         // group 3: NaN stays NaN
  ms[1100] = -1.0f;                                          // partial group 4: sqrt of a negative is NaN
  std::vector<Tensor> params = {MakeTensor({kN}, w)};
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(), params);
  OptimizerState state = optimizer.state();
  state.slots[0] = MakeTensor({kN}, ms);
  ASSERT_TRUE(optimizer.SetState(std::move(state)).ok());
  ASSERT_TRUE(optimizer.Apply({MakeTensor({kN}, g)}, &params).ok());

  const float lr = 0.001f, rho = 0.9f, epsilon = 1e-7f, one_minus_rho = 1.0f - rho;
  for (int64_t i = 0; i < kN; ++i) {
    const std::size_t u = static_cast<std::size_t>(i);
    const float new_ms = rho * ms[u] + one_minus_rho * (g[u] * g[u]);
    const float expected_w = w[u] - lr * g[u] / (std::sqrt(new_ms) + epsilon);
    const float got_w = params[0].values<float>()[u], got_ms = optimizer.state().slots[0].values<float>()[u];
    ASSERT_EQ(std::memcmp(&got_w, &expected_w, sizeof(float)), 0)
        << "weight " << i << ": " << got_w << " vs " << expected_w;
    ASSERT_EQ(std::memcmp(&got_ms, &new_ms, sizeof(float)), 0) << "ms " << i;
  }
  EXPECT_TRUE(std::signbit(w[260]) && !std::signbit(params[0].values<float>()[260]));  // -0 - (-0) = +0
  EXPECT_TRUE(std::isnan(params[0].values<float>()[800]));
  EXPECT_TRUE(std::isnan(params[0].values<float>()[1100]));
}

// With epsilon = 0 a zero gradient over a zero mean square is 0 / 0: NaN, as
// the formula says; the short cut must not apply.
TEST(OptimizerTest, RmspropWithoutEpsilonKeepsZeroOverZero) {
  std::vector<Tensor> params = {MakeTensor({300}, std::vector<float>(300, 0.5f))};
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(0.001f, 0.9f, 0.0f), params);
  ASSERT_TRUE(optimizer.Apply({MakeTensor({300}, std::vector<float>(300, 0.0f))}, &params).ok());
  for (float w : params[0].values<float>()) ASSERT_TRUE(std::isnan(w));
}

TEST(OptimizerTest, AdamKerasDefaults) {
  // lr_t = 0.001·sqrt(1 - 0.999^t) / (1 - 0.9^t); m += (g - m)·0.1;
  // v += (g² - v)·0.001; w -= lr_t·m / (sqrt(v) + 1e-7). Step 1 moves each
  // weight by ≈ lr against the gradient's sign, as Adam's first step does.
  ExpectTrace(OptimizerConfig::Adam(),
              {{0.499000032, -0.999000016, 0.249000011},
               {0.498733702, -0.999366117, 0.248329959},
               {0.4980756, -0.999885354, 0.248040827}});
}

TEST(OptimizerTest, SlotsAreExposedInKerasOrder) {
  std::vector<Tensor> params = Params();
  Optimizer adam = *Optimizer::Create(OptimizerConfig::Adam(), params);
  ASSERT_TRUE(adam.Apply(Grads(kGradients[0]), &params).ok());
  const OptimizerState& state = adam.state();
  ASSERT_EQ(state.slots.size(), 4u);  // m(w), m(b), v(w), v(b)
  // m = (1 - beta_1)·g, v = (1 - beta_2)·g² after one step, with 1 - beta
  // rounded in float32 as Keras does: 1 - 0.999f is 0.00099998713, not 0.001.
  const double one_minus_beta_2 = 1.0f - 0.999f;
  EXPECT_NEAR(state.slots[0].values<float>()[0], 0.01, 1e-8);
  EXPECT_NEAR(state.slots[1].values<float>()[0], 0.03, 3e-8);
  EXPECT_NEAR(state.slots[2].values<float>()[1], 0.04 * one_minus_beta_2, 4e-12);
  EXPECT_NEAR(state.slots[3].values<float>()[0], 0.09 * one_minus_beta_2, 9e-12);
  EXPECT_EQ(SlotKinds(OptimizerConfig::Adam()), (std::vector<std::string_view>{"m", "v"}));
  EXPECT_EQ(SlotKinds(OptimizerConfig::Rmsprop()), (std::vector<std::string_view>{"rms"}));
  EXPECT_EQ(SlotKinds(OptimizerConfig::Sgd(0.01f, 0.9f)), (std::vector<std::string_view>{"momentum"}));
  EXPECT_TRUE(SlotKinds(OptimizerConfig::Sgd()).empty());
}

class OptimizerKindTest : public ::testing::TestWithParam<OptimizerConfig> {};

// Two steps, save, restore into a fresh optimizer, third step: bit-identical
// to three uninterrupted steps.
TEST_P(OptimizerKindTest, SavedStateResumesExactly) {
  std::vector<Tensor> straight = Params();
  Optimizer a = *Optimizer::Create(GetParam(), straight);
  for (const auto& g : kGradients) ASSERT_TRUE(a.Apply(Grads(g), &straight).ok());

  std::vector<Tensor> resumed = Params();
  Optimizer first = *Optimizer::Create(GetParam(), resumed);
  ASSERT_TRUE(first.Apply(Grads(kGradients[0]), &resumed).ok());
  ASSERT_TRUE(first.Apply(Grads(kGradients[1]), &resumed).ok());
  const OptimizerState saved = first.state();
  Optimizer second = *Optimizer::Create(GetParam(), resumed);
  ASSERT_TRUE(second.SetState(saved).ok());
  EXPECT_EQ(second.iterations(), 2);
  ASSERT_TRUE(second.Apply(Grads(kGradients[2]), &resumed).ok());
  for (std::size_t p = 0; p < straight.size(); ++p) {
    EXPECT_TRUE(std::equal(straight[p].values<float>().begin(), straight[p].values<float>().end(),
                           resumed[p].values<float>().begin()));
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, OptimizerKindTest,
                         ::testing::Values(OptimizerConfig::Sgd(0.01f, 0.9f, true), OptimizerConfig::Rmsprop(),
                                           OptimizerConfig::Adam()),
                         [](const ::testing::TestParamInfo<OptimizerConfig>& info) {
                           return std::string(OptimizerName(info.param.kind));
                         });

// BeginStep + UpdateRange over any split + EndStep is Apply, bit for bit.
TEST_P(OptimizerKindTest, PiecewiseUpdateIsApply) {
  std::vector<Tensor> whole = Params(), pieces = Params();
  Optimizer a = *Optimizer::Create(GetParam(), whole);
  Optimizer b = *Optimizer::Create(GetParam(), pieces);
  for (const auto& g : kGradients) {
    const std::vector<Tensor> grads = Grads(g);
    ASSERT_TRUE(a.Apply(grads, &whole).ok());
    ASSERT_TRUE(b.BeginStep(pieces).ok());
    b.UpdateRange(1, 0, 1, grads[1], pieces[1]);  // out of order, uneven ranges
    b.UpdateRange(0, 1, 2, grads[0], pieces[0]);
    b.UpdateRange(0, 0, 1, grads[0], pieces[0]);
    b.EndStep();
  }
  EXPECT_EQ(a.iterations(), b.iterations());
  for (std::size_t p = 0; p < whole.size(); ++p) {
    EXPECT_TRUE(std::equal(whole[p].values<float>().begin(), whole[p].values<float>().end(),
                           pieces[p].values<float>().begin()));
  }
  for (std::size_t s = 0; s < a.state().slots.size(); ++s) {
    EXPECT_TRUE(std::equal(a.state().slots[s].values<float>().begin(), a.state().slots[s].values<float>().end(),
                           b.state().slots[s].values<float>().begin()));
  }
  std::vector<Tensor> wrong = {Tensor(DType::kFloat32, {3})};
  EXPECT_EQ(b.BeginStep(wrong).code(), StatusCode::kInvalidArgument);
}

TEST(OptimizerTest, RejectsMismatchedStateAndShapes) {
  std::vector<Tensor> params = Params();
  Optimizer rmsprop = *Optimizer::Create(OptimizerConfig::Rmsprop(), params);
  OptimizerState wrong_count;
  wrong_count.slots.push_back(Tensor(DType::kFloat32, {2}));
  EXPECT_EQ(rmsprop.SetState(wrong_count).code(), StatusCode::kInvalidArgument);
  OptimizerState wrong_shape;
  wrong_shape.slots = {Tensor(DType::kFloat32, {2}), Tensor(DType::kFloat32, {2})};
  Status status = rmsprop.SetState(wrong_shape);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("\"rms\" of parameter 1"), std::string::npos) << status.message();

  std::vector<Tensor> bad_grads = {Tensor(DType::kFloat32, {2}), Tensor(DType::kFloat32, {3})};
  EXPECT_EQ(rmsprop.Apply(bad_grads, &params).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rmsprop.iterations(), 0);
}

TEST(OptimizerTest, ValidatesHyperparameters) {
  EXPECT_FALSE(ValidateOptimizerConfig(OptimizerConfig::Rmsprop(-1.0f)).ok());
  EXPECT_FALSE(ValidateOptimizerConfig(OptimizerConfig::Rmsprop(0.001f, 1.0f)).ok());
  EXPECT_FALSE(ValidateOptimizerConfig(OptimizerConfig::Sgd(0.01f, -0.1f)).ok());
  EXPECT_FALSE(ValidateOptimizerConfig(OptimizerConfig::Adam(0.001f, 0.9f, 1.5f)).ok());
  EXPECT_FALSE(ValidateOptimizerConfig(OptimizerConfig::Adam(0.001f, 0.9f, 0.999f, -1e-7f)).ok());
  EXPECT_TRUE(ValidateOptimizerConfig(OptimizerConfig::Adam()).ok());
  EXPECT_EQ(*ParseOptimizer("adam"), OptimizerKind::kAdam);
  EXPECT_EQ(ParseOptimizer("adagrad").status().code(), StatusCode::kInvalidArgument);
  const auto hyper = Hyperparameters(OptimizerConfig::Rmsprop());
  ASSERT_EQ(hyper.size(), 3u);
  EXPECT_EQ(hyper[1].first, "rho");
  EXPECT_FLOAT_EQ(static_cast<float>(hyper[1].second), 0.9f);
}

}  // namespace
}  // namespace runexp::nn
