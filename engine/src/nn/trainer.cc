#include "runexp/nn/trainer.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <span>
#include <utility>


namespace runexp::nn {

namespace {

Status CheckData(const Mlp& model, MatrixView x, MatrixView y) {
  if (x.cols != model.input_dim() || y.cols != model.output_dim() || x.rows != y.rows) {
    return Status::InvalidArgument(
        "data (" + std::to_string(x.rows) + ", " + std::to_string(x.cols) + ") -> (" +
        std::to_string(y.rows) + ", " + std::to_string(y.cols) + ") does not fit a model " +
        std::to_string(model.input_dim()) + " -> " + std::to_string(model.output_dim()));
  }
  return Status::OK();
}

}  // namespace

Result<BatchStats> Evaluate(const Mlp& model, MatrixView x, MatrixView y, int64_t batch_size,
                            MlpWorkspace* workspace) {
  if (batch_size <= 0) {
    return Status::InvalidArgument("evaluate: batch_size must be positive, got " +
                                   std::to_string(batch_size));
  }
  if (Status status = CheckData(model, x, y); !status.ok()) return status.WithContext("evaluate");
  BatchStats total;
  MlpWorkspace own_workspace;
  MlpWorkspace* ws = workspace != nullptr ? workspace : &own_workspace;
  for (int64_t start = 0; start < x.rows; start += batch_size) {
    const int64_t end = std::min(x.rows, start + batch_size);
    Result<BatchStats> stats = model.EvaluateBatch(x.Rows(start, end), y.Rows(start, end), ws);
    if (!stats.ok()) return stats.status();
    total += *stats;
  }
  return total;
}

Result<BatchStats> Evaluate(const Mlp& model, const Tensor& x, const Tensor& y, int64_t batch_size,
                            MlpWorkspace* workspace) {
  Result<MatrixView> xv = AsInputMatrix(x, "evaluate x");
  if (!xv.ok()) return xv.status();
  Result<MatrixView> yv = AsMatrix(y, "evaluate y");
  if (!yv.ok()) return yv.status();
  return Evaluate(model, *xv, *yv, batch_size, workspace);
}

Trainer::Trainer(Mlp model, Optimizer optimizer, TrainOptions options, RandomStream shuffle_stream)
    : model_(std::move(model)),
      optimizer_(std::move(optimizer)),
      options_(options),
      shuffle_stream_(shuffle_stream) {}

Result<Trainer> Trainer::Create(Mlp model, Optimizer optimizer, TrainOptions options,
                                RandomStream shuffle_stream) {
  if (options.batch_size <= 0) {
    return Status::InvalidArgument("trainer: batch_size must be positive, got " +
                                   std::to_string(options.batch_size));
  }
  if (!(options.validation_split >= 0.0 && options.validation_split < 1.0)) {
    return Status::InvalidArgument("trainer: validation_split must be in [0, 1), got " +
                                   std::to_string(options.validation_split));
  }
  if (Status status = optimizer.CheckShapes(model.parameters(), "model parameters"); !status.ok()) {
    return status.WithContext("trainer");
  }
  return Trainer(std::move(model), std::move(optimizer), options, shuffle_stream);
}

Result<EpochMetrics> Trainer::RunEpoch(const Tensor& x, const Tensor& y,
                                       const StepObserver& observer) {
  Result<MatrixView> xv = AsInputMatrix(x, "train x");
  if (!xv.ok()) return xv.status();
  Result<MatrixView> yv = AsMatrix(y, "train y");
  if (!yv.ok()) return yv.status();
  if (Status status = CheckData(model_, *xv, *yv); !status.ok()) return status.WithContext("train");

  const int64_t total = xv->rows;
  int64_t split_at = total;
  if (options_.validation_split > 0.0) {
    // The same double arithmetic as Keras' int(floor(n * (1. - split))).
    split_at = static_cast<int64_t>(std::floor(static_cast<double>(total) * (1.0 - options_.validation_split)));
    if (split_at <= 0 || split_at >= total) {
      return Status::InvalidArgument(
          "train: " + std::to_string(total) + " samples cannot be split into training and "
          "validation sets with validation_split=" + std::to_string(options_.validation_split));
    }
  }
  if (split_at == 0) return Status::InvalidArgument("train: no training samples");

  std::vector<int64_t> order;
  if (options_.shuffle) order = shuffle_stream_.Permutation(split_at);

  EpochMetrics metrics;
  const int64_t steps = (split_at + options_.batch_size - 1) / options_.batch_size;
  // The optimizer updates each piece of the parameters as soon as its
  // gradient is final, while it is in cache: the same bits as Apply after
  // the pass, without streaming the whole gradient through memory again.
  // Taken once: every call of mutable_parameters() counts as a change, which
  // would throw away the next batch's early start (mlp.h, next_rows).
  std::vector<Tensor>& parameters = model_.mutable_parameters();
  const auto update = [&](std::size_t index, int64_t begin, int64_t end, const float* values) {
    optimizer_.UpdateRange(index, begin, end, values, parameters[index]);
  };
  // x may be another tensor, or refilled, since the last epoch.
  workspace_.DiscardNextBatchStart();
  const auto batch_rows = [&](int64_t start) {
    return std::span<const int64_t>(order.data() + start,
                                    static_cast<std::size_t>(std::min(options_.batch_size, split_at - start)));
  };
  for (int64_t start = 0; start < split_at; start += options_.batch_size) {
    const int64_t count = std::min(options_.batch_size, split_at - start);
    if (Status status = optimizer_.BeginStep(model_.parameters()); !status.ok()) return status;
    // A shuffled batch is gathered by the pieces that first read it, and the
    // next one's first-layer work starts as soon as its weights are updated
    // (mlp.h); the epoch's last step has no next batch.
    const int64_t next = start + count;
    Result<BatchStats> stats =
        options_.shuffle
            ? model_.ComputeGradients(*xv, *yv, batch_rows(start), &workspace_, &gradients_, update,
                                      next < split_at ? batch_rows(next) : std::span<const int64_t>())
            : model_.ComputeGradients(xv->Rows(start, start + count), yv->Rows(start, start + count),
                                      &workspace_, &gradients_, update);
    if (!stats.ok()) return stats.status();
    optimizer_.EndStep();
    metrics.train += *stats;
    ++metrics.steps;
    if (observer) {
      if (Status status = observer(metrics.steps, steps, metrics.train); !status.ok()) return status;
    }
  }
  if (split_at < total) {
    Result<BatchStats> validation = Evaluate(model_, xv->Rows(split_at, total),
                                             yv->Rows(split_at, total), options_.batch_size);
    if (!validation.ok()) return validation.status();
    metrics.validation = *validation;
  }
  metrics.epoch = ++epochs_completed_;
  return metrics;
}

}  // namespace runexp::nn
