// Optimizer::UpdateRange without gradient values (a gradient of exactly +0):
// RMSprop counts the step per row and applies it later. Every test runs the
// same steps through Optimizer::Apply with the zeros written out and wants
// the same bits: weights after every step, and the state whenever it is read.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runexp/nn/optimizer.h"

namespace runexp::nn {
namespace {

constexpr int64_t kRows = 6;

bool SameBits(const Tensor& a, const Tensor& b) {
  return a.num_elements() == b.num_elements() &&
         std::memcmp(a.values<float>().data(), b.values<float>().data(),
                     static_cast<std::size_t>(a.num_elements()) * sizeof(float)) == 0;
}

void ExpectSameState(const Optimizer& want, const Optimizer& got, const std::string& when) {
  ASSERT_EQ(want.state().slots.size(), got.state().slots.size());
  EXPECT_EQ(want.state().iterations, got.state().iterations) << when;
  for (std::size_t s = 0; s < want.state().slots.size(); ++s) {
    EXPECT_TRUE(SameBits(want.state().slots[s], got.state().slots[s])) << when << ": slot " << s;
  }
}

// A kernel of kRows rows of `width` and a bias, updated by two optimizers:
// `deferring` gets the zero rows as ranges without values, `reference` gets
// Apply with every gradient written out.
class ZeroStepsTest : public ::testing::Test {
 protected:
  void Start(const OptimizerConfig& config, int64_t width) {
    width_ = width;
    for (std::vector<Tensor>* params : {&deferring_params_, &reference_params_}) {
      params->clear();
      params->emplace_back(DType::kFloat32, Shape{kRows, width});
      params->emplace_back(DType::kFloat32, Shape{width});
      for (Tensor& p : *params) {
        std::span<float> v = p.values<float>();
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.01f * static_cast<float>(i % 17) - 0.08f;
      }
    }
    deferring_.emplace(*Optimizer::Create(config, deferring_params_));
    reference_.emplace(*Optimizer::Create(config, reference_params_));
  }

  // One step: row r of the kernel has gradient rows[r] (all `width` values),
  // or none (+0) where rows[r] is empty. The deferring side hands the rows
  // over in reverse order, one range per row, or as one range `zero_range`
  // (elements) when it is set.
  void Step(const std::vector<std::vector<float>>& rows, std::pair<int64_t, int64_t> zero_range = {-1, -1}) {
    std::vector<Tensor> gradients = {Tensor(DType::kFloat32, Shape{kRows, width_}), Tensor(DType::kFloat32, Shape{width_})};
    std::span<float> kernel = gradients[0].values<float>();
    std::fill(kernel.begin(), kernel.end(), 0.0f);
    for (int64_t r = 0; r < kRows; ++r) {
      const std::vector<float>& row = rows[static_cast<std::size_t>(r)];
      std::copy(row.begin(), row.end(), kernel.begin() + r * width_);
    }
    std::span<float> bias = gradients[1].values<float>();
    for (int64_t i = 0; i < width_; ++i) bias[static_cast<std::size_t>(i)] = 0.001f * static_cast<float>(i + 1);
    ASSERT_TRUE(reference_->Apply(gradients, &reference_params_).ok());

    ASSERT_TRUE(deferring_->BeginStep(deferring_params_).ok());
    deferring_->UpdateRange(1, 0, width_, gradients[1], deferring_params_[1]);
    if (zero_range.first >= 0) {
      deferring_->UpdateRange(0, zero_range.first, zero_range.second, nullptr, deferring_params_[0]);
      deferring_->UpdateRange(0, 0, zero_range.first, gradients[0], deferring_params_[0]);
      deferring_->UpdateRange(0, zero_range.second, kRows * width_, gradients[0].values<float>().data() + zero_range.second,
                              deferring_params_[0]);
    } else {
      for (int64_t r = kRows - 1; r >= 0; --r) {
        const bool zero = rows[static_cast<std::size_t>(r)].empty();
        deferring_->UpdateRange(0, r * width_, (r + 1) * width_, zero ? nullptr : kernel.data() + r * width_,
                                deferring_params_[0]);
      }
    }
    deferring_->EndStep();
    ++steps_;
    for (std::size_t p = 0; p < 2; ++p) {
      EXPECT_TRUE(SameBits(reference_params_[p], deferring_params_[p])) << "step " << steps_ << ", parameter " << p;
    }
  }

  std::vector<float> Row(float scale) const {
    std::vector<float> row(static_cast<std::size_t>(width_));
    for (int64_t i = 0; i < width_; ++i) row[static_cast<std::size_t>(i)] = scale * static_cast<float>((i * 7) % 5 - 2);
    return row;
  }

