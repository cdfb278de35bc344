// Skipping the first layer's inputs that are zero in every row of a batch.
// Internal to runexp_nn; used by the split first layer (mlp_passes.cc).
//
// Why: an input column that is zero in the whole batch adds only ±0 to
// every product of the forward pass, and its kernel rows' gradient is
// exactly zero. On MNIST a third of the 784 pixels are zero in all 128
// images of a batch (the border), so multiplying only the other columns
// saves a third of the first layer's GEMMs, forward and weight gradient,
// and RMSprop then only counts the zero rows' steps (optimizer_zero_steps.cc).
//
// What it changes: the products run over fewer terms, which may move
// results in the last bits against the dense product, like a different
// GEMM blocking would (with oneDNN 2.6, which adds each output's terms in
// order, dropping exact zeros changed nothing: the reference run's figures
// are the same bits as before). Which columns are skipped depends only on
// the batch's values, so results stay identical for any thread count, and
// the same batch gives the same bits in training and evaluation. A kernel
// row of NaN or infinity under a skipped column no longer reaches the
// outputs (0 × inf is NaN in the dense product).
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace runexp::nn::internal {

// magnitude_bits[j] |= the bits of row[j] without its sign, for j in
// [0, width): after every row of a batch, zero exactly where the column is
// ±0 throughout. (An integer OR vectorises to one instruction per 16
// values; a float compare into bytes did not. A denormal counts as
// non-zero and is kept, which costs a product but changes nothing.)
void MarkNonZero(const float* row, int64_t width, uint32_t* magnitude_bits);

// For an input stored as 8-bit codes with a value table (MatrixView::
// encoded): the one code whose value is ±0, kNoZeroCode if none is, or
// kSeveralZeroCodes. With one such code the codes alone say which columns
// are zero (MNIST: code 0), so marking reads a quarter of the bytes and only
// the kept columns are ever decoded.
inline constexpr int kNoZeroCode = -1;
inline constexpr int kSeveralZeroCodes = -2;
int ZeroCode(const float* table);

// magnitude_bits[j] |= codes[j] XOR zero_code: after every row of a batch,
// zero exactly where the column holds zero_code throughout.
void MarkNonZeroCodes(const uint8_t* codes, int64_t width, uint8_t zero_code, uint32_t* magnitude_bits);

// How many columns are still unmarked (zero in every row marked so far).
inline int64_t UnmarkedColumns(const std::vector<uint32_t>& magnitude_bits) {
  return static_cast<int64_t>(std::count(magnitude_bits.begin(), magnitude_bits.end(), 0u));
}

// Packing pays for its copies only when enough columns are zero: at
// least an eighth of a piece (MNIST batches: about a third).
inline bool WorthSkipping(int64_t width, int64_t nonzero_columns) {
  return 8 * (width - nonzero_columns) >= width;
}

// A run of consecutive kept columns: (first column, count).
using ColumnRun = std::pair<int64_t, int64_t>;

// The runs of non-zero entries of `magnitude_bits`, in order.
void FindRuns(const std::vector<uint32_t>& magnitude_bits, std::vector<ColumnRun>* runs);

// How many columns of the runs lie before `column`.
int64_t KeptBefore(const std::vector<ColumnRun>& runs, int64_t column);

// Packs the runs of src one after another into dst, each run element being
// `unit` floats, stored dst_stride floats apart in dst: unit 1 packs a row's
// kept columns, unit = units a kernel's kept rows (into rows dst_stride
// apart). dst may be src itself (packing in place, dst_stride == unit).
void PackRuns(const float* src, const std::vector<ColumnRun>& runs, int64_t unit, float* dst,
              int64_t dst_stride);
inline void PackRuns(const float* src, const std::vector<ColumnRun>& runs, int64_t unit, float* dst) {
  PackRuns(src, runs, unit, dst, unit);
}

// Elements [begin, end) in order, as spans [from, to): on_kept(from, to)
// for a span inside a run (runs are packed one after another, so these
// spans are consecutive in the packed order), on_zero(from, to) for one
// between runs.
template <typename KeptFn, typename ZeroFn>
void ForEachSpan(const std::vector<ColumnRun>& runs, int64_t begin, int64_t end, KeptFn&& on_kept,
                 ZeroFn&& on_zero) {
  int64_t next = begin;  // the first element not yet visited
  for (const auto& [first, count] : runs) {
    const int64_t from = std::max(first, begin);
    const int64_t to = std::min(first + count, end);
    if (from >= to) continue;
    if (from > next) on_zero(next, from);
    on_kept(from, to);
    next = to;
  }
  if (end > next) on_zero(next, end);
}

// The reverse of PackRuns, for elements [begin, end) only: element j of dst
// (unit floats) is its packed value if j is in a run, else +0. `packed`
// holds the packed elements from KeptBefore(runs, begin) on, packed_stride
// floats apart.
void UnpackRuns(const float* packed, const std::vector<ColumnRun>& runs, int64_t begin, int64_t end,
                int64_t unit, float* dst, int64_t packed_stride);

}  // namespace runexp::nn::internal
