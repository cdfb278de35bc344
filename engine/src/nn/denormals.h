// ScopedFlushDenormals: flush-to-zero and denormals-are-zero for the
// duration of one piece of runexp_nn work. Internal to runexp_nn.
//
// Why: arithmetic on denormal floats takes a microcode assist on x86, tens
// to hundreds of cycles per operation. RMSprop and Adam accumulators of
// rarely-seen inputs (MNIST's near-border pixels) decay geometrically
// through the denormal range: measured here, an RMSprop update over such a
// state is ~45× slower, and epochs got 50% slower as training went on.
// TensorFlow, whose numbers we follow, runs its kernels with FTZ/DAZ too.
//
// Why scoped, per task: determinism. The flag must be the same for every
// piece of our work whichever thread runs it, but the threads belong to the
// application (oneTBB workers also run other stages' tasks), so we neither
// rely on nor leave behind any thread's MXCSR: every task body sets the
// flags on entry and restores the thread's own on exit. No task of ours
// blocks or waits inside the scope, so no foreign task can run under it.
//
// On non-x86 targets this is a no-op (results there differ anyway).
// Thread-safety: affects only the calling thread, only within the scope.
#pragma once

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define RUNEXP_NN_HAS_MXCSR 1
#endif

namespace runexp::nn::internal {

class ScopedFlushDenormals {
 public:
#ifdef RUNEXP_NN_HAS_MXCSR
  ScopedFlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero); }
  ~ScopedFlushDenormals() { _mm_setcsr(saved_); }
#else
  ScopedFlushDenormals() = default;
#endif
  ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
  ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

 private:
#ifdef RUNEXP_NN_HAS_MXCSR
  static constexpr unsigned kFlushToZero = 0x8000;      // MXCSR.FZ: denormal results become 0
  static constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR.DAZ: denormal inputs read as 0
  unsigned saved_;
#endif
};

}  // namespace runexp::nn::internal
