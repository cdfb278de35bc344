// The passes of a batch, split by mlp.cc into pieces (sharding.h): the
// per-row-shard forward, loss and delta passes, and the weight-gradient
// phase. Kept apart from mlp.cc, which owns parameters and the public entry
// points, because this is where the arithmetic and its determinism live.
#include <algorithm>
#include <cstring>
#include <functional>
#include <string>

#include "activation_kernels.h"
#include "loss_kernels.h"
#include "row_stride.h"
#include "runexp/nn/gemm.h"
#include "runexp/nn/mlp.h"
#include "sharding.h"
#include "zero_inputs.h"

namespace runexp::nn {

using internal::ParallelFor;
using internal::RowRange;
using internal::SplitRows;

namespace {

// One piece of the weight-gradient phase: rows [begin, end) of a layer's
// kernel gradient, or (begin < 0) the layer's whole bias gradient. Rows of
// a split first layer name their input piece (else -1).
struct GradientPiece {
  int64_t layer;
  int64_t begin;
  int64_t end;
  int64_t input_piece = -1;
};

}  // namespace

int64_t Mlp::first_layer_pieces() const {
  return internal::InputPieces(spec_.input_dim, spec_.layers.front().units);
}

int64_t Mlp::delta_stride(int64_t l) const {
  const int64_t units = spec_.layers[static_cast<std::size_t>(l)].units;
  return l + 1 < num_layers() ? internal::PaddedRowStride(units) : units;
}

Status Mlp::FirstLayerPieces(MatrixView x, const int64_t* rows, int64_t count, MlpWorkspace* ws) const {
  // This overwrites what a next batch's early start left in the workspace.
  ws->next_batch_.started = false;
  // Nothing to do for an unsplit first layer (ForwardRows multiplies it
  // whole) or an empty batch (whose x.data may be null).
  if (first_layer_pieces() == 1 || count == 0) return Status::OK();
  if (x.encoded() && rows == nullptr) return Status::Internal("mlp: an encoded batch without its row list");
  const int zero_code = x.encoded() ? internal::ZeroCode(x.table) : internal::kSeveralZeroCodes;
  return ParallelFor(first_layer_pieces(),
                     [&](int64_t p) { return FirstLayerPiece(p, x, rows, count, zero_code, ws); });
}

Status Mlp::FirstLayerPiece(int64_t p, MatrixView x, const int64_t* rows, int64_t count, int zero_code,
                            MlpWorkspace* ws, bool kernel_rows_copied) const {
  const int64_t units = spec_.layers.front().units;
  // Rows of partials_ and packed_rows_ (row_stride.h).
  const int64_t stride = internal::PaddedRowStride(units);
  const float* kernel = parameters_[0].values<float>().data();
  float* partials = ws->partials_.values<float>().data();
  float* gathered = ws->batch_x_.values<float>().data();
  float* packed_rows = ws->packed_rows_.values<float>().data();
  const bool from_codes = x.encoded() && zero_code != internal::kSeveralZeroCodes;
  const RowRange inputs = SplitRows(x.cols, first_layer_pieces(), p);
  const int64_t width = inputs.end - inputs.begin;
  MlpWorkspace::InputPiece& piece = ws->input_pieces_[static_cast<std::size_t>(p)];
  float* const gathered_piece = gathered + inputs.begin;
  // An encoded x (whose batches always come with a row list) is marked
  // from its codes and decoded only where kept, when one code alone means
  // zero (or none does); otherwise first decoded whole into this piece's
  // columns of batch_x_, and then read from there like floats.
  const auto codes_of = [&](int64_t r) { return x.codes + rows[r] * x.cols + inputs.begin; };
  // A shuffled batch's rows lie scattered over x, and each row's part of
  // this piece is only a few cache lines: the loops that read the rows from
  // x ask for row r + kRowsAhead's lines as they read row r, so the misses
  // overlap instead of being waited for one row at a time (MNIST epochs 5-6%
  // faster at one thread, 4% at two, dense data unchanged:
  // docs/performance.md). A hint only: no value depends on it.
  constexpr int64_t kRowsAhead = 8;
  const auto fetch_ahead = [&](int64_t r) {
    if (rows == nullptr || r + kRowsAhead >= count) return;
    const char* from = x.encoded() ? reinterpret_cast<const char*>(codes_of(r + kRowsAhead))
                                   : reinterpret_cast<const char*>(x.row(rows[r + kRowsAhead]) + inputs.begin);
    const int64_t bytes = x.encoded() ? width : width * static_cast<int64_t>(sizeof(float));
    for (int64_t b = 0; b < bytes; b += 64) __builtin_prefetch(from + b);
  };
  // Rows [0, rows_read) of the batch have had this piece's bytes of x read
  // (so are in cache): the later loops fetch ahead only past them.
  int64_t rows_read = 0;
  if (x.encoded() && !from_codes) {
    for (int64_t r = 0; r < count; ++r) {
      fetch_ahead(r);
      x.ReadRow(rows[r], inputs.begin, inputs.end, gathered_piece + r * x.cols);
    }
    rows_read = count;
  }
  // This piece's columns of row r of the batch as floats (of x, for a
  // shuffled batch the gather this piece owns).
  const auto source_row = [&](int64_t r) -> const float* {
    if (x.encoded()) return gathered_piece + r * x.cols;
    return x.row(rows != nullptr ? rows[r] : r) + inputs.begin;
  };
  piece.magnitude_bits.assign(static_cast<std::size_t>(width), zero_code == internal::kNoZeroCode ? 1 : 0);
  // Marks only grow, so once too few columns are left unmarked for packing
  // to pay (checked after rows 1, 2, 4, ...), no later row can change the
  // decision: the piece keeps every column, as it would after the last row.
  // On data without zeros that ends marking after the first row.
  int64_t next_check = 1;
  for (int64_t r = 0; r < count && zero_code != internal::kNoZeroCode; ++r) {
    if (!x.encoded() || from_codes) {  // marking reads row r from x itself
      fetch_ahead(r);
      rows_read = r + 1;
    }
    if (from_codes) {
      internal::MarkNonZeroCodes(codes_of(r), width, static_cast<uint8_t>(zero_code), piece.magnitude_bits.data());
    } else {
      internal::MarkNonZero(source_row(r), width, piece.magnitude_bits.data());
    }
    if (r + 1 == next_check) {
      next_check *= 2;
      if (!internal::WorthSkipping(width, width - internal::UnmarkedColumns(piece.magnitude_bits))) {
        std::fill(piece.magnitude_bits.begin(), piece.magnitude_bits.end(), 1u);
        break;
      }
    }
  }
  internal::FindRuns(piece.magnitude_bits, &piece.kept_runs);
  const int64_t kept = internal::KeptBefore(piece.kept_runs, width);
  piece.skips_zero_columns = internal::WorthSkipping(width, kept);
  const float* in = source_row(0);
  // The piece's kernel rows as the product reads them: copied to its rows
  // of packed_rows_, whose rows are padded (row_stride.h): a skipping
  // piece's kept rows, another's all of them (but for a few-row batch,
  // below). Reading a dense piece's rows there instead of at the kernel's
  // 2 KiB stride made dense-data epochs about a tenth faster on AVX2;
  // during training WeightGradients copies them as soon as they are
  // updated, while they are in cache (docs/performance.md).
  const float* piece_kernel = kernel + inputs.begin * units;
  float* const piece_packed_rows = packed_rows + inputs.begin * stride;
  int64_t kernel_stride = units;
  int64_t depth = width;
  if (piece.skips_zero_columns) {
    // Pack the kept columns of every row, and their kernel rows, at the
    // start of the piece's columns of batch_x_ and rows of packed_rows_.
    for (int64_t r = 0; r < count; ++r) {
      float* packed = gathered_piece + r * x.cols;
      if (!from_codes) {
        internal::PackRuns(source_row(r), piece.kept_runs, 1, packed);
        continue;
      }
      for (const auto& [first, run] : piece.kept_runs) {
        x.ReadRow(rows[r], inputs.begin + first, inputs.begin + first + run, packed);
        packed += run;
      }
    }
    internal::PackRuns(piece_kernel, piece.kept_runs, units, piece_packed_rows, stride);
    in = gathered_piece;
    piece_kernel = piece_packed_rows;
    kernel_stride = stride;
    depth = kept;
  } else {
    if (rows != nullptr) {
      for (int64_t r = 0; r < count; ++r) {
        if (r + kRowsAhead >= rows_read) fetch_ahead(r);
        if (from_codes) {
          x.ReadRow(rows[r], inputs.begin, inputs.end, gathered_piece + r * x.cols);
        } else if (!x.encoded()) {
          std::memcpy(gathered_piece + r * x.cols, source_row(r), static_cast<std::size_t>(width) * sizeof(float));
        }
      }
      in = gathered_piece;
    }
    // A product of a few rows reads each kernel row about once, so copying
    // them costs more than their stride loses (a standalone probe, 4
    // pieces, one thread: 2.9 x slower with the copy for 1 row, 1.2 x for 4,
    // 0.96-1.03 x for 8, 0.85-0.94 x for 16).
    constexpr int64_t kMinRowsToCopyKernel = 16;
    if (stride != units && (kernel_rows_copied || count >= kMinRowsToCopyKernel)) {
      if (!kernel_rows_copied) internal::CopyRowsToStride(piece_kernel, width, units, piece_packed_rows, stride);
      piece_kernel = piece_packed_rows;
      kernel_stride = stride;
    }
  }
  float* partial = partials + p * ws->capacity_rows_ * stride;
  if (depth == 0) {  // every input of the piece is zero in this batch
    std::memset(partial, 0, static_cast<std::size_t>(count * stride) * sizeof(float));
    return Status::OK();
  }
  Status status = Sgemm(false, false, count, units, depth, 1.0f, in, x.cols, piece_kernel, kernel_stride, 0.0f,
                        partial, stride);
  return status.ok() ? status : status.WithContext("dense_0 forward, input piece " + std::to_string(p));
}

Status Mlp::ForwardRows(MatrixView x, int64_t begin, int64_t end, MlpWorkspace* ws) const {
  const int64_t n = end - begin;
  const float* in = x.row(begin);
  int64_t in_cols = x.cols;
  const int64_t first_pieces = first_layer_pieces();
  for (int64_t l = 0; l < num_layers(); ++l) {
    const DenseSpec& layer = spec_.layers[static_cast<std::size_t>(l)];
    const float* kernel = parameters_[static_cast<std::size_t>(2 * l)].values<float>().data();
    const float* bias = parameters_[static_cast<std::size_t>(2 * l + 1)].values<float>().data();
    float* out = ws->activations_[static_cast<std::size_t>(l)].values<float>().data() + begin * layer.units;
    if (l == 0 && first_pieces > 1) {
      // The partial products of FirstLayerPieces, added in piece order, a
      // row at a time so that the running sum stays in L1.
      const int64_t row_stride = internal::PaddedRowStride(layer.units);
      const int64_t piece_stride = ws->capacity_rows_ * row_stride;
      const float* partials = ws->partials_.values<float>().data() + begin * row_stride;
      for (int64_t r = 0; r < n; ++r) {
        float* out_row = out + r * layer.units;
        const float* partial_row = partials + r * row_stride;
        std::memcpy(out_row, partial_row, static_cast<std::size_t>(layer.units) * sizeof(float));
        for (int64_t p = 1; p < first_pieces; ++p) {
          internal::AddInPlace(partial_row + p * piece_stride, out_row, layer.units);
        }
      }
    } else {
      Status status = Sgemm(false, false, n, layer.units, in_cols, 1.0f, in, in_cols, kernel,
                            layer.units, 0.0f, out, layer.units);
      if (!status.ok()) return status.WithContext("dense_" + std::to_string(l) + " forward");
    }
    internal::BiasActivateRows(layer.activation, bias, out, n, layer.units);
    in = out;
    in_cols = layer.units;
  }
  return Status::OK();
}

Status Mlp::LossAndDeltaRows(MatrixView y, int64_t batch_rows, int64_t begin, int64_t end,
                         bool with_deltas, MlpWorkspace* ws) const {
  const int64_t n = end - begin;
  const int64_t last = num_layers() - 1;
  const int64_t classes = output_dim();
  const internal::OutputRows rows{
      ws->activations_[static_cast<std::size_t>(last)].values<float>().data() + begin * classes,
      y.row(begin), n, classes};
  internal::LossRows(spec_.loss, rows, ws->row_loss_.data() + begin, ws->row_correct_.data() + begin);
  if (!with_deltas) return Status::OK();

  internal::OutputGradientRows(spec_.loss, spec_.layers.back().activation, rows, batch_rows,
                               ws->deltas_[static_cast<std::size_t>(last)].values<float>().data() +
                                   begin * classes);
  // Back through the layers: dA_{l-1} = dZ_l · W_l^T, then the activation's derivative.
  for (int64_t l = last; l >= 1; --l) {
    const int64_t units = spec_.layers[static_cast<std::size_t>(l)].units;
    const int64_t prev_units = spec_.layers[static_cast<std::size_t>(l - 1)].units;
    const float* kernel = parameters_[static_cast<std::size_t>(2 * l)].values<float>().data();
    const int64_t stride = delta_stride(l), prev_stride = delta_stride(l - 1);
    const float* delta = ws->deltas_[static_cast<std::size_t>(l)].values<float>().data() + begin * stride;
    float* prev_delta =
        ws->deltas_[static_cast<std::size_t>(l - 1)].values<float>().data() + begin * prev_stride;
    Status status = Sgemm(false, true, n, prev_units, units, 1.0f, delta, stride, kernel, units,
                          0.0f, prev_delta, prev_stride);
    if (!status.ok()) return status.WithContext("dense_" + std::to_string(l) + " backward");
    const float* prev_act =
        ws->activations_[static_cast<std::size_t>(l - 1)].values<float>().data() + begin * prev_units;
    for (int64_t r = 0; r < n; ++r) {  // the deltas' rows are padded, the activations' are not
      internal::ActivationBackwardRows(spec_.layers[static_cast<std::size_t>(l - 1)].activation,
                                       prev_act + r * prev_units, prev_delta + r * prev_stride, 1, prev_units);
    }
  }
  return Status::OK();
}

Status Mlp::WeightGradients(MatrixView x, int64_t rows, MlpWorkspace* ws,
                            std::vector<Tensor>* gradients, const GradientReadyFn& on_ready,
                            const StartNextPieceFn& start_next_piece) const {
  // Tasks of pieces, run in parallel; the pieces of one task in order.
  // Without a split first layer every piece is a task. With one, task p owns
  // the kernel rows of input piece p, the rows its forward piece read (so a
  // thread that takes the same p in both phases keeps them in its cache),
  // and the other pieces are dealt round the tasks in turn.
  const int64_t first_pieces = first_layer_pieces();
  const bool owned = first_pieces > 1;
  std::vector<std::vector<GradientPiece>> tasks(static_cast<std::size_t>(owned ? first_pieces : 0));
  std::size_t next_shared = 0;
  const auto add = [&](GradientPiece piece, int64_t owner) {
    if (!owned) {
      tasks.push_back({piece});
      return;
    }
    std::size_t task = static_cast<std::size_t>(owner);
    if (owner < 0) {
      task = next_shared;
      next_shared = (next_shared + 1) % tasks.size();
    }
    tasks[task].push_back(piece);
  };
  for (int64_t l = 0; l < num_layers(); ++l) {
    const int64_t fan_in = layer_inputs(l);
    const int64_t units = spec_.layers[static_cast<std::size_t>(l)].units;
    const int64_t blocks = internal::GradientBlocks(fan_in, units);
    if (l == 0 && first_pieces > 1) {
      // About as many blocks (rounded up to a multiple of the pieces), cut
      // inside each input piece so that none straddles two owners.
      const int64_t per_piece = (blocks + first_pieces - 1) / first_pieces;
      for (int64_t p = 0; p < first_pieces; ++p) {
        const RowRange piece = SplitRows(fan_in, first_pieces, p);
        for (int64_t b = 0; b < per_piece; ++b) {
          const RowRange range = SplitRows(piece.end - piece.begin, per_piece, b);
          add({l, piece.begin + range.begin, piece.begin + range.end, p}, p);
        }
      }
    } else {
      for (int64_t b = 0; b < blocks; ++b) {
        const RowRange range = SplitRows(fan_in, blocks, b);
        add({l, range.begin, range.end}, -1);
      }
    }
    add({l, -1, -1}, -1);
  }
  // With the next batch started here, the updated kernel rows of an input
  // piece that did not skip are copied to packed_rows_ as they are updated
  // (when its rows are padded at all).
  const int64_t first_units = spec_.layers.front().units;
  const bool copies_kernel_rows =
      owned && start_next_piece && on_ready && internal::PaddedRowStride(first_units) != first_units;
  const auto gradient_of = [&](const GradientPiece& piece) -> Status {
    const int64_t units = spec_.layers[static_cast<std::size_t>(piece.layer)].units;
    const int64_t stride = delta_stride(piece.layer);
    const float* delta = ws->deltas_[static_cast<std::size_t>(piece.layer)].values<float>().data();
    if (piece.begin < 0) {
      // The bias gradient: column sums of the deltas, in row order.
      float* db = (*gradients)[static_cast<std::size_t>(2 * piece.layer + 1)].values<float>().data();
      internal::SumRows(delta, rows, units, stride, db);
      if (on_ready) on_ready(static_cast<std::size_t>(2 * piece.layer + 1), 0, units, db);
      return Status::OK();
    }
    const int64_t fan_in = layer_inputs(piece.layer);
    float* dw = (*gradients)[static_cast<std::size_t>(2 * piece.layer)].values<float>().data();
    if (piece.input_piece >= 0 && ws->input_pieces_[static_cast<std::size_t>(piece.input_piece)].skips_zero_columns) {
      return PackedFirstLayerGradient(piece.input_piece, piece.begin, piece.end, rows, ws, dw, on_ready);
    }
    // dW[begin:end, :] = A_prev[:, begin:end]^T · dZ, with A_prev the layer's input.
    const float* input = piece.layer == 0
                             ? x.data
                             : ws->activations_[static_cast<std::size_t>(piece.layer - 1)].values<float>().data();
    Status status = Sgemm(true, false, piece.end - piece.begin, units, rows, 1.0f,
                          input + piece.begin, fan_in, delta, stride, 0.0f,
                          dw + piece.begin * units, units);
    if (!status.ok()) return status.WithContext("dense_" + std::to_string(piece.layer) + " weight gradient");
    if (piece.input_piece >= 0 && copies_kernel_rows) {
      // A few rows at a time, each copied for the next batch's product
      // right after on_ready updated it, while in L1 (FirstLayerPiece).
      constexpr int64_t kRowsPerUpdate = 8;
      const int64_t padded = internal::PaddedRowStride(units);
      for (int64_t r = piece.begin; r < piece.end; r += kRowsPerUpdate) {
        const int64_t r_end = std::min(piece.end, r + kRowsPerUpdate);
        on_ready(0, r * units, r_end * units, dw + r * units);
        internal::CopyRowsToStride(parameters_[0].values<float>().data() + r * units, r_end - r, units,
                                   ws->packed_rows_.values<float>().data() + r * padded, padded);
      }
    } else if (on_ready) {
      on_ready(static_cast<std::size_t>(2 * piece.layer), piece.begin * units, piece.end * units,
               dw + piece.begin * units);
    }
    return Status::OK();
  };
  // A task's own pieces come first; the next batch's work on the same
  // kernel rows follows them while those rows are still in cache.
  return ParallelFor(static_cast<int64_t>(tasks.size()), [&](int64_t t) -> Status {
    bool next_started = !owned || !start_next_piece;
    // Read before start_next_piece decides it anew for the next batch.
    const bool copied = !next_started && copies_kernel_rows &&
                        !ws->input_pieces_[static_cast<std::size_t>(t)].skips_zero_columns;
    for (const GradientPiece& piece : tasks[static_cast<std::size_t>(t)]) {
      if (!next_started && piece.input_piece != t) {
        if (Status status = start_next_piece(t, copied); !status.ok()) return status;
        next_started = true;
      }
      if (Status status = gradient_of(piece); !status.ok()) return status;
    }
    return next_started ? Status::OK() : start_next_piece(t, copied);
  });
}

Status Mlp::PackedFirstLayerGradient(int64_t input_piece, int64_t begin, int64_t end, int64_t rows,
                                     MlpWorkspace* ws, float* dw, const GradientReadyFn& on_ready) const {
  const int64_t units = spec_.layers.front().units;
  const int64_t fan_in = input_dim();
  const MlpWorkspace::InputPiece& piece = ws->input_pieces_[static_cast<std::size_t>(input_piece)];
  // FirstLayerPieces packed the piece's kept columns at the start of its
  // columns of batch_x_, and their kernel rows at the start of its rows of
  // packed_rows_; the gradient of kept row i goes where kernel row i was.
  // Runs are counted from the piece's first column.
  const int64_t piece_begin = SplitRows(fan_in, first_layer_pieces(), input_piece).begin;
  const int64_t first = internal::KeptBefore(piece.kept_runs, begin - piece_begin);
  const int64_t last = internal::KeptBefore(piece.kept_runs, end - piece_begin);
  const int64_t stride = internal::PaddedRowStride(units);  // of packed_rows_ (row_stride.h)
  float* packed = ws->packed_rows_.values<float>().data() + (piece_begin + first) * stride;
  if (last > first) {
    const float* delta = ws->deltas_.front().values<float>().data();
    const float* packed_x = ws->batch_x_.values<float>().data() + piece_begin + first;
    Status status = Sgemm(true, false, last - first, units, rows, 1.0f, packed_x, fan_in, delta, delta_stride(0),
                          0.0f, packed, stride);
    if (!status.ok()) return status.WithContext("dense_0 weight gradient, input piece " + std::to_string(input_piece));
  }
  // A row whose input is zero in the whole batch has a gradient of exactly zero.
  if (!on_ready) {
    internal::UnpackRuns(packed, piece.kept_runs, begin - piece_begin, end - piece_begin, units,
                         dw + piece_begin * units, stride);
    return Status::OK();
  }
  // The same values, handed over where they are: the kept rows from
  // packed_rows_, a row at a time (its rows are padded), and the others as
  // no values at all, a span at a time: the optimizer then need not read
  // them (Optimizer::UpdateRange). Rows within the piece.
  internal::ForEachSpan(
      piece.kept_runs, begin - piece_begin, end - piece_begin,
      [&](int64_t from, int64_t to) {
        for (int64_t r = from; r < to; ++r, packed += stride) {
          on_ready(0, (piece_begin + r) * units, (piece_begin + r + 1) * units, packed);
        }
      },
      [&](int64_t from, int64_t to) {
        on_ready(0, (piece_begin + from) * units, (piece_begin + to) * units, nullptr);
      });
  return Status::OK();
}

}  // namespace runexp::nn
