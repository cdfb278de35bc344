// Tensor: a dense, row-major, typed n-dimensional array that owns its bytes.
//
// This is what flows between stages. The buffer is 64-byte aligned so GEMM
// libraries get their fast paths. A Tensor is a value: copying it copies the
// data; moving it is cheap. Stages that share one large tensor between
// consumers pass std::shared_ptr<const Tensor>. Not synchronised: a tensor
// may be read from many threads at once but written by one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace runexp {

enum class DType : uint8_t { kUInt8, kInt8, kInt16, kInt32, kFloat32, kFloat64 };

std::size_t DTypeSize(DType dtype);
std::string_view DTypeName(DType dtype);  // "uint8", "float32", ...

template <typename T> constexpr DType DTypeOf();
template <> constexpr DType DTypeOf<uint8_t>() { return DType::kUInt8; }
template <> constexpr DType DTypeOf<int8_t>() { return DType::kInt8; }
template <> constexpr DType DTypeOf<int16_t>() { return DType::kInt16; }
template <> constexpr DType DTypeOf<int32_t>() { return DType::kInt32; }
template <> constexpr DType DTypeOf<float>() { return DType::kFloat32; }
template <> constexpr DType DTypeOf<double>() { return DType::kFloat64; }

using Shape = std::vector<int64_t>;

// "(60000, 28, 28)"
std::string ShapeToString(const Shape& shape);

class Tensor {
 public:
  Tensor() = default;  // an empty float32 tensor of shape (0)
  // Zero-filled. The caller has checked that the shape is sane: the
  // constructor trusts it (see idx_file.cc for how untrusted headers are checked).
  Tensor(DType dtype, Shape shape);

  Tensor(const Tensor& other);
  Tensor& operator=(const Tensor& other);
  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t i) const { return shape_.at(static_cast<std::size_t>(i)); }
  int64_t num_elements() const { return num_elements_; }
  std::size_t num_bytes() const { return static_cast<std::size_t>(num_elements_) * DTypeSize(dtype_); }

  std::span<std::byte> bytes() { return {data_.get(), num_bytes()}; }
  std::span<const std::byte> bytes() const { return {data_.get(), num_bytes()}; }

  // Typed view; T must match dtype() (checked: a mismatch is a programming error).
  template <typename T> std::span<T> values() {
    CheckType(DTypeOf<T>());
    return {reinterpret_cast<T*>(data_.get()), static_cast<std::size_t>(num_elements_)};
  }
  template <typename T> std::span<const T> values() const {
    CheckType(DTypeOf<T>());
    return {reinterpret_cast<const T*>(data_.get()), static_cast<std::size_t>(num_elements_)};
  }

  // Same bytes, new shape with the same element count; false if the counts differ.
  bool Reshape(Shape shape);

  // A tensor of `shape` (owner's element count; the caller checks) that
  // reads owner's bytes instead of copying them, and keeps owner alive: how
  // a stage re-emits a large input under another shape for free (47 MB of
  // MNIST images that a copy would first have to fault in). Owner is
  // immutable, so the result must not be written either; copies of it are
  // ordinary tensors with their own bytes.
  static Tensor SharingBytesOf(std::shared_ptr<const Tensor> owner, Shape shape);

  // A uint8 tensor may stand for float32 values kept as 8-bit codes: value
  // v of an element means table[v]. reshape_normalize emits data this way
  // on request (storage = "uint8_table"): MNIST's normalised training set
  // is then 47 MB of codes instead of 188 MB of floats that every run has
  // to write first, and the trainer decodes each batch as it gathers it,
  // to the same bits. Consumers that do not understand a table see a uint8
  // tensor, so only stages that accept one should be wired to it (the
  // built-in mlp_trainer and evaluator do; nn::AsInputMatrix).
  using ValueTable = std::array<float, 256>;
  // Null unless set. Copies share the table (it is immutable).
  const std::shared_ptr<const ValueTable>& value_table() const { return value_table_; }
  // For uint8 tensors only; false (and nothing set) for any other dtype.
  bool set_value_table(std::shared_ptr<const ValueTable> table);

 private:
  // Frees what the constructor allocated: aligned_alloc'd memory, or (large
  // tensors, mapped_bytes > 0) an anonymous mapping of that many bytes.
  // A tensor made by SharingBytesOf frees nothing: it holds its owner.
  struct AlignedFree {
    AlignedFree() noexcept : mapped_bytes(0) {}
    explicit AlignedFree(std::size_t mapped) noexcept : mapped_bytes(mapped) {}
    explicit AlignedFree(std::shared_ptr<const Tensor> bytes_owner) noexcept
        : mapped_bytes(0), owner(std::move(bytes_owner)) {}
    void operator()(std::byte* p) const;
    std::size_t mapped_bytes;
    std::shared_ptr<const Tensor> owner;
  };
  void CheckType(DType requested) const;

  DType dtype_ = DType::kFloat32;
  Shape shape_{0};
  int64_t num_elements_ = 0;
  std::unique_ptr<std::byte[], AlignedFree> data_;
  std::shared_ptr<const ValueTable> value_table_;
};

}  // namespace runexp
