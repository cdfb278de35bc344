// gemm_bound: the GEMM lower bound of one training epoch of the book's model
// (784-512-10, batch 128), measured for each GEMM library on this machine.
//
// One training step multiplies five matrices (row-major, as runexp_nn does):
//   forward 1   X(128×784) · W1(784×512)        delta 1   dZ2(128×10) · W2ᵀ
//   forward 2   H(128×512) · W2(512×10)         weight gradients Xᵀ·dZ1, Hᵀ·dZ2
// 2·128·(2·784·512 + 3·512·10) = 209.3 MFLOP; one epoch (60,000 samples) is
// 98.18 GFLOP. The bound is that figure divided by the best throughput the
// library reaches on these five products with T threads, whichever of two
// ways it is used:
//   own-threads   one call at a time, the library's own pool of T threads
//                 (oneDNN: OpenMP; OpenBLAS: its pthreads);
//   per-call      T threads each calling the library single-threaded on its
//                 own operands, as runexp_nn does (sharding.h).
// and in each of two memory layouts, whichever is faster:
//   contiguous    every matrix's rows stored back to back;
//   padded        rows of a multiple of 128 floats padded by 16, as runexp_nn
//                 stores its working matrices (engine/src/nn/row_stride.h:
//                 on AVX2 rows 2 KiB apart made oneDNN's no-copy kernels
//                 evict their own operands).
// Each figure is the best of several timed rounds: a bound should be what
// the machine can do, not what it did while something else ran.
//
// Usage: gemm_bound --library onednn|openblas [--threads N] [--seconds S] [--rounds R]
// (each figure: the best of R timed rounds of S seconds, after a warm-up round;
// bench/run.sh times rounds as long as an epoch, one per round of its own)
// Prints one tab-separated line per (threads, mode):
//   gemm <library> <version> threads=<T> mode=<mode> gflops=<x> epoch_bound_s=<y> layout=<faster layout>
// Run one library per process, so that one library's idle pool (which may
// spin) never competes with the other's measurement.
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#ifdef RUNEXP_BENCH_HAVE_OPENBLAS
#include <cblas.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "nn/row_stride.h"  // header-only; gemm_bound links no runexp library

