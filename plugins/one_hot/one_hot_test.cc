#include <gtest/gtest.h>

#include "builtin_spec.h"
#include "runexp/tensor.h"
#include "runexp/testing/stage_harness.h"

namespace runexp {
namespace {

const PluginSpec& OneHot() { return testing::BuiltinSpec("one_hot"); }

Tensor Labels(std::vector<uint8_t> values) {
  Tensor t(DType::kUInt8, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.values<uint8_t>().begin());
  return t;
}

TEST(OneHotTest, EncodesEachLabelAsOneRow) {
  testing::StageHarness harness(OneHot(), {{"classes", 4}});
  harness.SetInput("input", Packet::Make<Tensor>(Labels({2, 0, 3})));
  ASSERT_TRUE(harness.Open().ok());
  const Tensor& out = harness.Emitted("output").at(0).Get<Tensor>();
  EXPECT_EQ(out.shape(), (Shape{3, 4}));
  std::vector<float> expected{0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(std::vector<float>(out.values<float>().begin(), out.values<float>().end()), expected);
}

TEST(OneHotTest, LabelOutOfRangeNamesIndexAndValue) {
  testing::StageHarness harness(OneHot(), {{"classes", 10}});
  harness.SetInput("input", Packet::Make<Tensor>(Labels({1, 9, 12, 3})));
  Status status = harness.Open();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "label at index 2 is 12, outside [0, 10)");
  EXPECT_TRUE(harness.Emitted("output").empty());
}

TEST(OneHotTest, NegativeSignedLabelIsRejected) {
  Tensor labels(DType::kInt32, {2});
  labels.values<int32_t>()[1] = -1;
  testing::StageHarness harness(OneHot(), {{"classes", 3}});
  harness.SetInput("input", Packet::Make<Tensor>(labels));
  EXPECT_EQ(harness.Open().message(), "label at index 1 is -1, outside [0, 3)");
}

TEST(OneHotTest, RejectsFloatLabelsAndMatrices) {
  testing::StageHarness floats(OneHot(), {{"classes", 3}});
  floats.SetInput("input", Packet::Make<Tensor>(Tensor(DType::kFloat32, {2})));
  EXPECT_NE(floats.Open().message().find("labels must be integers, got float32"), std::string::npos);

  testing::StageHarness matrix(OneHot(), {{"classes", 3}});
  matrix.SetInput("input", Packet::Make<Tensor>(Tensor(DType::kUInt8, {2, 2})));
  EXPECT_NE(matrix.Open().message().find("got shape (2, 2)"), std::string::npos);
}

}  // namespace
}  // namespace runexp
