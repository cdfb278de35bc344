// Mlp: a multilayer perceptron of dense layers — its parameters, batched
// inference, and the forward + backward pass of one training batch.
//
// Parameters are float32 tensors in layer order: kernel_0 (in, out) row-major,
// bias_0 (out), kernel_1, bias_1, ... — the layout Keras and the checkpoint
// schema use. Training produces the gradients of the batch's mean loss in
// the same layout; an Optimizer (optimizer.h) turns them into an update.
//
// Softmax as the last layer with categorical cross-entropy is fused: its
// gradient with respect to the logits is (p - y) / batch. The softmax itself
// subtracts each row's maximum before exponentiating (the log-sum-exp trick),
// so large logits cannot overflow. The reported loss follows Keras exactly:
// p is renormalised to sum to one and clipped to [1e-7, 1 - 1e-7] before the
// log, so a confidently wrong sample costs at most -log(1e-7) ≈ 16.1. (Keras
// also zeroes the gradient of a clipped probability; the fused gradient does
// not, which differs by less than 1e-7 per logit.) Accuracy compares the
// argmax of prediction and target, ties going to the lowest index, as
// tf.argmax does.
//
// Determinism: work is split into a FIXED number of row shards of the batch
// (and fixed blocks of each weight gradient, and, for a large first layer,
// fixed pieces of its input columns whose partial products are added in
// piece order), decided by the shapes alone, independent of the thread
// count; each piece is one single-threaded GEMM writing its own outputs, of
// a fixed shape except that a first-layer piece may leave out the inputs
// that are zero in the whole batch (the data decides, never the threads:
// engine/src/nn/zero_inputs.h), and every sum across rows runs in row
// order. Training, evaluation and prediction compute the forward pass the
// same way. Results are
// therefore bit-identical whatever the oneTBB concurrency (1 thread, 2
// threads, any task_arena) on a given machine and build. Every piece runs
// with denormals flushed to zero (FTZ/DAZ, as TensorFlow's CPU kernels do):
// set on entry to the piece and restored on exit, so it holds on every
// thread without touching the floating-point settings the application's
// threads otherwise use.
//
// Thread-safety: const methods may run concurrently provided each caller
// passes its own MlpWorkspace and gradient vector. They parallelise
// internally with oneTBB, in the caller's task arena: limit threads with
// tbb::global_control or tbb::task_arena. Mutating parameters while another
// thread reads them is a data race.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runexp/nn/matrix_view.h"
#include "runexp/nn/mlp_spec.h"
#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::nn {

// Loss and accuracy of some samples, kept as sums so that batches combine
// exactly (Keras' epoch figures weight each batch by its size: they are
// per-sample means over the epoch).
struct BatchStats {
  double loss_sum = 0.0;  // sum over samples of the per-sample loss
  int64_t correct = 0;    // samples whose argmax prediction matches the target's
  int64_t samples = 0;

  double mean_loss() const { return samples > 0 ? loss_sum / static_cast<double>(samples) : 0.0; }
  double accuracy() const {
    return samples > 0 ? static_cast<double>(correct) / static_cast<double>(samples) : 0.0;
  }
  BatchStats& operator+=(const BatchStats& other);
};

// Scratch buffers for one batch: activations and deltas of every layer. It
// grows to the largest batch seen and is then reused, so steady-state
// training allocates nothing. Not shareable between concurrent calls.
class MlpWorkspace {
 public:
  MlpWorkspace() = default;

  // Drops the next batch's first-layer work that a ComputeGradients call
  // with next_rows started here, so the next call does it afresh. Needed
  // only when x's values may have changed in place between two calls.
  void DiscardNextBatchStart() { next_batch_.started = false; }

