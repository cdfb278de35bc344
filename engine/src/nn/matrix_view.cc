#include "runexp/nn/matrix_view.h"

#include <cstring>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif


namespace runexp::nn {

namespace {

// One table lookup per element: no arithmetic, so every version gives the
// table's values. GCC does not vectorise the plain loop with gathers (it
// builds vectors from single loads), and a shuffled batch decodes runs of
// about 20 kept pixels at a time, so on AVX-512 machines 16 codes are
// widened and gathered at once, the last few under a mask: the plain loop
// cost 3% of an MNIST epoch.
void DecodePlain(const uint8_t* codes, int64_t n, const float* table, float* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = table[codes[i]];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// GCC 12 warns about the intrinsics' own undefined placeholder vectors.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f,avx512bw,avx512vl")))
void DecodeAvx512(const uint8_t* codes, int64_t n, const float* table, float* dst) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i index = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes + i)));
    _mm512_storeu_ps(dst + i, _mm512_i32gather_ps(index, table, 4));
  }
  if (i < n) {
    const __mmask16 mask = static_cast<__mmask16>((1u << (n - i)) - 1);
    const __m512i index = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(mask, codes + i));
    _mm512_mask_storeu_ps(dst + i, mask, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, index, table, 4));
  }
}
#pragma GCC diagnostic pop

using DecodeFn = void (*)(const uint8_t*, int64_t, const float*, float*);
const DecodeFn kDecode = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512vl")
             ? DecodeFn{DecodeAvx512}
             : DecodeFn{DecodePlain};
}();

void Decode(const uint8_t* codes, int64_t n, const float* table, float* dst) { kDecode(codes, n, table, dst); }
#else
void Decode(const uint8_t* codes, int64_t n, const float* table, float* dst) { DecodePlain(codes, n, table, dst); }
#endif

}  // namespace

void MatrixView::ReadRow(int64_t r, int64_t begin, int64_t end, float* dst) const {
  if (encoded()) {
    Decode(codes + r * cols + begin, end - begin, table, dst);
  } else {
    std::memcpy(dst, data + r * cols + begin, static_cast<std::size_t>(end - begin) * sizeof(float));
  }
}

Result<MatrixView> AsMatrix(const Tensor& tensor, std::string_view what) {
  if (tensor.dtype() != DType::kFloat32 || tensor.rank() != 2) {
    return Status::InvalidArgument(std::string(what) + ": expected a rank-2 float32 tensor, got " +
                                   std::string(DTypeName(tensor.dtype())) + " " +
                                   ShapeToString(tensor.shape()));
  }
  return MatrixView{tensor.values<float>().data(), tensor.dim(0), tensor.dim(1)};
}

Result<MatrixView> AsInputMatrix(const Tensor& tensor, std::string_view what) {
  if (tensor.dtype() == DType::kUInt8 && tensor.value_table() != nullptr && tensor.rank() == 2) {
    return MatrixView{nullptr, tensor.dim(0), tensor.dim(1), tensor.values<uint8_t>().data(),
                      tensor.value_table()->data()};
  }
  if (tensor.dtype() == DType::kUInt8 && tensor.rank() == 2) {
    return Status::InvalidArgument(std::string(what) + ": a uint8 tensor " + ShapeToString(tensor.shape()) +
                                   " without a value table (normalise it first: reshape_normalize)");
  }
  if (tensor.dtype() == DType::kFloat32) return AsMatrix(tensor, what);
  return Status::InvalidArgument(std::string(what) +
                                 ": expected a rank-2 float32 tensor, or rank-2 uint8 codes with a value table "
                                 "(reshape_normalize's storage = \"uint8_table\"), got " +
                                 std::string(DTypeName(tensor.dtype())) + " " + ShapeToString(tensor.shape()));
}

}  // namespace runexp::nn
