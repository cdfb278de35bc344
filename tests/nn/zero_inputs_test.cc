// A split first layer skips the inputs that are zero in a whole batch
// (engine/src/nn/zero_inputs.h). These tests check that the skipping
// happens, that it leaves the model's map and gradients as they are (against
// a double-precision reference), that the zero inputs' kernel rows get a
// gradient of exactly +0, and that training, which hands the gradient to
// the optimizer without unpacking it, applies the same values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

#include "nn_test_util.h"
#include "runexp/nn/mlp.h"
#include "runexp/nn/optimizer.h"
#include "runexp/nn/random.h"
#include "runexp/nn/trainer.h"

namespace runexp::nn {
namespace {

// 256 inputs → four input pieces of 64 (sharding.h). Piece 0 is all zero;
// piece 1 has 14 zero columns (every other one up to 87, then 90 and 120:
// the kept columns are packed, runs of one and longer runs); piece 2 has one
// zero column (too few to be worth skipping) and piece 3 none. 1024 hidden
// units cut the kernel's gradient into two blocks per piece, so the block
// boundary at input 96 falls inside piece 1's run 91-119.
constexpr int64_t kInputs = 256, kHidden = 1024, kClasses = 4, kRows = 40;

bool IsZeroColumn(int64_t column) {
  return column < 64 || (column < 88 && column % 2 == 0) || column == 90 || column == 120 || column == 150;
}

testing::DataSet DataWithZeroInputs() {
  testing::DataSet data = testing::MakeBlobs(kRows, kInputs, kClasses, 0.4f, 7);
  float* x = data.x.values<float>().data();
  for (int64_t r = 0; r < kRows; ++r) {
    for (int64_t c = 0; c < kInputs; ++c) {
      if (IsZeroColumn(c)) x[r * kInputs + c] = (r % 3 == 0) ? -0.0f : 0.0f;  // -0 is zero too
    }
  }
  return data;
}

Mlp Model(Activation hidden = Activation::kRelu) {
  Mlp model = *Mlp::Create({kInputs, {{kHidden, hidden}, {kClasses, Activation::kSoftmax}},
                            Loss::kCategoricalCrossentropy});
  model.InitGlorotUniform(9);
  for (float& b : model.mutable_parameters()[1].values<float>()) b = 0.01f;
  return model;
}

// The model's probabilities and its first kernel's gradient of the batch-mean
// categorical cross-entropy, in double.
struct Reference {
  std::vector<double> probabilities;  // (rows, classes)
  std::vector<double> kernel_gradient;  // (inputs, hidden)
};

Reference ComputeReference(const Mlp& model, const Tensor& x_tensor, const Tensor& y_tensor) {
  const std::span<const float> x = x_tensor.values<float>(), y = y_tensor.values<float>();
  const std::span<const float> w0 = model.parameters()[0].values<float>(), b0 = model.parameters()[1].values<float>();
  const std::span<const float> w1 = model.parameters()[2].values<float>(), b1 = model.parameters()[3].values<float>();
  const auto at = [](auto& v, int64_t i) -> auto& { return v[static_cast<std::size_t>(i)]; };
  Reference ref{std::vector<double>(kRows * kClasses), std::vector<double>(kInputs * kHidden)};
  for (int64_t r = 0; r < kRows; ++r) {
    std::vector<double> z1(kHidden), z2(kClasses);
    for (int64_t j = 0; j < kHidden; ++j) {
      at(z1, j) = at(b0, j);
      for (int64_t k = 0; k < kInputs; ++k) at(z1, j) += double{at(x, r * kInputs + k)} * at(w0, k * kHidden + j);
    }
    double max = -1e300, sum = 0;
    for (int64_t c = 0; c < kClasses; ++c) {
      at(z2, c) = at(b1, c);
      for (int64_t j = 0; j < kHidden; ++j) at(z2, c) += std::max(at(z1, j), 0.0) * at(w1, j * kClasses + c);
      max = std::max(max, at(z2, c));
    }
    for (double& z : z2) sum += (z = std::exp(z - max));
    std::vector<double> delta2(kClasses);
    for (int64_t c = 0; c < kClasses; ++c) {
      const double p = at(z2, c) / sum;
      at(ref.probabilities, r * kClasses + c) = p;
      at(delta2, c) = (p - at(y, r * kClasses + c)) / kRows;  // softmax + cross-entropy, batch mean
    }
    for (int64_t j = 0; j < kHidden; ++j) {
      if (at(z1, j) <= 0) continue;  // relu'
      double dz1 = 0;
      for (int64_t c = 0; c < kClasses; ++c) dz1 += at(delta2, c) * at(w1, j * kClasses + c);
      for (int64_t k = 0; k < kInputs; ++k) {
        at(ref.kernel_gradient, k * kHidden + j) += double{at(x, r * kInputs + k)} * dz1;
      }
    }
  }
  return ref;
}

TEST(ZeroInputsTest, SkippedInputsLeaveTheModelAndItsGradientsAsTheyAre) {
  const Mlp model = Model();
  const testing::DataSet data = DataWithZeroInputs();
  const MatrixView x = *AsMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
  const Reference ref = ComputeReference(model, data.x, data.y);

  const Tensor predicted = *model.Predict(data.x, 16);
  for (int64_t i = 0; i < kRows * kClasses; ++i) {
    EXPECT_NEAR(predicted.values<float>()[static_cast<std::size_t>(i)], ref.probabilities[static_cast<std::size_t>(i)],
                2e-6) << "output " << i;
  }

  MlpWorkspace train_ws, eval_ws;
  std::vector<Tensor> gradients;
  const BatchStats trained = *model.ComputeGradients(x, y, &train_ws, &gradients);
  const std::span<const float> dw = gradients[0].values<float>();
  double largest = 0;
  for (double g : ref.kernel_gradient) largest = std::max(largest, std::abs(g));
  ASSERT_GT(largest, 1e-4);  // a gradient worth comparing
  for (int64_t k = 0; k < kInputs; ++k) {
    for (int64_t j = 0; j < kHidden; ++j) {
      const float got = dw[static_cast<std::size_t>(k * kHidden + j)];
      if (k == 150) {  // zero, in a piece that multiplies all its inputs: the GEMM's zero, of either sign
        ASSERT_EQ(got, 0.0f) << "kernel row " << k;
      } else if (IsZeroColumn(k)) {
        uint32_t bits;
        std::memcpy(&bits, &got, sizeof bits);
        ASSERT_EQ(bits, 0u) << "kernel row " << k << " of a skipped input: gradient exactly +0";
      } else {
        ASSERT_NEAR(got, ref.kernel_gradient[static_cast<std::size_t>(k * kHidden + j)], 1e-5 * largest)
            << "kernel row " << k << ", unit " << j;
      }
    }
  }
  // Evaluation multiplies the same columns: the same forward bits.
  const BatchStats evaluated = *model.EvaluateBatch(x, y, &eval_ws);
  EXPECT_EQ(evaluated.loss_sum, trained.loss_sum);
  EXPECT_EQ(evaluated.correct, trained.correct);
  // A shuffled batch packs its gathered columns: the same bits.
  testing::ExpectGatheredBatchIsTheCopiedBatch(model, x, y, {39, 0, 17, 17, 5, 22, 31, 8, 2, 11, 36, 1, 3});
}

// With on_ready, the gradient of a skipping piece's kernel rows is handed
// over from the workspace (packed rows; the skipped rows as no values, for
// +0) instead of being unpacked into `gradients`: every element must be
// reported exactly once, with the bits ComputeGradients writes without
// on_ready, whatever `gradients` held before; ranges without values are
// whole kernel rows.
TEST(ZeroInputsTest, OnReadyHandsOverEveryGradientValueOnceWithItsBits) {
  const Mlp model = Model();
  const testing::DataSet data = DataWithZeroInputs();
  const MatrixView x = *AsMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
  const std::vector<int64_t> shuffled = {39, 0, 17, 17, 5, 22, 31, 8, 2, 11, 36, 1, 3};
  for (const bool shuffle : {false, true}) {
    SCOPED_TRACE(shuffle ? "shuffled batch" : "whole batch");
    const auto compute = [&](MlpWorkspace* ws, std::vector<Tensor>* gradients, const Mlp::GradientReadyFn& on_ready) {
      return shuffle ? model.ComputeGradients(x, y, shuffled, ws, gradients, on_ready)
                     : model.ComputeGradients(x, y, ws, gradients, on_ready);
    };
    MlpWorkspace expected_ws, ready_ws;
    std::vector<Tensor> expected, scratch;
    ASSERT_TRUE(compute(&expected_ws, &expected, nullptr).ok());

    std::vector<std::vector<float>> handed(model.parameters().size());
    std::vector<std::vector<int>> reported(model.parameters().size());
    for (std::size_t p = 0; p < handed.size(); ++p) {
      const auto n = static_cast<std::size_t>(model.parameters()[p].num_elements());
      handed[p].assign(n, std::numeric_limits<float>::quiet_NaN());
      reported[p].assign(n, 0);
      scratch.emplace_back(DType::kFloat32, model.parameters()[p].shape());
      std::fill(scratch.back().values<float>().begin(), scratch.back().values<float>().end(),
                std::numeric_limits<float>::quiet_NaN());
    }
    std::mutex mutex;
    int64_t rows_without_values = 0;
    ASSERT_TRUE(compute(&ready_ws, &scratch, [&](std::size_t index, int64_t begin, int64_t end, const float* values) {
      std::lock_guard<std::mutex> lock(mutex);
      if (values == nullptr) {
        EXPECT_EQ(index, 0u);
        EXPECT_EQ(begin % kHidden, 0);
        EXPECT_EQ(end % kHidden, 0);
        rows_without_values += (end - begin) / kHidden;
      }
      for (int64_t i = begin; i < end; ++i) {
        ++reported[index][static_cast<std::size_t>(i)];
        handed[index][static_cast<std::size_t>(i)] = values != nullptr ? values[i - begin] : 0.0f;
      }
    }).ok());
    EXPECT_GT(rows_without_values, 0) << "the data's zero inputs were not skipped";
    for (std::size_t p = 0; p < handed.size(); ++p) {
      EXPECT_TRUE(std::all_of(reported[p].begin(), reported[p].end(), [](int n) { return n == 1; }))
          << Mlp::ParameterName(p);
      const std::span<const float> want = expected[p].values<float>();
      ASSERT_EQ(want.size(), handed[p].size());
      EXPECT_EQ(std::memcmp(want.data(), handed[p].data(), want.size() * sizeof(float)), 0)
          << Mlp::ParameterName(p) << ": the handed-over gradient differs from the written one";
    }
  }
}

// Trainer applies those handed-over values: two epochs on data with zero
// inputs end with the parameters of the loop of ComputeGradients (written
// out) and Optimizer::Apply.
TEST(ZeroInputsTest, TrainerUpdatesWithTheGradientsApplyWouldUse) {
  const testing::DataSet data = DataWithZeroInputs();
  const MatrixView x = *AsMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
  constexpr int64_t kBatch = 16;
  Mlp model = Model();
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(), model.parameters());
  Trainer trainer = *Trainer::Create(Model(), *Optimizer::Create(OptimizerConfig::Rmsprop(), model.parameters()),
                                     {.batch_size = kBatch, .shuffle = false}, RandomStream(1, "zero_inputs_test"));
  for (int epoch = 0; epoch < 2; ++epoch) ASSERT_TRUE(trainer.RunEpoch(data.x, data.y).ok());