 private:
  friend class Mlp;
  int64_t capacity_rows_ = 0;
  std::vector<Tensor> activations_;  // per layer (capacity_rows, units)
  // Per layer: dLoss/dPreactivation, (capacity_rows, delta_stride(l)).
  std::vector<Tensor> deltas_;
  std::vector<double> row_loss_;
  std::vector<uint8_t> row_correct_;
  // The gathered rows of a shuffled batch (ComputeGradients with rows), or
  // the decoded rows of any batch of an encoded x (MatrixView::encoded);
  // with a split first layer, also the packed columns of any batch.
  Tensor batch_x_;
  // 0, 1, 2, ...: the row list of an encoded x's batch taken in order, so
  // that it goes through the gathering (decoding) paths.
  std::vector<int64_t> rows_in_order_;
  Tensor batch_y_;
  // A split first layer's partial products: (input pieces, capacity_rows,
  // padded units: row_stride.h), about four times the layer's activations
  // (8.3 MiB for 1024 rows of 512).
  Tensor partials_;
  // Per input piece of a split first layer: the runs of its columns that
  // are non-zero somewhere in this batch (first column within the piece,
  // count; on MNIST about one per image row), and whether its product
  // skips the others (zero_inputs.h). A skipping piece's kept columns are
  // packed at the start of its columns in batch_x_.
  struct InputPiece {
    bool skips_zero_columns = false;
    std::vector<std::pair<int64_t, int64_t>> kept_runs;
    std::vector<uint32_t> magnitude_bits;  // scratch: per column of the piece
  };
  std::vector<InputPiece> input_pieces_;
  // (input_dim, padded units: row_stride.h): the kernel rows each input
  // piece's forward product reads (a skipping piece's kept rows, packed),
  // then a skipping piece's gradient of those rows, each piece at its own
  // rows.
  Tensor packed_rows_;
  // What the input pieces' next-batch work in the workspace was done for
  // (ComputeGradients' next_rows): the batch rows `rows` of x, with the
  // first kernel at `kernel` as of parameters version `parameters_version`.
  // The next call uses that work only if all of it still holds.
  struct NextBatchStart {
    bool started = false;
    MatrixView x;
    std::vector<int64_t> rows;
    const float* kernel = nullptr;
    uint64_t parameters_version = 0;
  };
  NextBatchStart next_batch_;
};

class Mlp {
 public:
  // InvalidArgument for a bad spec (see ValidateSpec). Parameters start at zero.
  static Result<Mlp> Create(MlpSpec spec);

  const MlpSpec& spec() const { return spec_; }
  int64_t input_dim() const { return spec_.input_dim; }
  int64_t output_dim() const { return spec_.layers.back().units; }
  int64_t num_layers() const { return static_cast<int64_t>(spec_.layers.size()); }
  // Fan-in of layer i: the input width or the previous layer's units.
  int64_t layer_inputs(int64_t layer) const;

  const std::vector<Tensor>& parameters() const { return parameters_; }
  // For optimizers: values may change, shapes and dtypes must not.
  // Each call counts as a change of the parameters (see next_rows below).
  std::vector<Tensor>& mutable_parameters() {
    ++parameters_version_;
    return parameters_;
  }
  // "dense_0/kernel", "dense_0/bias", "dense_1/kernel", ...
  static std::string ParameterName(std::size_t index);
  int64_t num_parameter_values() const;

  // Replaces all parameters (e.g. from a checkpoint). InvalidArgument, naming
  // the parameter, unless count, dtype and every shape match the spec.
  Status SetParameters(std::vector<Tensor> parameters);

  // Keras defaults: every kernel Glorot-uniform from the stream
  // "<stream_prefix>/dense_<i>/kernel" of `seed`, every bias zero. One
  // stream per layer, so changing one layer's size leaves the others' draws alone.
  void InitGlorotUniform(uint64_t seed, std::string_view stream_prefix = "mlp");

  // Output of the last layer for every row of x (N, input_dim) → (N, output_dim),
  // computed `batch_size` rows at a time (so, as for EvaluateBatch, a row's
  // last bits may depend on the other rows of its batch).
  Result<Tensor> Predict(const Tensor& x, int64_t batch_size = 128) const;

  // Loss and accuracy of one batch, without gradients. The batch is computed
  // as a whole: predictions for a row may depend in the last bits on the
  // batch's row count (GEMM blocking) and on which inputs are zero in all
  // its rows (skipped), never on the thread count.
  Result<BatchStats> EvaluateBatch(MatrixView x, MatrixView y, MlpWorkspace* workspace) const;

