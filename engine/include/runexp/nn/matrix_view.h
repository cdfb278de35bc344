// MatrixView: a borrowed, read-only view of a row-major float32 matrix,
// stored as floats or (an input x only) as 8-bit codes with a table of the
// float each code stands for (Tensor::value_table).
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
  const float* data = nullptr;  // null when the matrix is encoded
  int64_t rows = 0;
  int64_t cols = 0;
  // Encoded storage: element (r, c) is table[codes[r * cols + c]].
  const uint8_t* codes = nullptr;
  const float* table = nullptr;  // 256 floats

  bool encoded() const { return codes != nullptr; }
  // Float storage only.
  const float* row(int64_t r) const { return data + r * cols; }
  // Rows [begin, end); the caller keeps 0 <= begin <= end <= rows.
  MatrixView Rows(int64_t begin, int64_t end) const {
    if (encoded()) return {nullptr, end - begin, cols, codes + begin * cols, table};
    return {row(begin), end - begin, cols};
  }
  // Columns [begin, end) of row r as floats into dst: copied, or decoded
  // through the table (the same bits the float tensor would hold).
  void ReadRow(int64_t r, int64_t begin, int64_t end, float* dst) const;
};

// The tensor as a (rows, cols) matrix: InvalidArgument, naming `what`
// ("x", "y", ...), unless it is a rank-2 float32 tensor.
Result<MatrixView> AsMatrix(const Tensor& tensor, std::string_view what);

// The same for a model's input x, which may also be a rank-2 uint8 tensor
// with a value table (encoded; the model decodes each batch it reads).
Result<MatrixView> AsInputMatrix(const Tensor& tensor, std::string_view what);

}  // namespace runexp::nn
