// Benchmarks of the data stages in front of the trainer, on the real MNIST
// training images when they are present (scripts/fetch-data.sh):
// reading the IDX file (idx_reader's ReadIdxFile) and reshape_normalize's
// bytes → float32 scaling, run through the stage harness as a graph would.
// Both run once per experiment; they should cost little next to training.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "builtin_spec.h"
#include "idx_file.h"
#include "runexp/testing/stage_harness.h"

namespace runexp {
namespace {

std::string TrainImagesPath() {
  const char* dir = std::getenv("RUNEXP_DATA_DIR");
  return std::string(dir != nullptr ? dir : RUNEXP_BENCH_DATA_DIR) + "/mnist/train-images-idx3-ubyte";
}

void BM_IdxRead(benchmark::State& state) {
  const std::string path = TrainImagesPath();
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("no MNIST data at " + path + " (scripts/fetch-data.sh)").c_str());
    return;
  }
  int64_t bytes = 0;
  for (auto _ : state) {
    Result<Tensor> images = idx::ReadIdxFile(path);
    if (!images.ok()) {
      state.SkipWithError(images.status().ToString().c_str());
      return;
    }
    bytes = images->num_bytes();
    benchmark::DoNotOptimize(images->bytes().data());
  }
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) * 1e-6,
                                              benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_IdxRead)->Unit(benchmark::kMillisecond)->UseRealTime();

// 60,000 images of 28×28 bytes → (60000, 784) float32 in [0, 1].
void BM_Normalize(benchmark::State& state) {
  Tensor images(DType::kUInt8, {60000, 28, 28});
  auto values = images.values<uint8_t>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint8_t>(i * 7919 % 256);
  const Packet input = Packet::Make<Tensor>(std::move(images));
  // Built entry by entry: g++ 12 warns (-Wmaybe-uninitialized, a false
  // positive) on a nested initializer list of ParamValue variants.
  ParamValue::Array shape;
  shape.emplace_back(int64_t{784});
  ParamValue::Table params;
  params.emplace("shape", std::move(shape));
  params.emplace("divide_by", 255.0);
  for (auto _ : state) {
    testing::StageHarness harness(testing::BuiltinSpec("reshape_normalize"), params);
    harness.SetInput("input", input);
    if (Status status = harness.Open(); !status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(harness.Emitted("output").at(0).Get<Tensor>().bytes().data());
  }
  state.counters["MB/s"] = benchmark::Counter(60000.0 * 784 * 1e-6, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Normalize)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace runexp