  // Called once for every finished piece of the gradients: elements
  // [begin, end) of parameter `index` are final, and `values` holds them
  // (end - begin floats, valid during the call), or is nullptr where they
  // are all exactly +0. See ComputeGradients.
  using GradientReadyFn =
      std::function<void(std::size_t index, int64_t begin, int64_t end, const float* values)>;

  // Forward + backward on one batch: fills `gradients` (reshaped to the
  // parameters' layout if needed; only without on_ready, see below) with
  // the gradient of the batch's MEAN loss, and returns the batch's loss and
  // accuracy (before any update).
  //
  // on_ready, if set, runs on oneTBB threads, concurrently for disjoint
  // pieces, right after each piece is computed and while it is still in
  // cache. By then the pass no longer reads the parameters, so on_ready may
  // update exactly those elements in place (Trainer applies the optimizer
  // this way: Optimizer::UpdateRange). The pieces cover every element of
  // every parameter exactly once. With on_ready, `gradients` is scratch
  // and only `values` is the gradient: the kernel rows of a first-layer
  // piece that skips zero inputs are handed over where they were computed,
  // packed in the workspace, never written out (unpacking them made MNIST
  // epochs slower: docs/performance.md), and the skipped rows, whole rows at
  // a time, with values nullptr (their gradient is +0: Optimizer::UpdateRange
  // then only counts the step).
  Result<BatchStats> ComputeGradients(MatrixView x, MatrixView y, MlpWorkspace* workspace,
                                      std::vector<Tensor>* gradients,
                                      const GradientReadyFn& on_ready = nullptr) const;

  // The same on the batch made of rows `rows` of x and y, in that order (a
  // shuffled batch): the pieces that first read the batch copy their part of
  // it into the workspace as they start (row shards their rows; with a split
  // first layer, input pieces their columns and row shards the targets), so
  // there is no separate gather pass over the batch. The
  // bits are those of gathering the rows first and calling the overload
  // above. InvalidArgument for an empty `rows` or an index outside x.
  //
  // next_rows, if not empty, are the rows of x the next call will train on
  // (as Trainer knows within an epoch). With on_ready and a split first
  // layer, each input piece then starts that batch's work as soon as
  // on_ready has updated its kernel rows, in the same task: it gathers its
  // columns of the next batch and computes their partial product, which the
  // next call with this x and these rows uses instead of starting with a
  // phase of its own. A step then waits for all threads twice instead of
  // three times and the next product reads kernel rows still in cache (2-3%
  // off a two-thread MNIST epoch: docs/performance.md); no bit changes, as
  // the work is the same, on the same values.
  // The next call checks that x's view, the rows and the parameters
  // (mutable_parameters, SetParameters, InitGlorotUniform count as changes)
  // are what the work was done for, and otherwise does it afresh; it cannot
  // see x's values changed in place or parameters written through an older
  // reference (MlpWorkspace::DiscardNextBatchStart covers the first).
  // Ignored without on_ready or a split first layer. InvalidArgument for an
  // index outside x.
  Result<BatchStats> ComputeGradients(MatrixView x, MatrixView y, std::span<const int64_t> rows,
                                      MlpWorkspace* workspace, std::vector<Tensor>* gradients,
                                      const GradientReadyFn& on_ready = nullptr,
                                      std::span<const int64_t> next_rows = {}) const;