namespace {

constexpr long kBatch = 128, kIn = 784, kHidden = 512, kClasses = 10;
constexpr double kEpochGflop = 98.18;

struct Product {
  bool ta, tb;
  long m, n, k;
};

// The five products of one step, with runexp_nn's transposes.
constexpr Product kStep[] = {
    {false, false, kBatch, kHidden, kIn},   // forward 1
    {false, false, kBatch, kClasses, kHidden},  // forward 2
    {false, true, kBatch, kHidden, kClasses},   // delta into the hidden layer
    {true, false, kIn, kHidden, kBatch},    // weight gradient 1
    {true, false, kHidden, kClasses, kBatch},   // weight gradient 2
};

double StepFlops() {
  double flops = 0;
  for (const Product& p : kStep) flops += 2.0 * p.m * p.n * p.k;
  return flops;
}

enum class Layout { kContiguous, kPadded };
const char* LayoutName(Layout layout) { return layout == Layout::kPadded ? "padded" : "contiguous"; }

// The row stride of a matrix with `cols` columns: padded as runexp_nn pads.
long RowStride(long cols, Layout layout) {
  return layout == Layout::kPadded ? runexp::nn::internal::PaddedRowStride(cols) : cols;
}

// One product's operands as stored: row-major, rows lda/ldb/ldc floats apart.
struct Stored {
  std::vector<float> a, b, c;
  long lda, ldb, ldc;
};

// Operands of the five products, filled with small non-zero values.
struct Operands {
  std::vector<Stored> products;
  explicit Operands(Layout layout) {
    for (const Product& p : kStep) {
      Stored s;
      s.lda = RowStride(p.ta ? p.m : p.k, layout);
      s.ldb = RowStride(p.tb ? p.k : p.n, layout);
      s.ldc = RowStride(p.n, layout);
      s.a.assign(static_cast<std::size_t>((p.ta ? p.k : p.m) * s.lda), 0.01f);
      s.b.assign(static_cast<std::size_t>((p.tb ? p.n : p.k) * s.ldb), 0.02f);
      s.c.assign(static_cast<std::size_t>(p.m * s.ldc), 0.0f);
      products.push_back(std::move(s));
    }
  }
};

using GemmFn = void (*)(const Product&, Stored&);

void OneDnnGemm(const Product& p, Stored& s) {
  dnnl_sgemm(p.ta ? 'T' : 'N', p.tb ? 'T' : 'N', p.m, p.n, p.k, 1.0f, s.a.data(), s.lda, s.b.data(), s.ldb,
             0.0f, s.c.data(), s.ldc);
}

#ifdef RUNEXP_BENCH_HAVE_OPENBLAS
void OpenBlasGemm(const Product& p, Stored& s) {
  cblas_sgemm(CblasRowMajor, p.ta ? CblasTrans : CblasNoTrans, p.tb ? CblasTrans : CblasNoTrans,
              static_cast<int>(p.m), static_cast<int>(p.n), static_cast<int>(p.k), 1.0f, s.a.data(),
              static_cast<int>(s.lda), s.b.data(), static_cast<int>(s.ldb), 0.0f, s.c.data(),
              static_cast<int>(s.ldc));
}
#endif

void RunStep(GemmFn gemm, Operands& ops) {
  for (std::size_t i = 0; i < std::size(kStep); ++i) gemm(kStep[i], ops.products[i]);
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Steps per second of `workers` threads each running whole steps on their
// own operands for about `seconds`; best of `rounds`.
double StepsPerSecond(GemmFn gemm, Layout layout, int workers, double seconds, int rounds,
                      void (*per_thread_setup)()) {
  std::vector<Operands> ops(static_cast<std::size_t>(workers), Operands(layout));
  double best = 0.0;
  for (int round = 0; round < rounds + 1; ++round) {  // round 0 warms up (JIT, page faults)
    std::atomic<bool> stop{false};
    std::atomic<long> steps{0};
    std::vector<std::thread> threads;
    const double start = Now();
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] {
        if (per_thread_setup != nullptr) per_thread_setup();
        long mine = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          RunStep(gemm, ops[static_cast<std::size_t>(w)]);
          ++mine;
        }
        steps += mine;
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (std::thread& t : threads) t.join();
    const double rate = static_cast<double>(steps.load()) / (Now() - start);
    if (round > 0) best = std::max(best, rate);
  }
  return best;
}

// One caller, the library's own pool: steps per second, best of `rounds`.
double OwnThreadsStepsPerSecond(GemmFn gemm, Layout layout, double seconds, int rounds) {
  Operands ops(layout);
  double best = 0.0;
  for (int round = 0; round < rounds + 1; ++round) {
    long steps = 0;
    const double start = Now();
    double now = start;
    while (now - start < seconds) {
      RunStep(gemm, ops);
      ++steps;
      now = Now();
    }
    if (round > 0) best = std::max(best, static_cast<double>(steps) / (now - start));
  }
  return best;
}

// Steps per second in the faster layout (each measured as `measure` does),
// and that layout.
template <typename Measure>
std::pair<double, Layout> FasterLayout(Measure measure) {
  const double contiguous = measure(Layout::kContiguous);
  const double padded = measure(Layout::kPadded);
  return padded > contiguous ? std::pair{padded, Layout::kPadded} : std::pair{contiguous, Layout::kContiguous};
}

void Report(const std::string& library, const std::string& version, int threads,
            const char* mode, std::pair<double, Layout> steps_per_second) {
  const double gflops = steps_per_second.first * StepFlops() * 1e-9;
  std::printf("gemm\t%s\t%s\tthreads=%d\tmode=%s\tgflops=%.1f\tepoch_bound_s=%.4f\tlayout=%s\n",
              library.c_str(), version.c_str(), threads, mode, gflops, kEpochGflop / gflops,
              LayoutName(steps_per_second.second));
  std::fflush(stdout);
}

void OneOpenMpThread() { omp_set_num_threads(1); }

int Usage() {
  std::fprintf(stderr, "usage: gemm_bound --library onednn|openblas [--threads N] [--seconds S] [--rounds R]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string library;
  int max_threads = static_cast<int>(std::thread::hardware_concurrency());
  double seconds = 0.3;
  int rounds = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return Usage();
    if (arg == "--library") {
      library = argv[++i];
    } else if (arg == "--threads") {
      max_threads = std::atoi(argv[++i]);
    } else if (arg == "--seconds") {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--rounds") {
      rounds = std::atoi(argv[++i]);
    } else {
      return Usage();
    }
  }
  if (max_threads < 1 || seconds <= 0 || rounds < 1) return Usage();

  if (library == "onednn") {
    const dnnl_version_t* v = dnnl_version();
    const std::string version = std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                std::to_string(v->patch);
    for (int t = 1; t <= max_threads; ++t) {
      omp_set_num_threads(t);
      Report("oneDNN", version, t, "own-threads", FasterLayout([&](Layout layout) {
               return OwnThreadsStepsPerSecond(OneDnnGemm, layout, seconds, rounds);
             }));
      Report("oneDNN", version, t, "per-call", FasterLayout([&](Layout layout) {
               return StepsPerSecond(OneDnnGemm, layout, t, seconds, rounds, OneOpenMpThread);
             }));
    }
    return 0;
  }
  if (library == "openblas") {
#ifdef RUNEXP_BENCH_HAVE_OPENBLAS
    // openblas_get_config(): "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    const std::string config = openblas_get_config();
    const std::size_t from = config.find(' ') + 1;
    std::string short_version = config.substr(from, config.find(' ', from) - from);
    const char* core = openblas_get_corename();
    if (core != nullptr) short_version += std::string("/") + core;
    for (int t = 1; t <= max_threads; ++t) {
      openblas_set_num_threads(t);
      Report("OpenBLAS", short_version, t, "own-threads", FasterLayout([&](Layout layout) {
               return OwnThreadsStepsPerSecond(OpenBlasGemm, layout, seconds, rounds);
             }));
      openblas_set_num_threads(1);  // process-wide: every caller runs single-threaded
      Report("OpenBLAS", short_version, t, "per-call", FasterLayout([&](Layout layout) {
               return StepsPerSecond(OpenBlasGemm, layout, t, seconds, rounds, nullptr);
             }));
    }
    return 0;
#else
    std::fprintf(stderr, "gemm_bound: built without OpenBLAS (libopenblas-dev was not found)\n");
    return 3;
#endif
  }
  return Usage();
}
