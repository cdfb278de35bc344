#include <gtest/gtest.h>

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

}  // namespace
}  // namespace runexp