  MlpWorkspace ws;
  std::vector<Tensor> gradients;
  for (int epoch = 0; epoch < 2; ++epoch) {
    for (int64_t start = 0; start < kRows; start += kBatch) {
      const int64_t end = std::min(kRows, start + kBatch);
      ASSERT_TRUE(model.ComputeGradients(x.Rows(start, end), y.Rows(start, end), &ws, &gradients).ok());
      ASSERT_TRUE(optimizer.Apply(gradients, &model.mutable_parameters()).ok());
    }
  }
  for (std::size_t p = 0; p < model.parameters().size(); ++p) {
    const std::span<const float> want = model.parameters()[p].values<float>();
    const std::span<const float> got = trainer.model().parameters()[p].values<float>();
    ASSERT_EQ(want.size(), got.size());
    EXPECT_EQ(std::memcmp(want.data(), got.data(), want.size() * sizeof(float)), 0) << Mlp::ParameterName(p);
  }
  // The trainer's optimizer counted the skipped rows' steps and applied
  // them when asked for its state: Apply's mean squares, bit for bit.
  const OptimizerState& want = optimizer.state();
  const OptimizerState& got = trainer.optimizer().state();
  EXPECT_EQ(got.iterations, want.iterations);
  ASSERT_EQ(got.slots.size(), want.slots.size());
  for (std::size_t s = 0; s < want.slots.size(); ++s) {
    const std::span<const float> w = want.slots[s].values<float>(), g = got.slots[s].values<float>();
    EXPECT_EQ(std::memcmp(w.data(), g.data(), w.size() * sizeof(float)), 0) << "slot " << s;
  }
}

// Whether any prediction of x is NaN once kernel row `kernel_row` of a
// linear-hidden model holds a NaN: whether that input was multiplied.
bool PredictsNaN(const Tensor& x, int64_t kernel_row) {
  Mlp model = Model(Activation::kLinear);
  model.mutable_parameters()[0].values<float>()[static_cast<std::size_t>(kernel_row * kHidden + 3)] =
      std::numeric_limits<float>::quiet_NaN();
  const Tensor predicted = *model.Predict(x, kRows);
  return std::any_of(predicted.values<float>().begin(), predicted.values<float>().end(),
                     [](float v) { return std::isnan(v); });
}

// The proof that the columns are skipped, not multiplied by zero: a NaN in
// the kernel row of an input that is zero in the whole batch never reaches
// the outputs (0 × NaN is NaN), while one under an input that is non-zero
// in some row does. A linear hidden layer, as relu would turn NaN into 0.
TEST(ZeroInputsTest, AWeightUnderAZeroInputIsNeverRead) {
  const testing::DataSet data = DataWithZeroInputs();
  for (const int64_t row : {int64_t{10}, int64_t{70}, int64_t{71}, int64_t{150}, int64_t{200}}) {
    const bool any_nan = PredictsNaN(data.x, row);
    // Column 150 is zero but its piece is not worth skipping: multiplied.
    EXPECT_EQ(any_nan, !IsZeroColumn(row) || row == 150) << "NaN in kernel row " << row;
  }
}

// Marking stops once too few columns are left unmarked for skipping to pay
// (checked after rows 1, 2, 4, ...); the decision must still be the whole
// batch's. Piece 1 (inputs 64-127): the first 4 rows are zero in inputs
// 64-95, every row in the first `zero_through_batch` of them; so early on 32
// columns are unmarked, at the end 8 (an eighth: skipped) or 7 (not).
TEST(ZeroInputsTest, TheSkipDecisionIsTheWholeBatchs) {
  for (const int64_t zero_through_batch : {int64_t{8}, int64_t{7}}) {
    testing::DataSet data = testing::MakeBlobs(kRows, kInputs, kClasses, 0.4f, 7);
    float* x = data.x.values<float>().data();
    for (int64_t r = 0; r < kRows; ++r) {
      for (int64_t c = 64; c < 96; ++c) {
        if (r < 4 || c < 64 + zero_through_batch) x[r * kInputs + c] = 0.0f;
        else if (x[r * kInputs + c] == 0.0f) x[r * kInputs + c] = 1.0f;
      }
    }
    const bool skipped = zero_through_batch == 8;
    // Input 65 is zero in every row; input 80 only in the first rows.
    for (const int64_t row : {int64_t{65}, int64_t{80}}) {
      EXPECT_EQ(PredictsNaN(data.x, row), row == 80 || !skipped)
          << "NaN in kernel row " << row << ", " << zero_through_batch << " inputs zero in the whole batch";
    }
  }
}

// One workspace and one gradient vector (as Trainer keeps them) through
// batches that skip and batches that do not, a shuffled batch, another
// batch size and another model: each result is the bits of a fresh
// workspace and fresh gradients (nothing left over from the batch before,
// such as a skipped row's gradient from a batch that kept it).
TEST(ZeroInputsTest, AReusedWorkspaceGivesTheFreshBits) {
  const Mlp model = Model();
  const Mlp wider = *Mlp::Create({kInputs + 44, {{200, Activation::kRelu}, {kClasses, Activation::kSoftmax}},
                                  Loss::kCategoricalCrossentropy});
  const testing::DataSet sparse = DataWithZeroInputs();
  const testing::DataSet dense = testing::MakeBlobs(kRows, kInputs, kClasses, 0.4f, 8);
  const testing::DataSet wide = testing::MakeBlobs(kRows, kInputs + 44, kClasses, 0.4f, 9);
  const std::vector<int64_t> shuffled = {3, 9, 1, 30, 22, 5, 17, 39, 0};
  struct Step {
    const Mlp* model;
    const testing::DataSet* data;
    const std::vector<int64_t>* rows;  // nullptr: the whole set
  };
  const std::vector<Step> steps = {{&model, &sparse, nullptr}, {&model, &dense, &shuffled},
                                   {&model, &sparse, &shuffled}, {&wider, &wide, nullptr},
                                   {&model, &dense, nullptr}, {&model, &sparse, nullptr}};
  MlpWorkspace reused;
  std::vector<Tensor> with_reused;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const MatrixView x = *AsMatrix(step.data->x, "x"), y = *AsMatrix(step.data->y, "y");
    MlpWorkspace fresh;
    std::vector<Tensor> with_fresh;
    const auto run = [&](MlpWorkspace* ws, std::vector<Tensor>* gradients) {
      return step.rows != nullptr ? *step.model->ComputeGradients(x, y, *step.rows, ws, gradients)
                                  : *step.model->ComputeGradients(x, y, ws, gradients);
    };
    const BatchStats a = run(&reused, &with_reused), b = run(&fresh, &with_fresh);
    EXPECT_EQ(a.loss_sum, b.loss_sum) << "step " << i;
    for (std::size_t p = 0; p < with_fresh.size(); ++p) {
      EXPECT_EQ(std::memcmp(with_reused[p].bytes().data(), with_fresh[p].bytes().data(), with_fresh[p].num_bytes()), 0)
          << "step " << i << ", " << Mlp::ParameterName(p);
    }
  }
}

// A batch whose inputs are all zero: every piece skips everything, and the
// first layer's output is its bias alone.
TEST(ZeroInputsTest, AnAllZeroBatchLeavesTheBias) {
  const Mlp model = Model();
  testing::DataSet data = DataWithZeroInputs();
  std::fill(data.x.values<float>().begin(), data.x.values<float>().end(), 0.0f);
  const Reference ref = ComputeReference(model, data.x, data.y);
  const Tensor predicted = *model.Predict(data.x, 8);
  for (int64_t i = 0; i < kRows * kClasses; ++i) {
    EXPECT_NEAR(predicted.values<float>()[static_cast<std::size_t>(i)], ref.probabilities[static_cast<std::size_t>(i)],
                2e-6);
  }
  MlpWorkspace ws;
  std::vector<Tensor> gradients;
  ASSERT_TRUE(model.ComputeGradients(*AsMatrix(data.x, "x"), *AsMatrix(data.y, "y"), &ws, &gradients).ok());
  EXPECT_TRUE(std::all_of(gradients[0].values<float>().begin(), gradients[0].values<float>().end(),
                          [](float g) { return g == 0.0f && !std::signbit(g); }));
}

}  // namespace
}  // namespace runexp::nn
