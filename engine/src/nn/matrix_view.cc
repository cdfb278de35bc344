#include "runexp/nn/matrix_view.h"

#include <cstring>
#include <string>

#include "simd.h"

namespace runexp::nn {

namespace {

// One table lookup per element: no arithmetic, so the value is the table's
// whichever clone runs (AVX-512 and AVX2 gather 16 or 8 at a time).
RUNEXP_NN_VECTOR_KERNEL
void Decode(const uint8_t* __restrict codes, int64_t n, const float* __restrict table, float* __restrict dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = table[codes[i]];
}

}  // namespace

void MatrixView::ReadRow(int64_t r, int64_t begin, int64_t end, float* dst) const {
  if (encoded()) {
    Decode(codes + r * cols + begin, end - begin, table, dst);
  } else {
    std::memcpy(dst, data + r * cols + begin, static_cast<std::size_t>(end - begin) * sizeof(float));
  }
}

Result<MatrixView> AsMatrix(const Tensor& tensor, std::string_view what) {
  if (tensor.dtype() != DType::kFloat32 || tensor.rank() != 2) {
    return Status::InvalidArgument(std::string(what) + ": expected a rank-2 float32 tensor, got " +
                                   std::string(DTypeName(tensor.dtype())) + " " +
                                   ShapeToString(tensor.shape()));
  }
  return MatrixView{tensor.values<float>().data(), tensor.dim(0), tensor.dim(1)};
}

Result<MatrixView> AsInputMatrix(const Tensor& tensor, std::string_view what) {
  if (tensor.dtype() == DType::kUInt8 && tensor.value_table() != nullptr && tensor.rank() == 2) {
    return MatrixView{nullptr, tensor.dim(0), tensor.dim(1), tensor.values<uint8_t>().data(),
                      tensor.value_table()->data()};
  }
  if (tensor.dtype() == DType::kUInt8 && tensor.rank() == 2) {
    return Status::InvalidArgument(std::string(what) + ": a uint8 tensor " + ShapeToString(tensor.shape()) +
                                   " without a value table (normalise it first: reshape_normalize)");
  }
  return AsMatrix(tensor, what);
}

}  // namespace runexp::nn
