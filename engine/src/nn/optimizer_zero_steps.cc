// Optimizer's zero-gradient steps (optimizer.h, header comment): counted per
// row of a 2-D parameter under RMSprop, applied when the row is next
// updated or the state is read.
//
// Why it is exact: with g = +0, RMSprop's step is ms = rho·ms + (1 - rho)·(0·0)
// = rho·ms (adding an exact +0 rounds nothing) and w -= lr·0 / (sqrt(ms) +
// epsilon), which leaves w's bits as they are when lr is finite and >= 0
// (ValidateOptimizerConfig), epsilon > 0 and every ms is finite and >= +0 (then
// the quotient is +0). Applying the k counted steps later as k
// multiplications by rho, under the same denormal flags, gives the mean
// squares the k steps would have, bit for bit. A row whose mean squares were
// not all finite and >= +0 at its last update takes the formula at once.
//
// Why per row: the first layer's gradient pieces arrive as whole kernel
// rows (mlp_passes.cc), so a row's count is touched by one thread at a
// time, and it takes one counter per 512 weights.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "denormals.h"
#include "optimizer_kernels.h"
#include "runexp/nn/optimizer.h"

namespace runexp::nn {

namespace {

// A gradient of +0 for the formula, a piece at a time.
constexpr int64_t kZeroPiece = 1024;
constexpr std::array<float, kZeroPiece> kZeroGradient{};

}  // namespace

void Optimizer::ResetRowDebts() {
  const std::size_t count = shapes_.size();
  row_debts_.assign(count, {});
  if (config_.kind != OptimizerKind::kRmsprop || !(config_.epsilon > 0.0f)) return;
  for (std::size_t index = 0; index < count; ++index) {
    const Shape& shape = shapes_[index];
    if (shape.size() != 2 || shape[0] == 0 || shape[1] == 0) continue;
    std::vector<RowDebt>& rows = row_debts_[index];
    rows.resize(static_cast<std::size_t>(shape[0]));
    const float* ms = state_.slots[index].values<float>().data();
    for (int64_t row = 0; row < shape[0]; ++row) {
      const float* begin = ms + row * shape[1];
      // As RmspropUpdate judges: sign clear and below +inf (-0 and NaN are not).
      rows[static_cast<std::size_t>(row)].finite = std::all_of(begin, begin + shape[1], [](float v) {
        return !std::signbit(v) && v < std::numeric_limits<float>::infinity();
      });
    }
  }
}

void Optimizer::UpdateZeroGradient(std::size_t index, int64_t begin, int64_t end, Tensor& parameter) {
  if (!DefersZeroSteps(index)) {
    for (int64_t from = begin; from < end; from += kZeroPiece) {
      UpdateElements(index, from, std::min(end, from + kZeroPiece), kZeroGradient.data(), parameter);
    }
    return;
  }
  const int64_t width = shapes_[index][1];
  std::vector<RowDebt>& rows = row_debts_[index];
  for (int64_t row = begin / width; row * width < end; ++row) {
    const int64_t from = std::max(begin, row * width);
    const int64_t to = std::min(end, (row + 1) * width);
    RowDebt& debt = rows[static_cast<std::size_t>(row)];
    if (from == row * width && to == (row + 1) * width && debt.finite) {
      if (debt.owed_steps == std::numeric_limits<uint32_t>::max()) SettleRows(index, row, row + 1);
      ++debt.owed_steps;
      continue;
    }
    for (int64_t piece = from; piece < to; piece += kZeroPiece) {
      const int64_t piece_end = std::min(to, piece + kZeroPiece);
      UpdateRowsOfDeferringParameter(index, piece, piece_end, kZeroGradient.data(), parameter);
    }
  }
}

void Optimizer::UpdateRowsOfDeferringParameter(std::size_t index, int64_t begin, int64_t end,
                                               const float* gradient_values, Tensor& parameter) {
  const int64_t width = shapes_[index][1];
  const int64_t first_row = begin / width;
  const int64_t end_row = (end + width - 1) / width;
  SettleRows(index, first_row, end_row);
  // One call for the whole range (rows of 10, the output layer's, would
  // otherwise cost a call each); a row that is not finite marks the others
  // of its range too, which only costs them their deferral.
  const bool finite = internal::RmspropUpdate(parameter.values<float>().data() + begin,
                                              state_.slots[index].values<float>().data() + begin, gradient_values,
                                              end - begin, config_.learning_rate, config_.rho, config_.epsilon);
  std::vector<RowDebt>& rows = row_debts_[index];
  for (int64_t row = first_row; row < end_row; ++row) {
    // Part of a row says nothing about the rest of it.
    rows[static_cast<std::size_t>(row)].finite = finite && begin <= row * width && (row + 1) * width <= end;
  }
}

void Optimizer::SettleRows(std::size_t index, int64_t first_row, int64_t end_row) const {
  const int64_t width = shapes_[index][1];
  float* ms = state_.slots[index].values<float>().data();
  std::vector<RowDebt>& rows = row_debts_[index];
  for (int64_t row = first_row; row < end_row; ++row) {
    RowDebt& debt = rows[static_cast<std::size_t>(row)];
    if (debt.owed_steps == 0) continue;
    internal::RmspropDecay(ms + row * width, width, config_.rho, debt.owed_steps);
    debt.owed_steps = 0;
  }
}

void Optimizer::SettleAllRows() const {
  internal::ScopedFlushDenormals flush;  // as the steps would have run
  for (std::size_t index = 0; index < row_debts_.size(); ++index) {
    if (DefersZeroSteps(index)) SettleRows(index, 0, static_cast<int64_t>(row_debts_[index].size()));
  }
}

}  // namespace runexp::nn
