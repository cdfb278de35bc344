#include "runexp/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

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

// Tensors of 2 MiB and more live in their own mapping (tensor.cc): they must
// behave exactly like the small ones — zeroed, deep copies, moves that hand
// the memory over (and free it once, which ASan's run of this test checks).
TEST(TensorTest, LargeTensorsAreZeroedCopiedAndMovedLikeSmallOnes) {
  const int64_t rows = 60000, cols = 784;  // MNIST's training set, 188 MB
  Tensor a(DType::kFloat32, {rows, cols});
  std::span<float> values = a.values<float>();
  ASSERT_EQ(values.size(), static_cast<std::size_t>(rows * cols));
  EXPECT_EQ(values.front(), 0.0f);
  EXPECT_EQ(values[values.size() / 2], 0.0f);
  EXPECT_EQ(values.back(), 0.0f);
  values.back() = 3.0f;
  values.front() = 1.0f;

  Tensor copy = a;
  copy.values<float>().front() = 2.0f;
  EXPECT_EQ(a.values<float>().front(), 1.0f);
  EXPECT_EQ(copy.values<float>().back(), 3.0f);

  Tensor moved = std::move(copy);
  EXPECT_EQ(moved.values<float>().front(), 2.0f);
  EXPECT_EQ(moved.values<float>().back(), 3.0f);
  copy = std::move(moved);  // assigned back over a moved-from tensor
  EXPECT_EQ(copy.values<float>().back(), 3.0f);

  // Exactly one huge page and one byte past it: both sizes round the same way.
  Tensor edge(DType::kUInt8, {int64_t{2} << 20});
  Tensor past(DType::kUInt8, {(int64_t{2} << 20) + 1});
  EXPECT_EQ(edge.bytes().back(), std::byte{0});
  EXPECT_EQ(past.bytes().back(), std::byte{0});
  past.bytes().back() = std::byte{7};
  EXPECT_EQ(Tensor(past).bytes().back(), std::byte{7});
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

namespace runexp {
namespace {

TEST(TensorTest, SharingBytesOfReadsTheOwnersBytesAndKeepsItAlive) {
  auto owner = std::make_shared<Tensor>(DType::kUInt8, Shape{3, 2, 2});
  for (std::size_t i = 0; i < 12; ++i) owner->values<uint8_t>()[i] = static_cast<uint8_t>(i * 7);
  auto table = std::make_shared<Tensor::ValueTable>();
  ASSERT_TRUE(owner->set_value_table(table));
  const std::byte* bytes = owner->bytes().data();
  Tensor view = Tensor::SharingBytesOf(owner, {3, 4});
  std::weak_ptr<Tensor> watch = owner;
  owner.reset();
  ASSERT_FALSE(watch.expired()) << "the view holds its owner";
  EXPECT_EQ(view.bytes().data(), bytes) << "no copy";
  EXPECT_EQ(view.shape(), (Shape{3, 4}));
  EXPECT_EQ(view.dtype(), DType::kUInt8);
  EXPECT_EQ(view.value_table(), table);
  EXPECT_EQ(view.values<uint8_t>()[11], 77);
  Tensor copy = view;  // an ordinary tensor with its own bytes
  EXPECT_NE(copy.bytes().data(), bytes);
  EXPECT_EQ(copy.values<uint8_t>()[11], 77);
  Tensor moved = std::move(view);
  EXPECT_EQ(moved.bytes().data(), bytes);
  moved = Tensor();
  EXPECT_TRUE(watch.expired()) << "released with the last view";
  EXPECT_EQ(copy.values<uint8_t>()[5], 35);
}

}  // namespace
}  // namespace runexp