 private:
  explicit Mlp(MlpSpec spec);
  Status CheckBatch(MatrixView x, const MatrixView* y) const;
  void Reserve(int64_t rows, MlpWorkspace* workspace) const;
  // batch_x_ (and batch_y_ when y_cols > 0) with room for `rows` rows of
  // the batch's columns: where a batch is gathered.
  void ReserveGathered(int64_t rows, int64_t x_cols, int64_t y_cols, MlpWorkspace* workspace) const;
  // The row list 0..count-1, held in the workspace: how a batch taken in
  // order goes through the gathering (decoding) paths.
  const int64_t* RowsInOrder(int64_t count, MlpWorkspace* workspace) const;
  // For an encoded x, whose batches are always gathered: the row list
  // 0..count-1 (set as *rows) and the view of batch_x_ that the forward
  // passes then read. Nothing (x itself) for a float x.
  MatrixView DecodedBatch(MatrixView x, const int64_t** rows, MlpWorkspace* workspace) const;
  // Rows [begin, end) of an encoded batch x decoded into batch_x_, when the
  // first layer is not split (it reads whole rows; a split one's input
  // pieces decode their own columns). Nothing otherwise.
  void DecodeWholeRows(MatrixView x, int64_t begin, int64_t end, MlpWorkspace* workspace) const;
  // Both ComputeGradients: rows == nullptr means the batch is all of x and y.
  Result<BatchStats> TrainBatch(MatrixView x, MatrixView y, const int64_t* rows, int64_t count,
                                MlpWorkspace* workspace, std::vector<Tensor>* gradients,
                                const GradientReadyFn& on_ready, std::span<const int64_t> next_rows) const;
  // Input pieces of the first layer's forward pass (sharding.h): 1 or kInputPieces.
  int64_t first_layer_pieces() const;
  // The row stride of layer l's deltas in the workspace: padded
  // (row_stride.h) for a hidden layer, whose deltas a weight-gradient GEMM
  // reads in place; the units for the output layer.
  int64_t delta_stride(int64_t l) const;
  // The phase before the row shards (nothing for an unsplit first layer):
  // each input piece multiplies its columns of the batch (gathering them first from
  // rows `rows` of x when rows != nullptr) by its kernel rows, into partials_.
  Status FirstLayerPieces(MatrixView x, const int64_t* rows, int64_t count, MlpWorkspace* workspace) const;
  // Input piece p's part of that phase; zero_code is internal::ZeroCode of
  // an encoded x's table (zero_inputs.h). kernel_rows_copied: all of the
  // piece's kernel rows are in packed_rows_ already, as the kernel holds
  // them now (WeightGradients copied them as they were updated).
  Status FirstLayerPiece(int64_t p, MatrixView x, const int64_t* rows, int64_t count, int zero_code,
                         MlpWorkspace* workspace, bool kernel_rows_copied = false) const;
  // Whether the workspace holds the first-layer phase of exactly this batch,
  // done early by the previous call's next_rows; either way it holds it no longer.
  bool TakeNextBatchStart(MatrixView x, const int64_t* rows, int64_t count, MlpWorkspace* workspace) const;
  // Rows [begin, end) of the batch: forward through every layer (the first
  // from its partial products when it is split); then the per-row loss and
  // accuracy and, with_deltas, every layer's deltas.
  Status ForwardRows(MatrixView x, int64_t begin, int64_t end, MlpWorkspace* workspace) const;
  Status LossAndDeltaRows(MatrixView y, int64_t batch_rows, int64_t begin, int64_t end,
                          bool with_deltas, MlpWorkspace* workspace) const;
  // Rows [begin, end) of the first layer's kernel gradient, inside input
  // piece `input_piece`, which skipped its all-zero columns in this batch.
  // Its values go to on_ready when set, else into dw.
  Status PackedFirstLayerGradient(int64_t input_piece, int64_t begin, int64_t end, int64_t rows,
                                  MlpWorkspace* workspace, float* dw, const GradientReadyFn& on_ready) const;
  // With start_next_piece, the task that owns input piece p calls it with p
  // right after its own pieces (the kernel rows of that input piece), and
  // with whether it copied all of those rows to packed_rows_ after on_ready
  // updated them (for FirstLayerPiece's kernel_rows_copied).
  using StartNextPieceFn = std::function<Status(int64_t input_piece, bool kernel_rows_copied)>;
  Status WeightGradients(MatrixView x, int64_t rows, MlpWorkspace* workspace,
                         std::vector<Tensor>* gradients, const GradientReadyFn& on_ready,
                         const StartNextPieceFn& start_next_piece = nullptr) const;
  BatchStats SumStats(int64_t rows, const MlpWorkspace& workspace) const;

  MlpSpec spec_;
  std::vector<Tensor> parameters_;
  // Counts the ways the parameters can change other than through on_ready.
  uint64_t parameters_version_ = 0;
};

}  // namespace runexp::nn
