// An input x kept as 8-bit codes with a value table (Tensor::value_table,
// MatrixView::encoded) must give exactly the bits of the float32 tensor it
// stands for: in prediction, evaluation, gradients of ordered and shuffled
// batches, and whole training epochs; with a split first layer (whose input
// pieces decode their own columns and skip the zero ones, found from the
// codes when one code alone is zero) and without.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "runexp/nn/matrix_view.h"
#include "runexp/nn/mlp.h"
#include "runexp/nn/optimizer.h"
#include "runexp/nn/random.h"
#include "runexp/nn/trainer.h"
#include "runexp/tensor.h"

namespace runexp::nn {
namespace {

struct Inputs {
  Tensor codes;    // uint8 (rows, cols) with a value table
  Tensor decoded;  // float32 (rows, cols): table[code]
  Tensor y;        // one-hot (rows, classes)
};

// Codes drawn from a stream; the columns listed in `zero_columns` hold code 0
// in every row. `table` gives each code's value.
Inputs MakeInputs(int64_t rows, int64_t cols, int64_t classes, std::shared_ptr<const Tensor::ValueTable> table,
                  const std::vector<int64_t>& zero_columns) {
  RandomStream stream(3, "encoded_inputs_test");
  Inputs in{Tensor(DType::kUInt8, {rows, cols}), Tensor(DType::kFloat32, {rows, cols}),
            Tensor(DType::kFloat32, {rows, classes})};
  std::span<uint8_t> codes = in.codes.values<uint8_t>();
  for (uint8_t& code : codes) code = static_cast<uint8_t>(stream.UniformInt(256));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c : zero_columns) codes[static_cast<std::size_t>(r * cols + c)] = 0;
    in.y.values<float>()[static_cast<std::size_t>(r * classes + static_cast<int64_t>(stream.UniformInt(
                                                                        static_cast<uint64_t>(classes))))] = 1.0f;
  }
  for (std::size_t i = 0; i < codes.size(); ++i) in.decoded.values<float>()[i] = (*table)[codes[i]];
  EXPECT_TRUE(in.codes.set_value_table(std::move(table)));
  return in;
}

// code / 255, as MNIST's normalisation: code 0 is +0, so zero columns are skipped.
std::shared_ptr<const Tensor::ValueTable> DivideTable() {
  auto table = std::make_shared<Tensor::ValueTable>();
  for (int v = 0; v < 256; ++v) (*table)[static_cast<std::size_t>(v)] = static_cast<float>(v) * (1.0f / 255.0f);
  return table;
}

// Standardised: no code is zero, so nothing is skipped; some are negative.
std::shared_ptr<const Tensor::ValueTable> StandardizeTable() {
  auto table = std::make_shared<Tensor::ValueTable>();
  for (int v = 0; v < 256; ++v) (*table)[static_cast<std::size_t>(v)] = static_cast<float>(v) * 0.0129f - 0.4242f;
  return table;
}

void ExpectSameBits(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_EQ(a.shape(), b.shape()) << what;
  EXPECT_EQ(0, std::memcmp(a.bytes().data(), b.bytes().data(), a.num_bytes())) << what << " differs";
}

void ExpectSameStats(const BatchStats& a, const BatchStats& b, const std::string& what) {
  EXPECT_EQ(a.loss_sum, b.loss_sum) << what;
  EXPECT_EQ(a.correct, b.correct) << what;
  EXPECT_EQ(a.samples, b.samples) << what;
}

Mlp Model(int64_t inputs, int64_t hidden, int64_t classes, Activation activation = Activation::kRelu) {
  Mlp model = *Mlp::Create({inputs, {{hidden, activation}, {classes, Activation::kSoftmax}},
                            Loss::kCategoricalCrossentropy});
  model.InitGlorotUniform(11);
  return model;
}

// Code 51 alone is zero: columns of 51s are skipped, marked from the codes.
std::shared_ptr<const Tensor::ValueTable> ZeroAt51Table() {
  auto table = std::make_shared<Tensor::ValueTable>();
  for (int v = 0; v < 256; ++v) (*table)[static_cast<std::size_t>(v)] = static_cast<float>(v - 51) * 0.01f;
  return table;
}

