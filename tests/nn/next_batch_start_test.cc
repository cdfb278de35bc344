// ComputeGradients' next_rows: each input piece of a split first layer
// starts the next batch's first-layer work right after its kernel rows are
// updated (mlp.h). These tests check that this changes no bit, on floats
// and on codes, with and without zero inputs; that the next call really
// uses that work; and that it does the work afresh whenever the work could
// be stale (other rows, another x, changed parameters, another use of the
// workspace in between).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nn_test_util.h"
#include "runexp/nn/mlp.h"
#include "runexp/nn/optimizer.h"
#include "runexp/nn/random.h"
#include "runexp/nn/trainer.h"
#include "runexp/tensor.h"

namespace runexp::nn {
namespace {

// 256 inputs × 256 hidden units: four input pieces of 64 (sharding.h).
// Inputs 0-39 are zero in every row of the data with zeros, so piece 0
// skips them in every batch. 90 rows in batches of 28: the last has 6.
constexpr int64_t kInputs = 256, kHidden = 256, kClasses = 4, kRows = 90, kBatch = 28;
constexpr int64_t kZeroInputs = 40;

enum class Data { kFloatsWithZeros, kFloatsWithoutZeros, kCodesWithZeros, kCodesWithTwoZeroCodes };

struct DataSet {
  Tensor x;
  Tensor y;
};

// Codes stand for code / 255, as MNIST's normalisation; with two zero
// codes, 200 stands for -0 too, so the codes cannot say which inputs are
// zero and each piece decodes its columns first (zero_inputs.h).
DataSet MakeData(Data kind, uint64_t seed = 7) {
  testing::DataSet blobs = testing::MakeBlobs(kRows, kInputs, kClasses, 0.4f, seed);
  const bool with_zeros = kind != Data::kFloatsWithoutZeros;
  std::span<float> x = blobs.x.values<float>();
  for (int64_t r = 0; r < kRows; ++r) {
    for (int64_t c = 0; c < kInputs; ++c) {
      float& v = x[static_cast<std::size_t>(r * kInputs + c)];
      if (with_zeros && c < kZeroInputs) v = 0.0f;
      if (!with_zeros && v == 0.0f) v = 1.0f;
    }
  }
  if (kind == Data::kFloatsWithZeros || kind == Data::kFloatsWithoutZeros) return {blobs.x, blobs.y};
  auto table = std::make_shared<Tensor::ValueTable>();
  for (int v = 0; v < 256; ++v) (*table)[static_cast<std::size_t>(v)] = static_cast<float>(v) * (1.0f / 255.0f);
  if (kind == Data::kCodesWithTwoZeroCodes) (*table)[200] = -0.0f;
  Tensor codes(DType::kUInt8, {kRows, kInputs});
  for (std::size_t i = 0; i < x.size(); ++i) {
    // Codes 0 stay zero; the others spread over 1-255 (200 included).
    const float v = x[i];
    codes.values<uint8_t>()[i] = v == 0.0f ? 0 : static_cast<uint8_t>(1 + static_cast<int>(std::abs(v) * 10000.0f) % 255);
  }
  EXPECT_TRUE(codes.set_value_table(std::move(table)));
  return {std::move(codes), blobs.y};
}

Mlp Model() {
  Mlp model = *Mlp::Create({kInputs, {{kHidden, Activation::kRelu}, {kClasses, Activation::kSoftmax}},
                            Loss::kCategoricalCrossentropy});
  model.InitGlorotUniform(9);
  return model;
}

// A model trained step by step as Trainer does: the optimizer applied in
// on_ready through a reference to the parameters taken once.
struct Training {
  Mlp model = Model();
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(), model.parameters());
  std::vector<Tensor>* parameters = &model.mutable_parameters();
  MlpWorkspace workspace;
  std::vector<Tensor> gradients;

