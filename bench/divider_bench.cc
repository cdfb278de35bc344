// divider_bench: could RMSprop's update leave the core's divider?
//
// Keras' update w -= lr·g / (sqrt(ms) + ε) needs an IEEE-exact square root
// and division per parameter, and on x86 both run on the one divider. A
// correctly rounded quotient can also be built from a reciprocal estimate
// and fused multiply-adds (Newton steps, then Markstein's correction), as
// IA-64 did, which would move that work to the two FMA ports. Before paying
// for the proof of exactness such a kernel needs, this measures what it
// could gain: three versions of the same update, timed on 2048 parameters
// that stay in L1 (no memory traffic), one thread, AVX-512:
//
//   BM_DividerBoth      sqrt and division on the divider (what runexp does)
//   BM_DividerSqrtOnly  sqrt on the divider, the division from rcp14 + FMAs
//   BM_DividerNeither   both from rsqrt14 / rcp14 + FMAs
//
// The emulated versions are timing prototypes only: their results are
// neither checked nor used anywhere, and their corner cases (underflow, a
// significand of all ones) are not handled. Cycles per 16 parameters, as
// the README gives them: 16 × clock / params/s.
//
// Measured on the README's machine (2026-12-01), three runs: both about 25
// cycles per 16, sqrt only 23–25, neither 34–38 (a standalone first draft
// of the same kernels reached 20, 15–19 and 19–26); so at best a quarter of
// the update's floor, 2–3% of an epoch — not worth a kernel whose exactness
// needs a proof. See README, "The floor of exact RMSprop".
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#define RUNEXP_DIVIDER_BENCH 1
#endif

#ifdef RUNEXP_DIVIDER_BENCH
// GCC 12's AVX-512 headers build some intrinsics from an uninitialised
// vector; its warnings about them are false.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
namespace {

constexpr int64_t kParameters = 2048;  // 3 arrays × 8 KB: in L1
constexpr float kLearningRate = 1e-3f, kRho = 0.9f, kEpsilon = 1e-7f;

struct Arrays {
  std::vector<float> w, ms, g;
  Arrays() : w(kParameters), ms(kParameters), g(kParameters) {
    // Values of a trained first layer's magnitude; any positive ms will do.
    for (int64_t i = 0; i < kParameters; ++i) {
      const float s = static_cast<float>((i * 7919) % 1000) / 1000.0f;
      w[i] = 0.05f * (s - 0.5f);
      g[i] = 1e-3f * (0.5f - s);
      ms[i] = 1e-6f * (s + 0.01f);
    }
  }
};

__attribute__((target("avx512f"))) void BothOnDivider(float* __restrict w, float* __restrict ms,
                                                      const float* __restrict g) {
  const float one_minus_rho = 1.0f - kRho;
  for (int64_t i = 0; i < kParameters; ++i) {
    ms[i] = kRho * ms[i] + one_minus_rho * (g[i] * g[i]);
    w[i] -= kLearningRate * g[i] / (std::sqrt(ms[i]) + kEpsilon);
  }
}

// a / d from d's reciprocal estimate: two Newton steps, then one
// correction of the quotient by its remainder.
__attribute__((target("avx512f"))) inline __m512 DivideByFma(__m512 a, __m512 d) {
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 y = _mm512_rcp14_ps(d);
  y = _mm512_fmadd_ps(y, _mm512_fnmadd_ps(d, y, one), y);
  y = _mm512_fmadd_ps(y, _mm512_fnmadd_ps(d, y, one), y);
  const __m512 q = _mm512_mul_ps(a, y);
  return _mm512_fmadd_ps(_mm512_fnmadd_ps(q, d, a), y, q);
}

// sqrt(m) from its reciprocal square root estimate: one coupled Newton
// step on (s, h) ≈ (sqrt m, 1 / (2 sqrt m)), then one correction.
__attribute__((target("avx512f"))) inline __m512 SqrtByFma(__m512 m) {
  const __m512 half = _mm512_set1_ps(0.5f);
  const __m512 y = _mm512_rsqrt14_ps(m);
  __m512 s = _mm512_mul_ps(m, y), h = _mm512_mul_ps(half, y);
  const __m512 t = _mm512_fnmadd_ps(s, h, half);
  s = _mm512_fmadd_ps(s, t, s);
  h = _mm512_fmadd_ps(h, t, h);
  return _mm512_fmadd_ps(_mm512_fnmadd_ps(s, s, m), h, s);
}

template <bool kSqrtByFma>
__attribute__((target("avx512f"))) void DivisionByFma(float* __restrict w, float* __restrict ms,
                                                      const float* __restrict g) {
  const __m512 rho = _mm512_set1_ps(kRho), one_minus_rho = _mm512_set1_ps(1.0f - kRho);
  const __m512 lr = _mm512_set1_ps(kLearningRate), epsilon = _mm512_set1_ps(kEpsilon);
#pragma GCC unroll 4
  for (int64_t i = 0; i < kParameters; i += 16) {
    const __m512 gv = _mm512_loadu_ps(g + i);
    const __m512 m = _mm512_add_ps(_mm512_mul_ps(rho, _mm512_loadu_ps(ms + i)),
                                   _mm512_mul_ps(one_minus_rho, _mm512_mul_ps(gv, gv)));
    _mm512_storeu_ps(ms + i, m);
    const __m512 root = kSqrtByFma ? SqrtByFma(m) : _mm512_sqrt_ps(m);
    const __m512 step = DivideByFma(_mm512_mul_ps(lr, gv), _mm512_add_ps(root, epsilon));
    _mm512_storeu_ps(w + i, _mm512_sub_ps(_mm512_loadu_ps(w + i), step));
  }
}

template <void (*kUpdate)(float*, float*, const float*)>
void BM_Divider(benchmark::State& state) {
  if (!__builtin_cpu_supports("avx512f")) {
    state.SkipWithError("needs AVX-512");
    return;
  }
  Arrays arrays;
  for (auto _ : state) {
    kUpdate(arrays.w.data(), arrays.ms.data(), arrays.g.data());
    benchmark::ClobberMemory();
  }
  state.counters["params/s"] = benchmark::Counter(kParameters, benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK_TEMPLATE(BM_Divider, BothOnDivider)->Name("BM_DividerBoth");
BENCHMARK_TEMPLATE(BM_Divider, DivisionByFma<false>)->Name("BM_DividerSqrtOnly");
BENCHMARK_TEMPLATE(BM_Divider, DivisionByFma<true>)->Name("BM_DividerNeither");

}  // namespace
#pragma GCC diagnostic pop
#endif