  int64_t width_ = 0;
  int steps_ = 0;
  std::vector<Tensor> deferring_params_, reference_params_;
  std::optional<Optimizer> deferring_, reference_;
};

// Rows zero in changing patterns, one always zero, one fed a tiny gradient
// once so that its mean squares decay through the denormal range while its
// steps are counted; the state read half-way, and the training continued.
TEST_F(ZeroStepsTest, RmspropCountedStepsGiveTheBitsOfTheStepsTaken) {
  for (const int64_t width : {int64_t{8}, int64_t{20}}) {
    SCOPED_TRACE("width " + std::to_string(width));
    Start(OptimizerConfig::Rmsprop(), width);
    for (int step = 0; step < 400; ++step) {
      std::vector<std::vector<float>> rows(kRows);
      for (int64_t r = 0; r < 4; ++r) {
        if ((step * 7 + r * 3) % 5 >= 2) rows[static_cast<std::size_t>(r)] = Row(0.1f * static_cast<float>(r + 1));
      }
      if (step == 0 || step == 399) rows[4] = Row(1e-18f);  // ms ~ 1e-37, then hundreds of counted steps
      Step(rows);
      if (step == 200) ExpectSameState(*reference_, *deferring_, "half-way");
    }
    ExpectSameState(*reference_, *deferring_, "at the end");
  }
}

// Zero ranges that are not whole rows take the formula (in any order).
TEST_F(ZeroStepsTest, PartRowsWithoutValuesTakeTheFormula) {
  Start(OptimizerConfig::Rmsprop(), 8);
  for (int step = 0; step < 5; ++step) {
    std::vector<std::vector<float>> rows(kRows);
    rows[0] = Row(0.3f);
    rows[5] = Row(0.2f);
    // Elements 12 to 37: rows 1 to 4 without values, from the middle of
    // row 1 to the middle of row 4; the ends of rows 1 and 4 have values.
    rows[1] = Row(0.5f);
    std::fill(rows[1].begin() + 4, rows[1].end(), 0.0f);
    rows[4] = Row(0.5f);
    std::fill(rows[4].begin(), rows[4].begin() + 6, 0.0f);
    Step(rows, {12, 38});
  }
  ExpectSameState(*reference_, *deferring_, "at the end");
}

// With rho = 0 a mean square of +inf becomes 0·inf = NaN on a zero step,
// and the weights NaN: the row's mean squares were not finite, so its step
// is taken at once.
TEST_F(ZeroStepsTest, ARowWithInfiniteMeanSquaresTakesTheFormula) {
  Start(OptimizerConfig::Rmsprop(0.001f, 0.0f), 8);
  std::vector<std::vector<float>> first(kRows, Row(0.1f));
  first[2] = Row(1e30f);  // g² = +inf
  Step(first);
  std::vector<std::vector<float>> zero(kRows);
  Step(zero);
  EXPECT_TRUE(std::isnan(deferring_params_[0].values<float>()[2 * 8])) << "the formula was not taken";
  ExpectSameState(*reference_, *deferring_, "after the zero step");
}

// A restored state with a negative mean square: sqrt of it is NaN, so a
// zero step makes that weight NaN; SetState judged the rows anew.
TEST_F(ZeroStepsTest, ARestoredNegativeMeanSquareTakesTheFormula) {
  Start(OptimizerConfig::Rmsprop(), 8);
  OptimizerState state = reference_->state();
  state.slots[0].values<float>()[3 * 8 + 5] = -1.0f;
  ASSERT_TRUE(reference_->SetState(state).ok());
  ASSERT_TRUE(deferring_->SetState(state).ok());
  Step(std::vector<std::vector<float>>(kRows));
  EXPECT_TRUE(std::isnan(deferring_params_[0].values<float>()[3 * 8 + 5]));
  ExpectSameState(*reference_, *deferring_, "after the zero step");
}

// epsilon = 0: 0 / sqrt(+0) is NaN, so nothing is deferred.
TEST_F(ZeroStepsTest, EpsilonZeroTakesTheFormula) {
  Start(OptimizerConfig::Rmsprop(0.001f, 0.9f, 0.0f), 8);
  std::vector<std::vector<float>> rows(kRows);
  rows[0] = Row(0.1f);
  for (int step = 0; step < 3; ++step) Step(rows);
  EXPECT_TRUE(std::isnan(deferring_params_[0].values<float>()[8]));
  ExpectSameState(*reference_, *deferring_, "at the end");
}

// Counted steps do not survive SetState, which replaces the state they
// belong to; and Apply after counted steps takes them first.
TEST_F(ZeroStepsTest, SetStateDropsCountedStepsAndApplyTakesThem) {
  Start(OptimizerConfig::Rmsprop(), 8);
  std::vector<std::vector<float>> rows(kRows);
  rows[1] = Row(0.4f);
  Step(rows);
  Step(std::vector<std::vector<float>>(kRows));  // every row counted on the deferring side
  const OptimizerState saved = reference_->state();
  Step(std::vector<std::vector<float>>(kRows));
  ASSERT_TRUE(reference_->SetState(saved).ok());
  ASSERT_TRUE(deferring_->SetState(saved).ok());
  ExpectSameState(*reference_, *deferring_, "after SetState");
  Step(std::vector<std::vector<float>>(kRows));

  std::vector<Tensor> gradients = {Tensor(DType::kFloat32, Shape{kRows, 8}), Tensor(DType::kFloat32, Shape{8})};
  for (Tensor& g : gradients) std::fill(g.values<float>().begin(), g.values<float>().end(), 0.25f);
  ASSERT_TRUE(reference_->Apply(gradients, &reference_params_).ok());
  ASSERT_TRUE(deferring_->Apply(gradients, &deferring_params_).ok());
  EXPECT_TRUE(SameBits(reference_params_[0], deferring_params_[0]));
  ExpectSameState(*reference_, *deferring_, "after Apply");
}

// Optimizers whose zero steps move the weights take them at once.
TEST_F(ZeroStepsTest, MomentumAndAdamTakeZeroStepsAtOnce) {
  for (const OptimizerConfig& config : {OptimizerConfig::Sgd(0.01f, 0.9f), OptimizerConfig::Adam()}) {
    SCOPED_TRACE(std::string(OptimizerName(config.kind)));
    Start(config, 8);
    std::vector<std::vector<float>> rows(kRows);
    rows[2] = Row(0.3f);
    Step(rows);
    const float before = deferring_params_[0].values<float>()[2 * 8];
    Step(std::vector<std::vector<float>>(kRows));
    EXPECT_NE(deferring_params_[0].values<float>()[2 * 8], before) << "the zero step did not move the weights";
    ExpectSameState(*reference_, *deferring_, "at the end");
  }
}

}  // namespace
}  // namespace runexp::nn
