// MatrixView: a borrowed, read-only view of a row-major float32 matrix.
//
// The numerical core takes its inputs as views so that a batch can be any
// run of rows of a larger tensor without copying. A view does not own its
// data: the tensor it came from must outlive it. Thread-safety: a plain
// value; reading through it from many threads at once is fine.
#pragma once

#include <cstdint>
#include <string_view>

#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::nn {

struct MatrixView {
  const float* data = nullptr;
  int64_t rows = 0;
  int64_t cols = 0;

  const float* row(int64_t r) const { return data + r * cols; }
  // Rows [begin, end); the caller keeps 0 <= begin <= end <= rows.
  MatrixView Rows(int64_t begin, int64_t end) const { return {row(begin), end - begin, cols}; }
};

// The tensor as a (rows, cols) matrix: InvalidArgument, naming `what`
// ("x", "y", ...), unless it is a rank-2 float32 tensor.
Result<MatrixView> AsMatrix(const Tensor& tensor, std::string_view what);

}  // namespace runexp::nn