  BatchStats Step(const DataSet& data, std::span<const int64_t> rows, std::span<const int64_t> next_rows = {}) {
    const MatrixView x = *AsInputMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
    EXPECT_TRUE(optimizer.BeginStep(model.parameters()).ok());
    const auto update = [&](std::size_t index, int64_t begin, int64_t end, const float* values) {
      optimizer.UpdateRange(index, begin, end, values, (*parameters)[index]);
    };
    Result<BatchStats> stats = model.ComputeGradients(x, y, rows, &workspace, &gradients, update, next_rows);
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    optimizer.EndStep();
    return stats.ok() ? *stats : BatchStats{};
  }
};

// The epoch's batches: a permutation of the rows cut into kBatch rows each.
std::vector<std::vector<int64_t>> Batches(uint64_t epoch) {
  const std::vector<int64_t> order = RandomStream(epoch, "next_batch_start_test").Permutation(kRows);
  std::vector<std::vector<int64_t>> batches;
  for (int64_t start = 0; start < kRows; start += kBatch) {
    batches.emplace_back(order.begin() + start, order.begin() + std::min(kRows, start + kBatch));
  }
  return batches;
}

void ExpectSameStats(const BatchStats& got, const BatchStats& want, const std::string& what) {
  EXPECT_EQ(std::memcmp(&got.loss_sum, &want.loss_sum, sizeof(double)), 0)
      << what << ": loss " << got.loss_sum << " vs " << want.loss_sum;
  EXPECT_EQ(got.correct, want.correct) << what;
  EXPECT_EQ(got.samples, want.samples) << what;
}

void ExpectSameParameters(const Mlp& got, const Mlp& want, const std::string& what) {
  for (std::size_t p = 0; p < want.parameters().size(); ++p) {
    const std::span<const float> a = got.parameters()[p].values<float>(), b = want.parameters()[p].values<float>();
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << what << ": " << Mlp::ParameterName(p);
  }
}

class NextBatchStartTest : public ::testing::TestWithParam<Data> {};

// Two epochs, every step but each epoch's last handing over the next
// batch's rows: every step's figures and the final parameters are those of
// the same steps without next_rows.
TEST_P(NextBatchStartTest, StartingTheNextBatchEarlyChangesNoBit) {
  const DataSet data = MakeData(GetParam());
  Training plain, early;
  for (uint64_t epoch = 1; epoch <= 2; ++epoch) {
    const std::vector<std::vector<int64_t>> batches = Batches(epoch);
    for (std::size_t b = 0; b < batches.size(); ++b) {
      const std::span<const int64_t> next =
          b + 1 < batches.size() ? std::span<const int64_t>(batches[b + 1]) : std::span<const int64_t>();
      const std::string what = "epoch " + std::to_string(epoch) + ", batch " + std::to_string(b);
      ExpectSameStats(early.Step(data, batches[b], next), plain.Step(data, batches[b]), what);
    }
  }
  ExpectSameParameters(early.model, plain.model, "after two epochs");
}

INSTANTIATE_TEST_SUITE_P(Inputs, NextBatchStartTest,
                         ::testing::Values(Data::kFloatsWithZeros, Data::kFloatsWithoutZeros, Data::kCodesWithZeros,
                                           Data::kCodesWithTwoZeroCodes),
                         [](const ::testing::TestParamInfo<Data>& info) -> std::string {
                           switch (info.param) {
                             case Data::kFloatsWithZeros: return "FloatsWithZeros";
                             case Data::kFloatsWithoutZeros: return "FloatsWithoutZeros";
                             case Data::kCodesWithZeros: return "CodesWithZeros";
                             case Data::kCodesWithTwoZeroCodes: return "CodesWithTwoZeroCodes";
                           }
                           return "Unknown";
                         });

void ZeroFirstKernel(std::vector<Tensor>& parameters) {
  for (float& w : parameters[0].values<float>()) w = 0.0f;
}

// The proof that the next call uses the early work rather than redoing it:
// a change it cannot see (the first kernel zeroed through the reference
// taken before the steps) does not reach the batch's loss, which is the
// loss of the unchanged model. Zeroing it through mutable_parameters(),
// which the next call does see, changes the loss: the work is redone.
TEST(NextBatchStartUseTest, TheNextCallUsesTheWorkAndRedoesItAfterAChange) {
  const DataSet data = MakeData(Data::kFloatsWithZeros);
  const std::vector<std::vector<int64_t>> batches = Batches(1);
  Training unchanged, hidden_change, seen_change, changed_plainly;
  unchanged.Step(data, batches[0]);
  hidden_change.Step(data, batches[0], batches[1]);
  seen_change.Step(data, batches[0], batches[1]);
  changed_plainly.Step(data, batches[0]);
  ZeroFirstKernel(*hidden_change.parameters);
  ZeroFirstKernel(seen_change.model.mutable_parameters());
  ZeroFirstKernel(changed_plainly.model.mutable_parameters());

  const BatchStats want_unchanged = unchanged.Step(data, batches[1]);
  const BatchStats want_changed = changed_plainly.Step(data, batches[1]);
  ASSERT_NE(want_unchanged.loss_sum, want_changed.loss_sum) << "the change must show in the loss";
  ExpectSameStats(hidden_change.Step(data, batches[1]), want_unchanged, "change unseen: the early work is used");
  ExpectSameStats(seen_change.Step(data, batches[1]), want_changed, "change seen: the work is redone");
}

// Parameters replaced with SetParameters count as a change too.
TEST(NextBatchStartUseTest, SetParametersCountsAsAChange) {
  const DataSet data = MakeData(Data::kFloatsWithZeros);
  const std::vector<std::vector<int64_t>> batches = Batches(1);
  Training early, plain;
  early.Step(data, batches[0], batches[1]);
  plain.Step(data, batches[0]);
  std::vector<Tensor> zeroed = early.model.parameters();
  zeroed[0] = Tensor(DType::kFloat32, zeroed[0].shape());
  ASSERT_TRUE(early.model.SetParameters(zeroed).ok());
  ASSERT_TRUE(plain.model.SetParameters(zeroed).ok());
  ExpectSameStats(early.Step(data, batches[1]), plain.Step(data, batches[1]), "after SetParameters");
  ExpectSameParameters(early.model, plain.model, "after SetParameters");
}

// A call that is not the announced one (other rows, another x) or that
// follows another use of the workspace gets the bits of a call without any
// early work before it.
TEST(NextBatchStartUseTest, AnotherBatchOrAnotherUseOfTheWorkspaceIsComputedAfresh) {
  const DataSet data = MakeData(Data::kFloatsWithZeros);
  const DataSet other_x = MakeData(Data::kFloatsWithZeros, 8);
  const std::vector<std::vector<int64_t>> batches = Batches(1);
  const std::vector<int64_t> other_rows = Batches(2)[1];
  {
    Training early, plain;
    plain.Step(data, batches[0]);
    early.Step(data, batches[0], batches[1]);
    ExpectSameStats(early.Step(data, other_rows), plain.Step(data, other_rows), "other rows");
    ExpectSameParameters(early.model, plain.model, "other rows");
  }
  {
    Training early, plain;
    plain.Step(data, batches[0]);
    early.Step(data, batches[0], batches[1]);
    ExpectSameStats(early.Step(other_x, batches[1]), plain.Step(other_x, batches[1]), "another x");
    ExpectSameParameters(early.model, plain.model, "another x");
  }
  {
    Training early, plain;
    plain.Step(data, batches[0]);
    early.Step(data, batches[0], batches[1]);
    const MatrixView x = *AsMatrix(other_x.x, "x"), y = *AsMatrix(other_x.y, "y");
    ASSERT_TRUE(early.model.EvaluateBatch(x.Rows(0, kBatch), y.Rows(0, kBatch), &early.workspace).ok());
    ExpectSameStats(early.Step(data, batches[1]), plain.Step(data, batches[1]), "after an evaluation");
    ExpectSameParameters(early.model, plain.model, "after an evaluation");
  }
  {
    Training early, plain;
    plain.Step(data, batches[0]);
    early.Step(data, batches[0], batches[1]);
    early.workspace.DiscardNextBatchStart();
    ZeroFirstKernel(*early.parameters);  // unseen, but the work was discarded
    ZeroFirstKernel(*plain.parameters);
    ExpectSameStats(early.Step(data, batches[1]), plain.Step(data, batches[1]), "after DiscardNextBatchStart");
  }
}

// Trainer hands each shuffled step the next batch's rows: two epochs end
// with the parameters of the same batches trained with Optimizer::Apply
// after each pass, which involves no early work at all.
TEST(NextBatchStartTrainerTest, ShuffledEpochsGiveTheBitsOfApplyingEachPass) {
  const DataSet data = MakeData(Data::kCodesWithZeros);
  Mlp trained = Model();
  Trainer trainer = *Trainer::Create(Model(), *Optimizer::Create(OptimizerConfig::Rmsprop(), trained.parameters()),
                                     {.batch_size = kBatch, .shuffle = true}, RandomStream(3, "shuffle"));
  for (int epoch = 0; epoch < 2; ++epoch) ASSERT_TRUE(trainer.RunEpoch(data.x, data.y).ok());

  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(), trained.parameters());
  RandomStream shuffle(3, "shuffle");
  const MatrixView x = *AsInputMatrix(data.x, "x"), y = *AsMatrix(data.y, "y");
  MlpWorkspace ws;
  std::vector<Tensor> gradients;
  for (int epoch = 0; epoch < 2; ++epoch) {
    const std::vector<int64_t> order = shuffle.Permutation(kRows);
    for (int64_t start = 0; start < kRows; start += kBatch) {
      const std::span<const int64_t> rows(order.data() + start, static_cast<std::size_t>(std::min(kBatch, kRows - start)));
      ASSERT_TRUE(trained.ComputeGradients(x, y, rows, &ws, &gradients).ok());
      ASSERT_TRUE(optimizer.Apply(gradients, &trained.mutable_parameters()).ok());
    }
  }
  ExpectSameParameters(trainer.model(), trained, "two shuffled epochs");
}

}  // namespace
}  // namespace runexp::nn
