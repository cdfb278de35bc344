// How the numerical core splits work: a FIXED number of pieces, decided by
// the shapes alone, run as oneTBB tasks. Internal to runexp_nn.
//
// Determinism rests on this file. Floating-point results depend on how a
// sum is split, so the split must never follow the thread count: a batch is
// always cut into kRowShards row ranges and a weight gradient into the same
// blocks, whether one thread or sixteen run them. Each piece writes only its
// own outputs, so the order in which threads pick pieces up cannot matter.
// Changing these constants changes results in the last bits (like changing
// the GEMM library would); they are part of what a run means.
//
// Thread-safety: ParallelFor runs `fn` concurrently on distinct indices; fn
// must only write state owned by its index.
#pragma once

#include <tbb/parallel_for.h>

#include <cstdint>
#include <vector>

#include "denormals.h"
#include "runexp/status.h"

namespace runexp::nn::internal {

// Row shards per batch. Four keeps the per-shard GEMMs large enough for
// oneDNN's kernels (32 rows at batch 128) while feeding up to four cores.
inline constexpr int kRowShards = 4;

// Most row blocks a weight gradient is cut into, and the least weights a
// block should hold: a 784×512 kernel gets 8 blocks, a 512×10 one a single block.
inline constexpr int64_t kMaxGradientBlocks = 8;
inline constexpr int64_t kMinGradientBlockValues = 32768;

// Input pieces of the first layer: its forward GEMM is split along K, its
// input columns. Piece p multiplies columns [k0, k1) of the batch by rows
// [k0, k1) of the kernel into a partial product; the row shards add the
// pieces' partials in piece order. The weight gradient of those kernel rows
// is computed, and the optimizer applies it, by the same piece of the
// backward phase (mlp_passes.cc). Why: with the forward split by batch rows
// instead, every core read the whole kernel each step right after other
// cores had updated parts of it, so the kernel and the optimizer's state
// crossed between cores twice a step. Split this way a thread that takes
// the same pieces in both phases (ParallelFor's static partitioning hints
// oneTBB to give them to it; nothing depends on it but speed) keeps touching
// its own quarter of the kernel (0.4 MB of 1.6 MB, with its optimizer
// state, for the book's 784×512 layer): a 2-thread training step of the
// book's model went from 1.47 to 1.19 ms (docs/performance.md).
// A piece whose inputs are zero in the whole batch for an eighth or more
// of its columns multiplies only the others (zero_inputs.h): the data
// decides that, never the threads.
// Kernels smaller than kMinSplitKernelValues are not split (one piece).
inline constexpr int64_t kInputPieces = 4;
inline constexpr int64_t kMinSplitKernelValues = 65536;
inline constexpr int64_t kMinInputsPerPiece = 32;

inline int64_t InputPieces(int64_t fan_in, int64_t units) {
  if (fan_in * units < kMinSplitKernelValues || fan_in < kInputPieces * kMinInputsPerPiece) return 1;
  return kInputPieces;
}

struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
};

// Piece `index` of `pieces` near-equal contiguous ranges covering [0, rows).
inline RowRange SplitRows(int64_t rows, int64_t pieces, int64_t index) {
  const int64_t base = rows / pieces;
  const int64_t extra = rows % pieces;  // the first `extra` pieces get one more row
  const int64_t begin = index * base + (index < extra ? index : extra);
  return {begin, begin + base + (index < extra ? 1 : 0)};
}

// Blocks for a (fan_in, fan_out) weight gradient, from its shape only.
inline int64_t GradientBlocks(int64_t fan_in, int64_t fan_out) {
  int64_t blocks = (fan_in * fan_out) / kMinGradientBlockValues;
  if (blocks > kMaxGradientBlocks) blocks = kMaxGradientBlocks;
  if (blocks > fan_in) blocks = fan_in;
  return blocks < 1 ? 1 : blocks;
}

// Runs fn(i) for i in [0, count) as oneTBB tasks in the caller's arena,
// each under ScopedFlushDenormals (denormals.h), and returns the first
// failure in index order (so the reported error does not depend on
// scheduling either). All of runexp_nn's array arithmetic runs in here; the
// serial glue outside (loss sums in double, Adam's step size) cannot meet a
// denormal that would change its result. The indices are dealt out to the
// threads in equal contiguous parts, with oneTBB's hint to give each part
// to the same thread each time (static_partitioner; a hint, not a promise),
// so that a thread tends to meet the same input pieces in every phase and
// step: measured on MNIST epochs at 2 threads, the fastest third ran about
// 5% faster than with oneTBB's default splitting, the median the same
// (bench/nn_bench BM_Epoch, 30 epochs each, interleaved).
template <typename Fn>
Status ParallelFor(int64_t count, Fn&& fn) {
  std::vector<Status> statuses(static_cast<std::size_t>(count));
  tbb::parallel_for(int64_t{0}, count, [&](int64_t i) {
    ScopedFlushDenormals flush;
    statuses[static_cast<std::size_t>(i)] = fn(i);
  }, tbb::static_partitioner());
  for (Status& status : statuses) {
    if (!status.ok()) return status;
  }
  return Status::OK();
}

}  // namespace runexp::nn::internal
