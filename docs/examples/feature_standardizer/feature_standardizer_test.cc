// The feature_standardizer stage on small tensors, without a graph: the
// StageHarness of runexp::testing feeds it packets and keeps what it emits.
#include "feature_standardizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

#include "runexp/tensor.h"
#include "runexp/testing/stage_harness.h"

namespace feature_standardizer {
namespace {

using runexp::Packet;
using runexp::Tensor;
using runexp::testing::StageHarness;

Packet Floats(runexp::Shape shape, std::vector<float> values) {
  Tensor tensor(runexp::DType::kFloat32, std::move(shape));
  std::copy(values.begin(), values.end(), tensor.values<float>().begin());
  return Packet::Make(std::move(tensor));
}

std::vector<float> Values(const Packet& packet) {
  std::span<const float> values = packet.Get<Tensor>().values<float>();
  return {values.begin(), values.end()};
}

// Two records of two features: the first has mean 2 and standard deviation
// 1, the second is constant.
const std::vector<float> kFit{1, 10,
                              3, 10};

TEST(FeatureStandardizerTest, GivesEachFeatureZeroMeanAndUnitVariance) {
  const runexp::PluginSpec spec = Spec();
  StageHarness harness(spec, {});
  harness.SetInput("fit", Floats({2, 2}, kFit));
  ASSERT_TRUE(harness.Open().ok());
  EXPECT_EQ(Values(harness.Emitted("output").at(0)), (std::vector<float>{-1, 0, 1, 0}));
}

TEST(FeatureStandardizerTest, AppliesTheStatisticsOfFitToInput) {
  const runexp::PluginSpec spec = Spec();
  StageHarness harness(spec, {});
  harness.SetInput("fit", Floats({2, 2}, kFit));
  harness.SetInput("input", Floats({3, 2}, {5, 12, 2, 10, 0, 7}));
  ASSERT_TRUE(harness.Open().ok());
  EXPECT_EQ(Values(harness.Emitted("output").at(0)), (std::vector<float>{3, 2, 0, 0, -2, -3}));
}

TEST(FeatureStandardizerTest, RejectsRecordsOfAnotherShape) {
  const runexp::PluginSpec spec = Spec();
  StageHarness harness(spec, {});
  harness.SetInput("fit", Floats({2, 2}, kFit));
  harness.SetInput("input", Floats({1, 3}, {1, 2, 3}));
  EXPECT_EQ(harness.Open().message(), "input records have shape (3), fit records have shape (2)");
  EXPECT_TRUE(harness.Emitted("output").empty());
}

TEST(FeatureStandardizerTest, RejectsRecordsThatAreNotFloat32) {
  const runexp::PluginSpec spec = Spec();
  StageHarness harness(spec, {});
  harness.SetInput("fit", Packet::Make(Tensor(runexp::DType::kUInt8, {2, 28, 28})));
  EXPECT_EQ(harness.Open().message(), "fit must be float32 records (N, ...), got uint8 (2, 28, 28) "
                                      "(reshape_normalize converts to float32)");
}

}  // namespace
}  // namespace feature_standardizer
