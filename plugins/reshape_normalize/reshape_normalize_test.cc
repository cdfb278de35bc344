#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

#include "builtin_spec.h"
#include "runexp/tensor.h"
#include "runexp/testing/stage_harness.h"

namespace runexp {
namespace {

const PluginSpec& ReshapeNormalize() { return testing::BuiltinSpec("reshape_normalize"); }

Tensor Images() {  // 2 records of 2x3 bytes: 0, 51, 102, ... 
  Tensor t(DType::kUInt8, {2, 2, 3});
  auto v = t.values<uint8_t>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i * 51 % 256);
  return t;
}

TEST(ReshapeNormalizeTest, FlattensAndDividesToUnitRange) {
  testing::StageHarness harness(ReshapeNormalize(), {{"shape", ParamValue::Array{6}}, {"divide_by", 255.0}});
  harness.SetInput("input", Packet::Make<Tensor>(Images()));
  ASSERT_TRUE(harness.Open().ok());
  const Tensor& out = harness.Emitted("output").at(0).Get<Tensor>();
  EXPECT_EQ(out.dtype(), DType::kFloat32);
  EXPECT_EQ(out.shape(), (Shape{2, 6}));
  EXPECT_FLOAT_EQ(out.values<float>()[0], 0.0f);
  EXPECT_FLOAT_EQ(out.values<float>()[5], 1.0f);   // 255 / 255
  EXPECT_FLOAT_EQ(out.values<float>()[1], 0.2f);   // 51 / 255
}

TEST(ReshapeNormalizeTest, Standardizes) {
  testing::StageHarness harness(
      ReshapeNormalize(),
      {{"shape", ParamValue::Array{3, 2}}, {"scaling", "standardize"}, {"mean", 51.0}, {"std", 51.0}});
  harness.SetInput("input", Packet::Make<Tensor>(Images()));
  ASSERT_TRUE(harness.Open().ok());
  const Tensor& out = harness.Emitted("output").at(0).Get<Tensor>();
  EXPECT_EQ(out.shape(), (Shape{2, 3, 2}));
  EXPECT_FLOAT_EQ(out.values<float>()[0], -1.0f);
  EXPECT_FLOAT_EQ(out.values<float>()[2], 1.0f);  // (102 - 51) / 51
}

TEST(ReshapeNormalizeTest, ShapeMismatchNamesBothShapes) {
  testing::StageHarness harness(ReshapeNormalize(), {{"shape", ParamValue::Array{7}}});
  harness.SetInput("input", Packet::Make<Tensor>(Images()));
  Status status = harness.Open();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "cannot reshape (2, 2, 3) to (2, 7): a record has 6 values, the target shape needs 7");
}

// Every byte value, so the table is checked against the float output for all 256 codes.
Tensor AllBytes() {
  Tensor t(DType::kUInt8, {4, 8, 8});
  auto v = t.values<uint8_t>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>((i * 37 + 11) % 256);
  return t;
}

TEST(ReshapeNormalizeTest, Uint8TableStorageKeepsTheBytesAndDecodesToTheFloatBits) {
  for (const ParamValue::Table& scaling :
       {ParamValue::Table{{"divide_by", 255.0}},
        ParamValue::Table{{"scaling", "standardize"}, {"mean", 33.3}, {"std", 77.7}}}) {
    ParamValue::Table params = scaling;
    params["shape"] = ParamValue::Array{64};
    testing::StageHarness as_floats(ReshapeNormalize(), params);
    params["storage"] = "uint8_table";
    testing::StageHarness as_codes(ReshapeNormalize(), params);
    as_floats.SetInput("input", Packet::Make<Tensor>(AllBytes()));
    as_codes.SetInput("input", Packet::Make<Tensor>(AllBytes()));
    ASSERT_TRUE(as_floats.Open().ok());
    ASSERT_TRUE(as_codes.Open().ok());
    const Tensor& floats = as_floats.Emitted("output").at(0).Get<Tensor>();
    const Tensor& codes = as_codes.Emitted("output").at(0).Get<Tensor>();
    EXPECT_EQ(codes.dtype(), DType::kUInt8);
    EXPECT_EQ(codes.shape(), (Shape{4, 64}));
    ASSERT_NE(codes.value_table(), nullptr);
    EXPECT_EQ(codes.bytes().data(), as_codes.Input("input").Get<Tensor>().bytes().data())
        << "the codes are the input's bytes, not a copy";
    const Tensor input = AllBytes();
    for (std::size_t i = 0; i < floats.values<float>().size(); ++i) {
      ASSERT_EQ(codes.values<uint8_t>()[i], input.values<uint8_t>()[i]) << "element " << i;
      const float decoded = (*codes.value_table())[codes.values<uint8_t>()[i]];
      ASSERT_EQ(std::bit_cast<uint32_t>(decoded), std::bit_cast<uint32_t>(floats.values<float>()[i]))
          << "element " << i << " (code " << int{codes.values<uint8_t>()[i]} << ")";
    }
  }
}

TEST(ReshapeNormalizeTest, Uint8TableStorageRefusesOtherInputTypes) {
  testing::StageHarness harness(ReshapeNormalize(), {{"shape", ParamValue::Array{6}}, {"storage", "uint8_table"}});
  harness.SetInput("input", Packet::Make<Tensor>(Tensor(DType::kInt16, {2, 6})));
  Status status = harness.Open();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "storage = \"uint8_table\" keeps uint8 records as codes, but the input is int16; use storage = "
            "\"float32\"");
  EXPECT_TRUE(harness.Emitted("output").empty());
}

}  // namespace
}  // namespace runexp
