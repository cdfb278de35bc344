#include "runexp/nn/mlp.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <utility>

#include "runexp/nn/init.h"
#include "runexp/nn/random.h"
#include "row_stride.h"
#include "sharding.h"
#include "zero_inputs.h"

namespace runexp::nn {

using internal::kRowShards;
using internal::ParallelFor;
using internal::RowRange;
using internal::SplitRows;

namespace {

// OK when every row index of a batch names a row of x.
Status CheckRowsInside(std::span<const int64_t> rows, int64_t x_rows) {
  for (const int64_t row : rows) {
    if (row < 0 || row >= x_rows) {
      return Status::InvalidArgument("mlp: batch row " + std::to_string(row) + " outside x's " +
                                     std::to_string(x_rows) + " rows");
    }
  }
  return Status::OK();
}

}  // namespace

BatchStats& BatchStats::operator+=(const BatchStats& other) {
  loss_sum += other.loss_sum;
  correct += other.correct;
  samples += other.samples;
  return *this;
}

Mlp::Mlp(MlpSpec spec) : spec_(std::move(spec)) {
  for (int64_t l = 0; l < num_layers(); ++l) {
    const int64_t units = spec_.layers[static_cast<std::size_t>(l)].units;
    parameters_.emplace_back(DType::kFloat32, Shape{layer_inputs(l), units});
    parameters_.emplace_back(DType::kFloat32, Shape{units});
  }
}

Result<Mlp> Mlp::Create(MlpSpec spec) {
  if (Status status = ValidateSpec(spec); !status.ok()) return status;
  return Mlp(std::move(spec));
}

int64_t Mlp::layer_inputs(int64_t layer) const {
  return layer == 0 ? spec_.input_dim : spec_.layers[static_cast<std::size_t>(layer - 1)].units;
}

std::string Mlp::ParameterName(std::size_t index) {
  return "dense_" + std::to_string(index / 2) + (index % 2 == 0 ? "/kernel" : "/bias");
}

int64_t Mlp::num_parameter_values() const {
  int64_t total = 0;
  for (const Tensor& p : parameters_) total += p.num_elements();
  return total;
}

Status Mlp::SetParameters(std::vector<Tensor> parameters) {
  if (parameters.size() != parameters_.size()) {
    return Status::InvalidArgument("mlp parameters: expected " + std::to_string(parameters_.size()) +
                                   " tensors, got " + std::to_string(parameters.size()));
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (parameters[i].dtype() != DType::kFloat32 || parameters[i].shape() != parameters_[i].shape()) {
      return Status::InvalidArgument(
          "mlp parameter " + ParameterName(i) + ": expected float32 " +
          ShapeToString(parameters_[i].shape()) + ", got " +
          std::string(DTypeName(parameters[i].dtype())) + " " + ShapeToString(parameters[i].shape()));
    }
  }
  parameters_ = std::move(parameters);
  ++parameters_version_;
  return Status::OK();
}

void Mlp::InitGlorotUniform(uint64_t seed, std::string_view stream_prefix) {
  ++parameters_version_;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    std::span<float> values = parameters_[i].values<float>();
    if (i % 2 == 1) {
      std::fill(values.begin(), values.end(), 0.0f);
      continue;
    }
    RandomStream stream(seed, std::string(stream_prefix) + "/" + ParameterName(i));
    FillGlorotUniform(values, parameters_[i].dim(0), parameters_[i].dim(1), stream);
  }
}

Status Mlp::CheckBatch(MatrixView x, const MatrixView* y) const {
  // mutable_parameters() lets optimizers write values; a caller that also
  // replaced a tensor would otherwise send the GEMMs out of bounds.
  for (int64_t l = 0; l < num_layers(); ++l) {
    const Tensor& kernel = parameters_[static_cast<std::size_t>(2 * l)];
    const Tensor& bias = parameters_[static_cast<std::size_t>(2 * l + 1)];
    const int64_t units = spec_.layers[static_cast<std::size_t>(l)].units;
    if (kernel.dtype() != DType::kFloat32 || kernel.shape() != Shape{layer_inputs(l), units} ||
        bias.dtype() != DType::kFloat32 || bias.shape() != Shape{units}) {
      return Status::Internal("mlp: dense_" + std::to_string(l) +
                              " parameters no longer match the spec (replaced through mutable_parameters?)");
    }
  }
  if (x.cols != input_dim()) {
    return Status::InvalidArgument("mlp input x: expected " + std::to_string(input_dim()) +
                                   " columns, got " + std::to_string(x.cols));
  }
  if (x.rows < 0 || (x.rows > 0 && x.data == nullptr && (x.codes == nullptr || x.table == nullptr))) {
    return Status::InvalidArgument("mlp input x: no data for " + std::to_string(x.rows) + " rows");
  }
  if (y == nullptr) return Status::OK();
  if (y->cols != output_dim()) {
    return Status::InvalidArgument("mlp targets y: expected " + std::to_string(output_dim()) +
                                   " columns, got " + std::to_string(y->cols));
  }
  if (y->rows != x.rows || (y->rows > 0 && y->data == nullptr)) {
    return Status::InvalidArgument("mlp targets y: " + std::to_string(y->rows) +
                                   " rows for " + std::to_string(x.rows) + " rows of x");
  }
  return Status::OK();
}

