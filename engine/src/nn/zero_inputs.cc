#include "zero_inputs.h"

#include "simd.h"

namespace runexp::nn::internal {

RUNEXP_NN_VECTOR_KERNEL
void MarkNonZero(const float* __restrict row, int64_t width, uint8_t* __restrict nonzero) {
  for (int64_t j = 0; j < width; ++j) nonzero[j] |= static_cast<uint8_t>(row[j] != 0.0f);
}

void GatherColumns(const float* src, const std::vector<int64_t>& columns, float* dst) {
  const int64_t count = static_cast<int64_t>(columns.size());
  for (int64_t i = 0; i < count; ++i) dst[i] = src[columns[static_cast<std::size_t>(i)]];
}

}  // namespace runexp::nn::internal
