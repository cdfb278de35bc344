// The row stride of the workspace matrices that the first layer's GEMMs
// read and write in place. Internal to runexp_nn.
//
// Why: oneDNN 2.6 on AVX2 multiplies the first layer's pieces with its
// "no-copy" kernels, which read the operands where they lie instead of
// packing them (its heuristic sends every product with 1/m + 1/n >= 0.0038
// there, and all of runexp's split products qualify). Rows 512 floats apart
// (2 KiB, the book's layer) then fall on a handful of cache sets and evict
// each other: an MNIST step's products ran at 46-58 GFLOP/s with that
// stride against 73-86 with rows 528 floats apart (one thread, a
// standalone probe; docs/performance.md). Padding changes where values
// are stored, never which operations compute them: oneDNN picks no other
// kernel for these products with the padded strides, on AVX2 or AVX-512.
#pragma once

#include <cstdint>
#include <cstring>

namespace runexp::nn::internal {

// `cols` floats, plus one cache line when the row would be a multiple of
// 512 bytes long.
inline int64_t PaddedRowStride(int64_t cols) { return cols % 128 == 0 ? cols + 16 : cols; }

// `rows` rows of `cols` floats, back to back at src, to rows `dst_stride`
// floats apart at dst (which must not overlap src).
inline void CopyRowsToStride(const float* src, int64_t rows, int64_t cols, float* dst, int64_t dst_stride) {
  for (int64_t r = 0; r < rows; ++r) {
    std::memcpy(dst + r * dst_stride, src + r * cols, static_cast<std::size_t>(cols) * sizeof(float));
  }
}

}  // namespace runexp::nn::internal