void Mlp::Reserve(int64_t rows, MlpWorkspace* ws) const {
  bool fits = ws->capacity_rows_ >= rows &&
              static_cast<int64_t>(ws->activations_.size()) == num_layers();
  for (int64_t l = 0; fits && l < num_layers(); ++l) {
    fits = ws->activations_[static_cast<std::size_t>(l)].dim(1) ==
               spec_.layers[static_cast<std::size_t>(l)].units &&
           ws->deltas_[static_cast<std::size_t>(l)].dim(1) == delta_stride(l);
  }
  const int64_t pieces = first_layer_pieces();
  const int64_t first_units = spec_.layers.front().units;
  const int64_t first_stride = internal::PaddedRowStride(first_units);
  if (fits && pieces > 1) {
    fits = ws->partials_.shape() == Shape{pieces, ws->capacity_rows_, first_stride} &&
           ws->packed_rows_.shape() == Shape{input_dim(), first_stride} &&
           ws->batch_x_.shape() == Shape{ws->capacity_rows_, input_dim()} &&
           static_cast<int64_t>(ws->input_pieces_.size()) == pieces;
  }
  if (fits) return;
  ws->next_batch_.started = false;  // its buffers are about to go
  const int64_t capacity = std::max(rows, ws->capacity_rows_);
  ws->activations_.clear();
  ws->deltas_.clear();
  for (int64_t l = 0; l < num_layers(); ++l) {
    ws->activations_.emplace_back(DType::kFloat32, Shape{capacity, spec_.layers[static_cast<std::size_t>(l)].units});
    ws->deltas_.emplace_back(DType::kFloat32, Shape{capacity, delta_stride(l)});
  }
  ws->partials_ = pieces > 1 ? Tensor(DType::kFloat32, Shape{pieces, capacity, first_stride}) : Tensor();
  ws->input_pieces_.assign(static_cast<std::size_t>(pieces > 1 ? pieces : 0), {});
  if (pieces > 1) {
    ws->packed_rows_ = Tensor(DType::kFloat32, Shape{input_dim(), first_stride});
    ws->batch_x_ = Tensor(DType::kFloat32, Shape{capacity, input_dim()});
  }
  ws->row_loss_.assign(static_cast<std::size_t>(capacity), 0.0);
  ws->row_correct_.assign(static_cast<std::size_t>(capacity), 0);
  ws->capacity_rows_ = capacity;
}

void Mlp::ReserveGathered(int64_t rows, int64_t x_cols, int64_t y_cols, MlpWorkspace* ws) const {
  if (ws->batch_x_.rank() != 2 || ws->batch_x_.dim(0) < rows || ws->batch_x_.dim(1) != x_cols) {
    ws->batch_x_ = Tensor(DType::kFloat32, Shape{std::max(rows, ws->capacity_rows_), x_cols});
  }
  if (y_cols > 0 && (ws->batch_y_.rank() != 2 || ws->batch_y_.dim(0) < rows || ws->batch_y_.dim(1) != y_cols)) {
    ws->batch_y_ = Tensor(DType::kFloat32, Shape{std::max(rows, ws->capacity_rows_), y_cols});
  }
}

const int64_t* Mlp::RowsInOrder(int64_t count, MlpWorkspace* ws) const {
  ws->rows_in_order_.resize(static_cast<std::size_t>(count));
  for (int64_t r = 0; r < count; ++r) ws->rows_in_order_[static_cast<std::size_t>(r)] = r;
  return ws->rows_in_order_.data();
}

MatrixView Mlp::DecodedBatch(MatrixView x, const int64_t** rows, MlpWorkspace* ws) const {
  if (!x.encoded()) return x;
  ReserveGathered(x.rows, x.cols, 0, ws);
  *rows = RowsInOrder(x.rows, ws);
  return MatrixView{ws->batch_x_.values<float>().data(), x.rows, x.cols};
}

