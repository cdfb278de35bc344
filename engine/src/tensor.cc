#include "runexp/tensor.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace runexp {

namespace {
constexpr std::size_t kAlignment = 64;

// Tensors from 2 MiB up (data sets, their normalised copies) are mapped
// directly rather than taken from the heap, for two measured reasons: the
// kernel hands over zeroed pages (zeroed as they are first written), so the
// constructor needs no memset pass of its own; and MADV_HUGEPAGE backs them
// with 2 MiB pages (kernels with THP in "madvise" mode, as here, give them
// only where asked), so
// writing 188 MB of normalised MNIST takes a few hundred page faults instead
// of ~46,000, and a shuffled batch's gather, 128 rows scattered over the
// whole training set, stops missing the TLB on nearly every row. Sizes are
// rounded up to whole huge pages; kernels from 6.7 also align such mappings
// to 2 MiB, older ones back the aligned 2 MiB stretches inside them.
constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::byte* MapZeroed(std::size_t bytes, std::size_t* mapped) {
  *mapped = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = ::mmap(nullptr, *mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  // Advice only: without huge pages the tensor works the same, just slower.
  (void)::madvise(p, *mapped, MADV_HUGEPAGE);
  return static_cast<std::byte*>(p);
}

int64_t ElementCount(const Shape& shape) {
  // A zero dimension empties the tensor whatever the others are, and their
  // product may not fit (an IDX header may say (4294967295, ..., 0)).
  for (int64_t d : shape) {
    if (d == 0) return 0;
  }
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  return count;
}
}  // namespace

std::size_t DTypeSize(DType dtype) {
  switch (dtype) {
    case DType::kUInt8: return 1;
    case DType::kInt8: return 1;
    case DType::kInt16: return 2;
    case DType::kInt32: return 4;
    case DType::kFloat32: return 4;
    case DType::kFloat64: return 8;
  }
  return 1;
}

std::string_view DTypeName(DType dtype) {
  switch (dtype) {
    case DType::kUInt8: return "uint8";
    case DType::kInt8: return "int8";
    case DType::kInt16: return "int16";
    case DType::kInt32: return "int32";
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
  }
  return "unknown";
}

std::string ShapeToString(const Shape& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  out += ")";
  return out;
}

void Tensor::AlignedFree::operator()(std::byte* p) const {
  if (owner != nullptr) return;  // the owner's bytes: released with the owner
  if (mapped_bytes > 0) {
    ::munmap(p, mapped_bytes);
  } else {
    std::free(p);
  }
}

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(std::move(shape)), num_elements_(ElementCount(shape_)) {
  const std::size_t bytes = num_bytes();
  if (bytes >= kHugePage) {
    std::size_t mapped = 0;
    std::byte* raw = MapZeroed(bytes, &mapped);
    data_ = std::unique_ptr<std::byte[], AlignedFree>(raw, AlignedFree{mapped});
    return;
  }
  // aligned_alloc needs a size that is a multiple of the alignment, and > 0.
  std::size_t padded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (padded == 0) padded = kAlignment;
  auto* raw = static_cast<std::byte*>(std::aligned_alloc(kAlignment, padded));
  if (raw == nullptr) throw std::bad_alloc();
  std::memset(raw, 0, padded);
  data_.reset(raw);
}

Tensor::Tensor(const Tensor& other) : Tensor(other.dtype_, other.shape_) {
  if (other.num_bytes() > 0) std::memcpy(data_.get(), other.data_.get(), other.num_bytes());
  value_table_ = other.value_table_;
}

Tensor& Tensor::operator=(const Tensor& other) {
  if (this != &other) *this = Tensor(other);
  return *this;
}

Tensor Tensor::SharingBytesOf(std::shared_ptr<const Tensor> owner, Shape shape) {
  Tensor view;
  view.dtype_ = owner->dtype_;
  view.shape_ = std::move(shape);
  view.num_elements_ = ElementCount(view.shape_);
  view.value_table_ = owner->value_table_;
  std::byte* bytes = owner->data_.get();
  view.data_ = std::unique_ptr<std::byte[], AlignedFree>(bytes, AlignedFree{std::move(owner)});
  return view;
}

bool Tensor::set_value_table(std::shared_ptr<const ValueTable> table) {
  if (dtype_ != DType::kUInt8) return false;
  value_table_ = std::move(table);
  return true;
}

bool Tensor::Reshape(Shape shape) {
  if (ElementCount(shape) != num_elements_) return false;
  shape_ = std::move(shape);
  return true;
}

void Tensor::CheckType(DType requested) const {
  if (requested != dtype_) {
    throw std::logic_error("Tensor of " + std::string(DTypeName(dtype_)) + " accessed as " +
                           std::string(DTypeName(requested)));
  }
}

}  // namespace runexp