// Codes 0 (+0) and 200 (-0) are both zero: the batch is decoded first and
// marked from its floats, as a float32 x would be.
std::shared_ptr<const Tensor::ValueTable> TwoZerosTable() {
  auto table = std::make_shared<Tensor::ValueTable>(*DivideTable());
  (*table)[200] = -0.0f;
  return table;
}

enum class Table { kDivide, kStandardize, kZeroAt51, kTwoZeros };

struct Case {
  const char* name;
  int64_t inputs, hidden;  // 260 × 512 splits the first layer into four pieces; 13 × 16 does not
  Table table;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class EncodedInputsTest : public ::testing::TestWithParam<Case> {
 protected:
  static constexpr int64_t kRows = 70, kClasses = 5;
  Inputs MakeCaseInputs() const {
    const Case& c = GetParam();
    // In the split case a third of piece 0's columns and all of piece 3's
    // hold code 0 (51 for kZeroAt51; 200 in every fifth row for kTwoZeros).
    std::vector<int64_t> zero;
    for (int64_t col = 0; col < c.inputs; ++col) {
      if (c.inputs > 100 && ((col < 65 && col % 3 == 0) || col >= 195)) zero.push_back(col);
      if (c.inputs <= 100 && col % 4 == 1) zero.push_back(col);
    }
    Inputs in = MakeInputs(kRows, c.inputs, kClasses,
                           c.table == Table::kDivide        ? DivideTable()
                           : c.table == Table::kStandardize ? StandardizeTable()
                           : c.table == Table::kZeroAt51    ? ZeroAt51Table()
                                                            : TwoZerosTable(),
                           zero);
    const uint8_t zero_code = c.table == Table::kZeroAt51 ? 51 : 200;
    if (c.table == Table::kZeroAt51 || c.table == Table::kTwoZeros) {
      for (int64_t r = 0; r < kRows; ++r) {
        for (int64_t col : zero) {
          if (c.table == Table::kTwoZeros && r % 5 != 0) continue;
          const std::size_t i = static_cast<std::size_t>(r * c.inputs + col);
          in.codes.values<uint8_t>()[i] = zero_code;
          in.decoded.values<float>()[i] = (*in.codes.value_table())[zero_code];
        }
      }
    }
    return in;
  }
};

TEST_P(EncodedInputsTest, PredictAndEvaluateGiveTheFloatBits) {
  const Inputs in = MakeCaseInputs();
  const Mlp model = Model(GetParam().inputs, GetParam().hidden, kClasses);
  for (int64_t batch : {int64_t{1}, int64_t{32}, kRows}) {
    const std::string what = "batch " + std::to_string(batch);
    ExpectSameBits(*model.Predict(in.codes, batch), *model.Predict(in.decoded, batch), "predict, " + what);
    ExpectSameStats(*Evaluate(model, in.codes, in.y, batch), *Evaluate(model, in.decoded, in.y, batch),
                    "evaluate, " + what);
  }
}

TEST_P(EncodedInputsTest, GradientsOfOrderedAndShuffledBatchesGiveTheFloatBits) {
  const Inputs in = MakeCaseInputs();
  const Mlp model = Model(GetParam().inputs, GetParam().hidden, kClasses);
  const MatrixView codes = *AsInputMatrix(in.codes, "x"), floats = *AsMatrix(in.decoded, "x");
  const MatrixView y = *AsMatrix(in.y, "y");
  ASSERT_TRUE(codes.encoded());
  MlpWorkspace ws_codes, ws_floats;
  std::vector<Tensor> g_codes, g_floats;
  ExpectSameStats(*model.ComputeGradients(codes.Rows(5, 45), y.Rows(5, 45), &ws_codes, &g_codes),
                  *model.ComputeGradients(floats.Rows(5, 45), y.Rows(5, 45), &ws_floats, &g_floats), "ordered");
  for (std::size_t i = 0; i < g_codes.size(); ++i) ExpectSameBits(g_codes[i], g_floats[i], "ordered gradient");
  const std::vector<int64_t> rows = {69, 3, 3, 40, 0, 17, 68, 22, 51, 9, 30, 61};
  ExpectSameStats(*model.ComputeGradients(codes, y, rows, &ws_codes, &g_codes),
                  *model.ComputeGradients(floats, y, rows, &ws_floats, &g_floats), "shuffled");
  for (std::size_t i = 0; i < g_codes.size(); ++i) ExpectSameBits(g_codes[i], g_floats[i], "shuffled gradient");
}

TEST_P(EncodedInputsTest, TrainingEpochsGiveTheFloatBits) {
  const Inputs in = MakeCaseInputs();
  const auto trainer = [&](bool shuffle) {
    Mlp model = Model(GetParam().inputs, GetParam().hidden, kClasses);
    Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(0.001f), model.parameters());
    return *Trainer::Create(std::move(model), std::move(optimizer),
                            {.batch_size = 16, .shuffle = shuffle, .validation_split = 0.2},
                            RandomStream(5, "encoded_inputs_test/shuffle"));
  };
  for (bool shuffle : {true, false}) {
    Trainer from_codes = trainer(shuffle), from_floats = trainer(shuffle);
    for (int epoch = 0; epoch < 2; ++epoch) {
      const EpochMetrics a = *from_codes.RunEpoch(in.codes, in.y);
      const EpochMetrics b = *from_floats.RunEpoch(in.decoded, in.y);
      ExpectSameStats(a.train, b.train, "train");
      ExpectSameStats(*a.validation, *b.validation, "validation");
    }
    for (std::size_t i = 0; i < from_codes.model().parameters().size(); ++i) {
      ExpectSameBits(from_codes.model().parameters()[i], from_floats.model().parameters()[i],
                     Mlp::ParameterName(i) + (shuffle ? ", shuffled" : ", in order"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, EncodedInputsTest,
                         ::testing::Values(Case{"SplitFirstLayerDivided", 260, 512, Table::kDivide},
                                           Case{"SplitFirstLayerStandardized", 260, 512, Table::kStandardize},
                                           Case{"SplitFirstLayerZeroAt51", 260, 512, Table::kZeroAt51},
                                           Case{"SplitFirstLayerTwoZeroCodes", 260, 512, Table::kTwoZeros},
                                           Case{"WholeFirstLayerDivided", 13, 16, Table::kDivide},
                                           Case{"WholeFirstLayerStandardized", 13, 16, Table::kStandardize}),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// A NaN kernel row under a column that is zero in the whole batch never
// reaches the output when the column is skipped (zero_inputs_test.cc; a
// linear hidden layer, as relu turns NaN into 0). So the outputs show which
// columns an encoded batch skips: columns 0-11 of the first input piece
// (of 65), whose codes all mean zero, must be; column 12, all code 0, must
// not be where code 0 is not zero.
TEST(EncodedInputsSkipTest, TheCodesSayWhichColumnsAreZero) {
  constexpr int64_t kInputs = 260, kRows = 24;
  Mlp model = Model(kInputs, 512, 5, Activation::kLinear);
  float* kernel = model.mutable_parameters()[0].values<float>().data();
  for (int64_t u = 0; u < 512; ++u) kernel[10 * 512 + u] = std::numeric_limits<float>::quiet_NaN();
  for (Table which : {Table::kDivide, Table::kZeroAt51, Table::kTwoZeros}) {
    Inputs in = MakeInputs(kRows, kInputs, 5,
                           which == Table::kDivide ? DivideTable() : which == Table::kZeroAt51 ? ZeroAt51Table() : TwoZerosTable(),
                           {});
    for (int64_t r = 0; r < kRows; ++r) {
      uint8_t zero = which == Table::kZeroAt51 ? 51 : (which == Table::kTwoZeros && r % 2 == 1) ? 200 : 0;
      for (int64_t col = 0; col <= 12; ++col) {
        const uint8_t code = col < 12 ? zero : 0;
        const std::size_t i = static_cast<std::size_t>(r * kInputs + col);
        in.codes.values<uint8_t>()[i] = code;
        in.decoded.values<float>()[i] = (*in.codes.value_table())[code];
      }
    }
    const Tensor from_codes = *model.Predict(in.codes, kRows);
    for (float v : from_codes.values<float>()) ASSERT_TRUE(std::isfinite(v)) << "column 10 was not skipped";
    // And column 12 is skipped exactly when the floats skip it (code 0 is
    // -0.51 in the kZeroAt51 table: skipping it would change the output).
    ExpectSameBits(from_codes, *model.Predict(in.decoded, kRows), "skipping the same columns as floats");
  }
}

TEST(EncodedInputsViewTest, ReadRowDecodesAnyColumnRange) {
  const Inputs in = MakeInputs(3, 37, 2, StandardizeTable(), {});
  const MatrixView view = *AsInputMatrix(in.codes, "x");
  std::vector<float> row(37);
  for (int64_t r = 0; r < 3; ++r) {
    for (int64_t begin : {0, 1, 16, 36}) {
      view.ReadRow(r, begin, 37, row.data());
      EXPECT_EQ(0, std::memcmp(row.data(), in.decoded.values<float>().data() + r * 37 + begin,
                               static_cast<std::size_t>(37 - begin) * sizeof(float)))
          << "row " << r << " from column " << begin;
    }
  }
  const MatrixView tail = view.Rows(1, 3);
  EXPECT_EQ(tail.rows, 2);
  tail.ReadRow(1, 0, 37, row.data());
  EXPECT_EQ(0, std::memcmp(row.data(), in.decoded.values<float>().data() + 2 * 37, 37 * sizeof(float)));
}

TEST(EncodedInputsViewTest, OnlyATabledUint8TensorIsAnEncodedInput) {
  Tensor bytes(DType::kUInt8, {4, 3});
  Result<MatrixView> untabled = AsInputMatrix(bytes, "train x");
  ASSERT_FALSE(untabled.ok());
  EXPECT_NE(untabled.status().message().find("train x: a uint8 tensor (4, 3) without a value table"),
            std::string::npos)
      << untabled.status().ToString();
  Result<MatrixView> int16 = AsInputMatrix(Tensor(DType::kInt16, {4, 3}), "x");
  ASSERT_FALSE(int16.ok());
  EXPECT_NE(int16.status().message().find("x: expected a rank-2 float32 tensor, or rank-2 uint8 codes with a value "
                                          "table (reshape_normalize's storage = \"uint8_table\"), got int16 (4, 3)"),
            std::string::npos)
      << int16.status().ToString();
  EXPECT_TRUE(bytes.set_value_table(DivideTable()));
  EXPECT_TRUE(AsInputMatrix(bytes, "x").ok());
  EXPECT_FALSE(AsMatrix(bytes, "y").ok()) << "targets and other matrices stay float32";
  EXPECT_FALSE(AsInputMatrix(Tensor(DType::kUInt8, {12}), "x").ok()) << "rank 1";
  Tensor floats(DType::kFloat32, {2, 2});
  EXPECT_FALSE(floats.set_value_table(DivideTable()));
  EXPECT_EQ(floats.value_table(), nullptr);
}

TEST(EncodedInputsViewTest, CopiesAndReshapesKeepTheTable) {
  Tensor bytes(DType::kUInt8, {2, 6});
  bytes.values<uint8_t>()[7] = 200;
  ASSERT_TRUE(bytes.set_value_table(DivideTable()));
  Tensor copy = bytes;
  ASSERT_TRUE(copy.Reshape({3, 4}));
  ASSERT_NE(copy.value_table(), nullptr);
  EXPECT_EQ((*copy.value_table())[200], 200.0f * (1.0f / 255.0f));
  EXPECT_EQ(copy.values<uint8_t>()[7], 200);
  Tensor assigned;
  assigned = copy;
  EXPECT_EQ(assigned.value_table(), bytes.value_table());
}

}  // namespace
}  // namespace runexp::nn