void Mlp::DecodeWholeRows(MatrixView x, int64_t begin, int64_t end, MlpWorkspace* ws) const {
  // A split first layer's input pieces decode their own columns.
  if (!x.encoded() || first_layer_pieces() > 1) return;
  float* decoded = ws->batch_x_.values<float>().data();
  for (int64_t r = begin; r < end; ++r) x.ReadRow(r, 0, x.cols, decoded + r * x.cols);
}

BatchStats Mlp::SumStats(int64_t rows, const MlpWorkspace& ws) const {
  BatchStats stats;
  for (int64_t r = 0; r < rows; ++r) {
    stats.loss_sum += ws.row_loss_[static_cast<std::size_t>(r)];
    stats.correct += ws.row_correct_[static_cast<std::size_t>(r)];
  }
  stats.samples = rows;
  return stats;
}

Result<Tensor> Mlp::Predict(const Tensor& x, int64_t batch_size) const {
  Result<MatrixView> view = AsInputMatrix(x, "mlp input x");
  if (!view.ok()) return view.status();
  if (Status status = CheckBatch(*view, nullptr); !status.ok()) return status;
  if (batch_size <= 0) {
    return Status::InvalidArgument("mlp predict: batch_size must be positive, got " +
                                   std::to_string(batch_size));
  }
  const int64_t total = view->rows;
  const int64_t classes = output_dim();
  Tensor out(DType::kFloat32, Shape{total, classes});
  MlpWorkspace ws;
  Reserve(std::min(total, batch_size), &ws);
  for (int64_t start = 0; start < total; start += batch_size) {
    const MatrixView batch = view->Rows(start, std::min(total, start + batch_size));
    const int64_t* rows = nullptr;
    const MatrixView read = DecodedBatch(batch, &rows, &ws);
    Status status = FirstLayerPieces(batch, rows, batch.rows, &ws);
    if (!status.ok()) return status;
    status = ParallelFor(kRowShards, [&](int64_t s) {
      const RowRange range = SplitRows(batch.rows, kRowShards, s);
      if (range.begin == range.end) return Status::OK();
      DecodeWholeRows(batch, range.begin, range.end, &ws);
      return ForwardRows(read, range.begin, range.end, &ws);
    });
    if (!status.ok()) return status;
    std::memcpy(out.values<float>().data() + start * classes,
                ws.activations_.back().values<float>().data(),
                static_cast<std::size_t>(batch.rows * classes) * sizeof(float));
  }
  return out;
}

Result<BatchStats> Mlp::EvaluateBatch(MatrixView x, MatrixView y, MlpWorkspace* ws) const {
  if (Status status = CheckBatch(x, &y); !status.ok()) return status;
  Reserve(x.rows, ws);
  const int64_t* rows = nullptr;
  const MatrixView read = DecodedBatch(x, &rows, ws);
  Status status = FirstLayerPieces(x, rows, x.rows, ws);
  if (!status.ok()) return status;
  status = ParallelFor(kRowShards, [&](int64_t s) {
    const RowRange range = SplitRows(x.rows, kRowShards, s);
    if (range.begin == range.end) return Status::OK();
    DecodeWholeRows(x, range.begin, range.end, ws);
    Status forward = ForwardRows(read, range.begin, range.end, ws);
    if (!forward.ok()) return forward;
    return LossAndDeltaRows(y, x.rows, range.begin, range.end, /*with_deltas=*/false, ws);
  });
  if (!status.ok()) return status;
  return SumStats(x.rows, *ws);
}

Result<BatchStats> Mlp::ComputeGradients(MatrixView x, MatrixView y, MlpWorkspace* ws,
                                         std::vector<Tensor>* gradients,
                                         const GradientReadyFn& on_ready) const {
  return TrainBatch(x, y, nullptr, x.rows, ws, gradients, on_ready, {});
}

Result<BatchStats> Mlp::ComputeGradients(MatrixView x, MatrixView y, std::span<const int64_t> rows,
                                         MlpWorkspace* ws, std::vector<Tensor>* gradients,
                                         const GradientReadyFn& on_ready,
                                         std::span<const int64_t> next_rows) const {
  if (rows.empty()) return Status::InvalidArgument("mlp: cannot compute gradients of an empty batch");
  return TrainBatch(x, y, rows.data(), static_cast<int64_t>(rows.size()), ws, gradients, on_ready, next_rows);
}

