// Benchmarks of runexp_nn's hot kernels on the reference model
// (784-512-10, batch 128): the GEMMs of one training step, the forward
// pass, the gradients, each optimizer's update, one whole step (with the
// optimizer fused into the backward pass, as Trainer runs it, and apart),
// the test-set evaluation and a whole epoch, at 1 and 2 oneTBB threads (the
// epoch at every thread count up to the cores). An epoch of MNIST is 469
// steps; one epoch's products are 98.18 GFLOP. data_bench.cc times the data
// stages; gemm_bound.cc the GEMM libraries themselves.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runexp/nn/gemm.h"
#include "runexp/nn/mlp.h"
#include "runexp/nn/optimizer.h"
#include "runexp/nn/random.h"
#include "runexp/nn/trainer.h"
#include "idx_file.h"
#include "nn/row_stride.h"

namespace runexp::nn {
namespace {

constexpr int64_t kBatch = 128, kIn = 784, kHidden = 512, kClasses = 10;
// Multiply-adds of one step: forward (2 layers), backward into the hidden
// layer, and both weight gradients.
constexpr double kStepFlops = 2.0 * kBatch * (kIn * kHidden * 2 + kHidden * kClasses * 3);

std::vector<float> RandomValues(int64_t n, const char* name) {
  RandomStream stream(1, name);
  std::vector<float> v(static_cast<std::size_t>(n));
  for (float& x : v) x = stream.Uniform(-1.0f, 1.0f);
  return v;
}

// Args: trans_a, trans_b, m, n, k. Always one thread: that is Sgemm's contract.
void BM_Sgemm(benchmark::State& state) {
  const bool ta = state.range(0) != 0, tb = state.range(1) != 0;
  const int64_t m = state.range(2), n = state.range(3), k = state.range(4);
  const std::vector<float> a = RandomValues(m * k, "a"), b = RandomValues(k * n, "b");
  std::vector<float> c(static_cast<std::size_t>(m * n));
  for (auto _ : state) {
    Status status = Sgemm(ta, tb, m, n, k, 1.0f, a.data(), ta ? m : k, b.data(), tb ? k : n, 0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * m * n * k * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Sgemm)
    ->ArgNames({"ta", "tb", "m", "n", "k"})
    ->Args({0, 0, kBatch, kHidden, kIn})        // forward, layer 1
    ->Args({0, 0, kBatch / 4, kHidden, kIn})    // the same, one row shard
    ->Args({1, 0, kIn, kHidden, kBatch})        // weight gradient, layer 1
    ->Args({1, 0, kIn / 8, kHidden, kBatch})    // the same, one block
    ->Args({0, 0, kBatch, kClasses, kHidden})   // forward, layer 2
    ->Args({0, 1, kBatch, kHidden, kClasses})   // delta into the hidden layer
    ->Args({1, 0, kHidden, kClasses, kBatch});  // weight gradient, layer 2

// The first layer's weight gradient dW = X^T · dZ cut into `blocks`
// products, each of a strip of X's 784 columns (lda 784) into its rows of
// dW; 1 is the single product the GEMM bound times. `padded`: the deltas'
// rows 528 floats apart, as the trainer stores them (nn/row_stride.h), or
// 512 (2 KiB). On AVX2, oneDNN 2.6 runs any product with 1/m + 1/n >= 0.0038
// (its column-major m, n: 512 units by the strip's width) on its no-copy
// kernels, which read the deltas in place, and only the whole 784-wide
// product on its packing ones; at the 2 KiB stride the strips' rows evict
// each other, which is what the padding is for (2026-12-02, one thread,
// runs minutes apart: 1 block 69-83 GFLOP/s; 2 and 8 blocks 42-55 at the
// 2 KiB stride, 62-77 padded; docs/performance.md).
void BM_FirstLayerGradientBlocks(benchmark::State& state) {
  const int64_t blocks = state.range(0);
  const int64_t delta_stride = state.range(1) != 0 ? internal::PaddedRowStride(kHidden) : kHidden;
  const std::vector<float> x = RandomValues(kBatch * kIn, "x"), delta = RandomValues(kBatch * delta_stride, "delta");
  std::vector<float> dw(static_cast<std::size_t>(kIn * kHidden));
  for (auto _ : state) {
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t begin = kIn * b / blocks, end = kIn * (b + 1) / blocks;
      Status status = Sgemm(true, false, end - begin, kHidden, kBatch, 1.0f, x.data() + begin, kIn, delta.data(),
                            delta_stride, 0.0f, dw.data() + begin * kHidden, kHidden);
      if (!status.ok()) state.SkipWithError(status.ToString().c_str());
    }
    benchmark::DoNotOptimize(dw.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * kIn * kHidden * kBatch * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FirstLayerGradientBlocks)->ArgNames({"blocks", "padded"})->ArgsProduct({{1, 2, 8}, {0, 1}});

struct Reference {
  Mlp model;
  Tensor x, y;
};

Reference MakeReference() {
  Mlp model = *Mlp::Create({kIn, {{kHidden, Activation::kRelu}, {kClasses, Activation::kSoftmax}},
                            Loss::kCategoricalCrossentropy});
  model.InitGlorotUniform(1);
  Tensor x(DType::kFloat32, {kBatch, kIn}), y(DType::kFloat32, {kBatch, kClasses});
  RandomStream stream(1, "bench/data");
  for (float& v : x.values<float>()) v = stream.NextFloat();
  for (int64_t r = 0; r < kBatch; ++r) y.values<float>()[r * kClasses + r % kClasses] = 1.0f;
  return {std::move(model), std::move(x), std::move(y)};
}

void SetThreadsLabel(benchmark::State& state) { state.SetLabel(std::to_string(state.range(0)) + " thread(s)"); }

void BM_Forward(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  Reference ref = MakeReference();
  MlpWorkspace ws;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ref.model.EvaluateBatch(*AsMatrix(ref.x, "x"), *AsMatrix(ref.y, "y"), &ws));
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * kBatch * (kIn * kHidden + kHidden * kClasses) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
  SetThreadsLabel(state);
}
BENCHMARK(BM_Forward)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();

void BM_Gradients(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  Reference ref = MakeReference();
  MlpWorkspace ws;
  std::vector<Tensor> grads;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ref.model.ComputeGradients(*AsMatrix(ref.x, "x"), *AsMatrix(ref.y, "y"), &ws, &grads));
  }
  state.counters["GFLOP/s"] = benchmark::Counter(kStepFlops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  SetThreadsLabel(state);
}
BENCHMARK(BM_Gradients)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();

// Args: threads, optimizer kind, denormal (1: accumulators start in the
// denormal range, as those of always-zero MNIST border pixels end up).
void BM_OptimizerUpdate(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  const auto kind = static_cast<OptimizerKind>(state.range(1));
  Reference ref = MakeReference();
  std::vector<Tensor>& params = ref.model.mutable_parameters();
  OptimizerConfig config = kind == OptimizerKind::kSgd ? OptimizerConfig::Sgd(0.01f, 0.9f)
                           : kind == OptimizerKind::kAdam ? OptimizerConfig::Adam() : OptimizerConfig::Rmsprop();
  Optimizer optimizer = *Optimizer::Create(config, params);
  std::vector<Tensor> grads;
  for (const Tensor& p : params) {
    grads.emplace_back(DType::kFloat32, p.shape());
    // Tiny gradients keep the weights (and the state) where they are.
    for (float& g : grads.back().values<float>()) g = state.range(2) ? 0.0f : 1e-3f;
  }
  if (state.range(2)) {
    OptimizerState denormal = optimizer.state();
    for (Tensor& slot : denormal.slots) {
      for (float& v : slot.values<float>()) v = 1e-39f;
    }
    (void)optimizer.SetState(std::move(denormal));
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(optimizer.Apply(grads, &params));
    if (state.range(2)) {  // keep the state denormal: rho^n would flush it to zero
      state.PauseTiming();
      OptimizerState denormal = optimizer.state();
      for (Tensor& slot : denormal.slots) {
        for (float& v : slot.values<float>()) v = 1e-39f;
      }
      (void)optimizer.SetState(std::move(denormal));
      state.ResumeTiming();
    }
  }
  state.counters["params/s"] = benchmark::Counter(static_cast<double>(ref.model.num_parameter_values()),
                                                  benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::string(OptimizerName(kind)) + (state.range(2) ? " denormal state, " : ", ") +
                 std::to_string(state.range(0)) + " thread(s)");
}
BENCHMARK(BM_OptimizerUpdate)
    ->ArgNames({"threads", "kind", "denormal"})
    ->ArgsProduct({{1, 2},
                   {static_cast<int64_t>(OptimizerKind::kSgd), static_cast<int64_t>(OptimizerKind::kRmsprop),
                    static_cast<int64_t>(OptimizerKind::kAdam)},
                   {0}})
    ->Args({1, static_cast<int64_t>(OptimizerKind::kRmsprop), 1})
    ->UseRealTime();

// The arithmetic floor of an optimizer's update: the same kernel on a block
// small enough to stay in L1 (3 or 4 arrays × 8 KB), updated over and over, so no
// memory traffic is timed. RMSprop's IEEE-exact sqrt and division run on the
// core's divider, which no layout or fusion can speed up; bench/run.sh turns
// this figure into the least an epoch can cost above its GEMM bound.
// Args: optimizer kind. One thread: the floor scales with cores.
void BM_OptimizerUpdateInL1(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, 1);
  const auto kind = static_cast<OptimizerKind>(state.range(0));
  constexpr int64_t kBlock = 2048;  // parameters per update
  constexpr int kUpdatesPerStep = 64;
  Reference ref = MakeReference();
  std::vector<Tensor>& params = ref.model.mutable_parameters();
  OptimizerConfig config = kind == OptimizerKind::kSgd ? OptimizerConfig::Sgd(0.01f, 0.9f)
                           : kind == OptimizerKind::kAdam ? OptimizerConfig::Adam() : OptimizerConfig::Rmsprop();
  Optimizer optimizer = *Optimizer::Create(config, params);
  Tensor gradient(DType::kFloat32, params[0].shape());
  for (float& g : gradient.values<float>()) g = 1e-3f;
  for (auto _ : state) {
    (void)optimizer.BeginStep(params);
    for (int u = 0; u < kUpdatesPerStep; ++u) optimizer.UpdateRange(0, 0, kBlock, gradient, params[0]);
    optimizer.EndStep();
    benchmark::ClobberMemory();
  }
  const double updated = static_cast<double>(kBlock) * kUpdatesPerStep;
  state.counters["params/s"] = benchmark::Counter(updated, benchmark::Counter::kIsIterationInvariantRate);
  // Seconds for one update of the whole model (the book's 407,050 parameters).
  state.counters["model_update_s"] =
      benchmark::Counter(updated / static_cast<double>(ref.model.num_parameter_values()),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetLabel(std::string(OptimizerName(kind)) + ", data in L1, 1 thread");
}
BENCHMARK(BM_OptimizerUpdateInL1)
    ->ArgName("kind")
    ->Arg(static_cast<int64_t>(OptimizerKind::kSgd))
    ->Arg(static_cast<int64_t>(OptimizerKind::kRmsprop))
    ->Arg(static_cast<int64_t>(OptimizerKind::kAdam))
    ->UseRealTime();

// One full training step: gradients + RMSprop update. Epoch ≈ 469 × this.
// fused=1 is what Trainer does: each gradient piece is applied by
// Optimizer::UpdateRange as soon as it is final, while it is in cache;
// fused=0 runs Optimizer::Apply after the pass. Same bits either way.
void BM_TrainStep(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  const bool fused = state.range(1) != 0;
  Reference ref = MakeReference();
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(), ref.model.parameters());
  MlpWorkspace ws;
  std::vector<Tensor> grads;
  std::vector<Tensor>& params = ref.model.mutable_parameters();
  const MatrixView x = *AsMatrix(ref.x, "x"), y = *AsMatrix(ref.y, "y");
  for (auto _ : state) {
    if (fused) {
      (void)optimizer.BeginStep(params);
      benchmark::DoNotOptimize(ref.model.ComputeGradients(x, y, &ws, &grads, [&](std::size_t i, int64_t b, int64_t e, const float* g) {
        optimizer.UpdateRange(i, b, e, g, params[i]);
      }));
      optimizer.EndStep();
    } else {
      benchmark::DoNotOptimize(ref.model.ComputeGradients(x, y, &ws, &grads));
      benchmark::DoNotOptimize(optimizer.Apply(grads, &params));
    }
  }
  state.counters["GFLOP/s"] = benchmark::Counter(kStepFlops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  // Seconds per 469 steps: the rate of iterations/469, inverted.
  state.counters["epoch_s"] = benchmark::Counter(static_cast<double>(state.iterations()) / 469.0,
                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(std::string(fused ? "fused update, " : "separate update, ") + std::to_string(state.range(0)) +
                 " thread(s)");
}
BENCHMARK(BM_TrainStep)->ArgNames({"threads", "fused"})->ArgsProduct({{1, 2}, {0, 1}})->UseRealTime();

// The MNIST training set as the experiment feeds it to the trainer: the
// pixels as bytes with the table of their values × (1/255) in float32
// (reshape_normalize, storage = "uint8_table"), one-hot labels. Empty
// tensors when the files are missing (scripts/fetch-data.sh).
const std::pair<Tensor, Tensor>& MnistTrainSet() {
  static const std::pair<Tensor, Tensor> data = []() -> std::pair<Tensor, Tensor> {
    const char* env = std::getenv("RUNEXP_DATA_DIR");
    const std::string dir = std::string(env != nullptr ? env : RUNEXP_BENCH_DATA_DIR) + "/mnist/";
    Result<Tensor> images = idx::ReadIdxFile(dir + "train-images-idx3-ubyte");
    Result<Tensor> labels = idx::ReadIdxFile(dir + "train-labels-idx1-ubyte");
    if (!images.ok() || !labels.ok() || images->dtype() != DType::kUInt8 || labels->dtype() != DType::kUInt8 ||
        images->rank() < 1 || images->num_elements() != images->dim(0) * kIn ||
        labels->num_elements() != images->dim(0)) {
      return {};
    }
    const int64_t rows = images->dim(0);
    std::pair<Tensor, Tensor> d{std::move(*images), Tensor(DType::kFloat32, {rows, kClasses})};
    d.first.Reshape({rows, kIn});
    auto table = std::make_shared<Tensor::ValueTable>();
    const float scale = static_cast<float>(1.0 / 255.0);
    for (std::size_t v = 0; v < table->size(); ++v) (*table)[v] = static_cast<float>(v) * scale;
    d.first.set_value_table(std::move(table));
    // Spans taken once: values() checks the type on every call.
    const std::span<const uint8_t> classes = labels->values<uint8_t>();
    const std::span<float> y = d.second.values<float>();
    for (std::size_t r = 0; r < classes.size(); ++r) y[r * kClasses + classes[r] % kClasses] = 1.0f;
    return d;
  }();
  return data;
}

// The same values as a float32 tensor (storage = "float32"), for comparison.
const std::pair<Tensor, Tensor>& MnistTrainSetAsFloat32() {
  static const std::pair<Tensor, Tensor> data = []() -> std::pair<Tensor, Tensor> {
    const std::pair<Tensor, Tensor>& encoded = MnistTrainSet();
    if (encoded.first.num_elements() == 0) return {};
    std::pair<Tensor, Tensor> d{Tensor(DType::kFloat32, encoded.first.shape()), encoded.second};
    const std::span<const uint8_t> codes = encoded.first.values<uint8_t>();
    const std::span<float> x = d.first.values<float>();
    const Tensor::ValueTable& table = *encoded.first.value_table();
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = table[codes[i]];
    return d;
  }();
  return data;
}

// 60,000 × 784 uniform in [0, 1), 10 classes: no input is ever zero.
const std::pair<Tensor, Tensor>& DenseTrainSet() {
  static const std::pair<Tensor, Tensor> data = [] {
    constexpr int64_t kRows = 60000;
    std::pair<Tensor, Tensor> d{Tensor(DType::kFloat32, {kRows, kIn}), Tensor(DType::kFloat32, {kRows, kClasses})};
    RandomStream stream(1, "bench/epoch");
    for (float& v : d.first.values<float>()) v = stream.NextFloat();
    for (int64_t r = 0; r < kRows; ++r) d.second.values<float>()[r * kClasses + r % kClasses] = 1.0f;
    return d;
  }();
  return data;
}

// A whole epoch through Trainer (shuffle, gather, 469 steps, partial last
// batch, RMSprop). BM_Epoch trains on MNIST, where a third of the inputs of
// a batch are zero in all its images (the first layer skips them:
// engine/src/nn/zero_inputs.h); BM_EpochDense on data without a zero, the
// full 98.18 GFLOP of products.
void RunEpochs(benchmark::State& state, const std::pair<Tensor, Tensor>& data) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  if (data.first.num_elements() == 0) {
    state.SkipWithError("no MNIST data under RUNEXP_DATA_DIR or " RUNEXP_BENCH_DATA_DIR " (scripts/fetch-data.sh)");
    return;
  }
  Reference ref = MakeReference();
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(), ref.model.parameters());
  Trainer trainer = *Trainer::Create(std::move(ref.model), std::move(optimizer), {.batch_size = kBatch},
                                     RandomStream(1, "bench/shuffle"));
  for (auto _ : state) benchmark::DoNotOptimize(trainer.RunEpoch(data.first, data.second));
  // The dense epoch's 98.18 GFLOP per second: on MNIST, whose zero inputs
  // are skipped, a dense-equivalent rate, not the rate of the products done.
  state.counters["dense_GFLOP/s"] = benchmark::Counter(98.18, benchmark::Counter::kIsIterationInvariantRate);
  SetThreadsLabel(state);
}
void BM_Epoch(benchmark::State& state) { RunEpochs(state, MnistTrainSet()); }
void BM_EpochDense(benchmark::State& state) { RunEpochs(state, DenseTrainSet()); }
void BM_EpochFloat32Mnist(benchmark::State& state) { RunEpochs(state, MnistTrainSetAsFloat32()); }
// The evaluator's work per epoch: the 10,000-row test set scored in
// batches of 1024 (its default), forward only.
void BM_EvaluateTestSet(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  constexpr int64_t kRows = 10000;
  Tensor x(DType::kFloat32, {kRows, kIn}), y(DType::kFloat32, {kRows, kClasses});
  RandomStream stream(1, "bench/test");
  for (float& v : x.values<float>()) v = stream.NextFloat();
  for (int64_t r = 0; r < kRows; ++r) y.values<float>()[r * kClasses + r % kClasses] = 1.0f;
  Reference ref = MakeReference();
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(ref.model, x, y, 1024));
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * kRows * (kIn * kHidden + kHidden * kClasses) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
  SetThreadsLabel(state);
}
BENCHMARK(BM_EvaluateTestSet)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Every thread count from 1 to the core count; one epoch per iteration, so
// --benchmark_repetitions gives one figure per epoch (bench/run.sh uses that).
void EveryThreadCount(benchmark::internal::Benchmark* b) {
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  for (int threads = 1; threads <= cores; ++threads) b->Arg(threads);
}
BENCHMARK(BM_Epoch)->ArgName("threads")->Apply(EveryThreadCount)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EpochDense)->ArgName("threads")->Apply(EveryThreadCount)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
// Not in bench/run.sh: BM_Epoch with MNIST as a float32 tensor instead of
// bytes and their table, to measure what decoding in the gather costs.
BENCHMARK(BM_EpochFloat32Mnist)->ArgName("threads")->Apply(EveryThreadCount)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace runexp::nn
