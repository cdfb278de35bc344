// The real data sets: MNIST (plain) and Fashion-MNIST (gzip), from
// $RUNEXP_DATA_DIR, which ctest sets. Missing data is a failure, not a skip:
// a suite that silently skips its only real-data check proves nothing.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "idx_file.h"

namespace runexp::idx {
namespace {

constexpr const char* kFetchHint =
    "The data sets are missing: run scripts/fetch-data.sh, then run the tests through ctest "
    "(which sets RUNEXP_DATA_DIR to the data directory).";

::testing::AssertionResult LoadDataFile(const std::string& relative, Tensor& out,
                                        const ReadOptions& options = {}) {
  const char* dir = std::getenv("RUNEXP_DATA_DIR");
  if (dir == nullptr || *dir == '\0') {
    return ::testing::AssertionFailure() << "RUNEXP_DATA_DIR is not set. " << kFetchHint;
  }
  const std::string path = std::string(dir) + "/" + relative;
  Result<Tensor> tensor = ReadIdxFile(path, options);
  if (!tensor.ok()) {
    return ::testing::AssertionFailure() << tensor.status().ToString() << "\n" << kFetchHint;
  }
  out = std::move(tensor).value();
  return ::testing::AssertionSuccess();
}

std::vector<int> FirstLabels(const Tensor& labels, std::size_t n) {
  std::span<const uint8_t> values = labels.values<uint8_t>();
  return {values.begin(), values.begin() + static_cast<std::ptrdiff_t>(std::min(n, values.size()))};
}

std::array<int64_t, 10> CountPerClass(const Tensor& labels) {
  std::array<int64_t, 10> counts{};
  for (uint8_t label : labels.values<uint8_t>()) {
    if (label < counts.size()) ++counts[label];
  }
  return counts;
}

TEST(MnistTest, TrainingSet) {
  Tensor images, labels;
  ASSERT_TRUE(LoadDataFile("mnist/train-images-idx3-ubyte", images));
  ASSERT_TRUE(LoadDataFile("mnist/train-labels-idx1-ubyte", labels));
  EXPECT_EQ(images.dtype(), DType::kUInt8);
  EXPECT_EQ(images.shape(), (Shape{60000, 28, 28}));
  EXPECT_EQ(labels.dtype(), DType::kUInt8);
  EXPECT_EQ(labels.shape(), (Shape{60000}));
  EXPECT_EQ(FirstLabels(labels, 10), (std::vector<int>{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}));
}

TEST(MnistTest, TestSet) {
  Tensor images, labels;
  ASSERT_TRUE(LoadDataFile("mnist/t10k-images-idx3-ubyte", images));
  ASSERT_TRUE(LoadDataFile("mnist/t10k-labels-idx1-ubyte", labels));
  EXPECT_EQ(images.dtype(), DType::kUInt8);
  EXPECT_EQ(images.shape(), (Shape{10000, 28, 28}));
  EXPECT_EQ(labels.dtype(), DType::kUInt8);
  EXPECT_EQ(labels.shape(), (Shape{10000}));
  EXPECT_EQ(FirstLabels(labels, 10), (std::vector<int>{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}));
}

TEST(MnistTest, LimitGivesTheFirstImages) {
  Tensor all, first;
  ASSERT_TRUE(LoadDataFile("mnist/train-images-idx3-ubyte", all));
  ASSERT_TRUE(LoadDataFile("mnist/train-images-idx3-ubyte", first, {.limit = 3}));
  ASSERT_EQ(first.shape(), (Shape{3, 28, 28}));
  std::span<const uint8_t> a = all.values<uint8_t>();
  std::span<const uint8_t> f = first.values<uint8_t>();
  EXPECT_TRUE(std::equal(f.begin(), f.end(), a.begin()));
}

TEST(FashionMnistTest, TrainingSetFromGzip) {
  Tensor images, labels;
  ASSERT_TRUE(LoadDataFile("fashion-mnist/train-images-idx3-ubyte.gz", images));
  ASSERT_TRUE(LoadDataFile("fashion-mnist/train-labels-idx1-ubyte.gz", labels));
  EXPECT_EQ(images.dtype(), DType::kUInt8);
  EXPECT_EQ(images.shape(), (Shape{60000, 28, 28}));
  EXPECT_EQ(labels.shape(), (Shape{60000}));
  // Fashion-MNIST is balanced: 6000 training images per class.
  std::array<int64_t, 10> expected;
  expected.fill(6000);
  EXPECT_EQ(CountPerClass(labels), expected);
}

TEST(FashionMnistTest, TestSetFromGzip) {
  Tensor images, labels;
  ASSERT_TRUE(LoadDataFile("fashion-mnist/t10k-images-idx3-ubyte.gz", images));
  ASSERT_TRUE(LoadDataFile("fashion-mnist/t10k-labels-idx1-ubyte.gz", labels));
  EXPECT_EQ(images.shape(), (Shape{10000, 28, 28}));
  ASSERT_EQ(labels.dtype(), DType::kUInt8);
  ASSERT_EQ(labels.shape(), (Shape{10000}));
  for (uint8_t label : labels.values<uint8_t>()) ASSERT_LE(label, 9);
  // Every label in 0..9 and balanced: 1000 test images per class.
  std::array<int64_t, 10> expected;
  expected.fill(1000);
  EXPECT_EQ(CountPerClass(labels), expected);
}

}  // namespace
}  // namespace runexp::idx
