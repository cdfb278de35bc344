#include "zero_inputs.h"

#include <algorithm>
#include <cstring>

#include "row_stride.h"
#include "simd.h"

namespace runexp::nn::internal {

RUNEXP_NN_VECTOR_KERNEL
void MarkNonZero(const float* __restrict row, int64_t width, uint32_t* __restrict magnitude_bits) {
  for (int64_t j = 0; j < width; ++j) {
    uint32_t bits;
    std::memcpy(&bits, row + j, sizeof bits);
    magnitude_bits[j] |= bits << 1;
  }
}

int ZeroCode(const float* table) {
  int found = kNoZeroCode;
  for (int code = 0; code < 256; ++code) {
    uint32_t bits;
    std::memcpy(&bits, table + code, sizeof bits);
    if ((bits << 1) != 0) continue;
    if (found != kNoZeroCode) return kSeveralZeroCodes;
    found = code;
  }
  return found;
}

RUNEXP_NN_VECTOR_KERNEL
void MarkNonZeroCodes(const uint8_t* __restrict codes, int64_t width, uint8_t zero_code,
                      uint32_t* __restrict magnitude_bits) {
  for (int64_t j = 0; j < width; ++j) magnitude_bits[j] |= static_cast<uint32_t>(codes[j] ^ zero_code);
}

void FindRuns(const std::vector<uint32_t>& magnitude_bits, std::vector<ColumnRun>* runs) {
  runs->clear();
  const int64_t width = static_cast<int64_t>(magnitude_bits.size());
  for (int64_t j = 0; j < width;) {
    if (magnitude_bits[static_cast<std::size_t>(j)] == 0) {
      ++j;
      continue;
    }
    int64_t end = j + 1;
    while (end < width && magnitude_bits[static_cast<std::size_t>(end)] != 0) ++end;
    runs->push_back({j, end - j});
    j = end;
  }
}

void PackRuns(const float* src, const std::vector<ColumnRun>& runs, int64_t unit, float* dst,
              int64_t dst_stride) {
  for (const auto& [first, count] : runs) {
    if (dst_stride == unit) {
      // memmove: a decoded batch is packed in place (dst <= src).
      std::memmove(dst, src + first * unit, static_cast<std::size_t>(count * unit) * sizeof(float));
      dst += count * unit;
      continue;
    }
    CopyRowsToStride(src + first * unit, count, unit, dst, dst_stride);
    dst += count * dst_stride;
  }
}

int64_t KeptBefore(const std::vector<ColumnRun>& runs, int64_t column) {
  int64_t kept = 0;
  for (const auto& [first, count] : runs) kept += std::clamp(column - first, int64_t{0}, count);
  return kept;
}

void UnpackRuns(const float* packed, const std::vector<ColumnRun>& runs, int64_t begin, int64_t end,
                int64_t unit, float* dst, int64_t packed_stride) {
  ForEachSpan(
      runs, begin, end,
      [&](int64_t from, int64_t to) {
        for (int64_t j = from; j < to; ++j, packed += packed_stride) {
          std::memcpy(dst + j * unit, packed, static_cast<std::size_t>(unit) * sizeof(float));
        }
      },
      [&](int64_t from, int64_t to) {
        std::memset(dst + from * unit, 0, static_cast<std::size_t>((to - from) * unit) * sizeof(float));
      });
}

}  // namespace runexp::nn::internal