Result<BatchStats> Mlp::TrainBatch(MatrixView x, MatrixView y, const int64_t* rows, int64_t count,
                                   MlpWorkspace* ws, std::vector<Tensor>* gradients,
                                   const GradientReadyFn& on_ready, std::span<const int64_t> next_rows) const {
  if (Status status = CheckBatch(x, &y); !status.ok()) return status;
  if (count == 0) return Status::InvalidArgument("mlp: cannot compute gradients of an empty batch");
  if (rows != nullptr) {
    if (Status status = CheckRowsInside({rows, static_cast<std::size_t>(count)}, x.rows); !status.ok()) return status;
  }
  if (Status status = CheckRowsInside(next_rows, x.rows); !status.ok()) return status;
  const bool start_next = on_ready && !next_rows.empty() && first_layer_pieces() > 1;
  const int64_t next_count = static_cast<int64_t>(next_rows.size());
  Reserve(start_next ? std::max(count, next_count) : count, ws);
  // An encoded x is always gathered, decoding as it goes: a batch in order
  // is rows 0..count-1.
  if (x.encoded() && rows == nullptr) rows = RowsInOrder(count, ws);
  if (gradients->size() != parameters_.size()) gradients->resize(parameters_.size());
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if ((*gradients)[i].shape() != parameters_[i].shape() || (*gradients)[i].dtype() != DType::kFloat32) {
      (*gradients)[i] = Tensor(DType::kFloat32, parameters_[i].shape());
    }
  }
  MatrixView bx = x, by = y;
  if (rows != nullptr) {
    ReserveGathered(count, x.cols, y.cols, ws);
    bx = MatrixView{ws->batch_x_.values<float>().data(), count, x.cols};
    by = MatrixView{ws->batch_y_.values<float>().data(), count, y.cols};
  }
  // Phase 0, with a split first layer: each input piece gathers its
  // columns of the batch's rows and computes its partial product, unless
  // the previous call did that already (its next_rows).
  const bool split_first_layer = first_layer_pieces() > 1;
  Status status = TakeNextBatchStart(x, rows, count, ws) ? Status::OK() : FirstLayerPieces(x, rows, count, ws);
  if (!status.ok()) return status;
  // Phase 1: each row shard gathers its rows (for a shuffled batch; only
  // the targets when phase 0 gathered the inputs), then runs forward, loss
  // and deltas for them.
  status = ParallelFor(kRowShards, [&](int64_t s) {
    const RowRange range = SplitRows(count, kRowShards, s);
    if (range.begin == range.end) return Status::OK();
    if (rows != nullptr) {
      float* gx = ws->batch_x_.values<float>().data();
      float* gy = ws->batch_y_.values<float>().data();
      for (int64_t r = range.begin; r < range.end; ++r) {
        if (!split_first_layer) x.ReadRow(rows[r], 0, x.cols, gx + r * x.cols);
        std::memcpy(gy + r * y.cols, y.row(rows[r]), static_cast<std::size_t>(y.cols) * sizeof(float));
      }
    }
    Status forward = ForwardRows(bx, range.begin, range.end, ws);
    if (!forward.ok()) return forward;
    return LossAndDeltaRows(by, count, range.begin, range.end, /*with_deltas=*/true, ws);
  });
  if (!status.ok()) return status;
  // Phase 2: weight gradients need every row, so they are split by weight
  // rows instead: no piece sums another's partial result. With next_rows,
  // each input piece then starts the next batch's phase 0 (mlp.h).
  StartNextPieceFn start_next_piece;
  if (start_next) {
    const int zero_code = x.encoded() ? internal::ZeroCode(x.table) : internal::kSeveralZeroCodes;
    start_next_piece = [&, zero_code](int64_t p, bool kernel_rows_copied) {
      return FirstLayerPiece(p, x, next_rows.data(), next_count, zero_code, ws, kernel_rows_copied);
    };
  }
  status = WeightGradients(bx, count, ws, gradients, on_ready, start_next_piece);
  if (!status.ok()) return status;
  if (start_next) {
    MlpWorkspace::NextBatchStart& next = ws->next_batch_;
    next.started = true;
    next.x = x;
    next.rows.assign(next_rows.begin(), next_rows.end());
    next.kernel = parameters_[0].values<float>().data();
    next.parameters_version = parameters_version_;
  }
  return SumStats(count, *ws);
}

bool Mlp::TakeNextBatchStart(MatrixView x, const int64_t* rows, int64_t count, MlpWorkspace* ws) const {
  MlpWorkspace::NextBatchStart& next = ws->next_batch_;
  if (!next.started) return false;
  next.started = false;
  return rows != nullptr && next.x.data == x.data && next.x.codes == x.codes && next.x.table == x.table &&
         next.x.rows == x.rows && next.x.cols == x.cols && next.kernel == parameters_[0].values<float>().data() &&
         next.parameters_version == parameters_version_ &&
         std::equal(next.rows.begin(), next.rows.end(), rows, rows + count);
}

}  // namespace runexp::nn
