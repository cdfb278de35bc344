#include "runexp/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

namespace runexp {
namespace {

TEST(TensorTest, ShapeCountsAndZeroFill) {
  Tensor t(DType::kFloat32, {3, 4});
  EXPECT_EQ(t.num_elements(), 12);
  EXPECT_EQ(t.num_bytes(), 48u);
  EXPECT_EQ(t.rank(), 2);
  for (float v : t.values<float>()) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.bytes().data()) % 64, 0u);
}

TEST(TensorTest, CopyIsDeep) {
  Tensor a(DType::kInt32, {2});
  a.values<int32_t>()[0] = 7;
  Tensor b = a;
  b.values<int32_t>()[0] = 9;
  EXPECT_EQ(a.values<int32_t>()[0], 7);
  EXPECT_EQ(b.values<int32_t>()[0], 9);
}

TEST(TensorTest, ReshapeKeepsElementCount) {
  Tensor t(DType::kUInt8, {2, 28, 28});
  EXPECT_TRUE(t.Reshape({2, 784}));
  EXPECT_EQ(ShapeToString(t.shape()), "(2, 784)");
  EXPECT_FALSE(t.Reshape({2, 785}));
  EXPECT_EQ(ShapeToString(t.shape()), "(2, 784)");
}

TEST(TensorTest, WrongTypedAccessIsAProgrammingError) {
  Tensor t(DType::kUInt8, {4});
  EXPECT_THROW(t.values<float>(), std::logic_error);
}

TEST(TensorTest, DTypeNamesAndSizes) {
  EXPECT_EQ(DTypeName(DType::kFloat64), "float64");
  EXPECT_EQ(DTypeSize(DType::kInt16), 2u);
  EXPECT_EQ(DTypeSize(DType::kFloat64), 8u);
}

}  // namespace
}  // namespace runexp
