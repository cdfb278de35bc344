#include "idx_format.h"

#include <algorithm>
#include <cassert>
#include <bit>
#include <cstring>
#include <string>

namespace runexp::idx::internal {

namespace {

template <typename U>
U ByteSwap(U value) {
  if constexpr (sizeof(U) == 2) return __builtin_bswap16(value);
  if constexpr (sizeof(U) == 4) return __builtin_bswap32(value);
  if constexpr (sizeof(U) == 8) return __builtin_bswap64(value);
}

// memcpy rather than a cast: the bytes need not be aligned for U, and the
// compiler turns this loop into vector shuffles anyway.
template <typename U>
void SwapEach(std::span<std::byte> bytes) {
  const std::size_t count = bytes.size() / sizeof(U);
  std::byte* p = bytes.data();
  for (std::size_t i = 0; i < count; ++i, p += sizeof(U)) {
    U value;
    std::memcpy(&value, p, sizeof(U));
    value = ByteSwap(value);
    std::memcpy(p, &value, sizeof(U));
  }
}

}  // namespace

std::optional<DType> DTypeFromCode(uint8_t code) {
  switch (code) {
    case 0x08: return DType::kUInt8;
    case 0x09: return DType::kInt8;
    case 0x0B: return DType::kInt16;
    case 0x0C: return DType::kInt32;
    case 0x0D: return DType::kFloat32;
    case 0x0E: return DType::kFloat64;
    default: return std::nullopt;
  }
}

uint8_t CodeFromDType(DType dtype) {
  switch (dtype) {
    case DType::kUInt8: return 0x08;
    case DType::kInt8: return 0x09;
    case DType::kInt16: return 0x0B;
    case DType::kInt32: return 0x0C;
    case DType::kFloat32: return 0x0D;
    case DType::kFloat64: return 0x0E;
  }
  return 0x08;
}

void SwapBigEndianInPlace(std::span<std::byte> bytes, DType dtype) {
  if constexpr (std::endian::native == std::endian::big) return;
  switch (DTypeSize(dtype)) {
    case 2: SwapEach<uint16_t>(bytes); break;
    case 4: SwapEach<uint32_t>(bytes); break;
    case 8: SwapEach<uint64_t>(bytes); break;
    default: break;  // single bytes have no order
  }
}

uint32_t LoadBigEndian32(const std::byte* p) {
  return (std::to_integer<uint32_t>(p[0]) << 24) | (std::to_integer<uint32_t>(p[1]) << 16) |
         (std::to_integer<uint32_t>(p[2]) << 8) | std::to_integer<uint32_t>(p[3]);
}

void StoreBigEndian32(uint32_t value, std::byte* p) {
  p[0] = static_cast<std::byte>(value >> 24);
  p[1] = static_cast<std::byte>(value >> 16);
  p[2] = static_cast<std::byte>(value >> 8);
  p[3] = static_cast<std::byte>(value);
}

Status CheckLimit(const ReadOptions& options, std::string_view name) {
  if (options.limit.has_value() && *options.limit < 1) {
    return Status::InvalidArgument(std::string(name) + ": invalid limit " +
                                   std::to_string(*options.limit) +
                                   ": must be at least 1 (leave it unset to read every record)");
  }
  return Status::OK();
}

int64_t RecordsToRead(const IdxHeader& header, const ReadOptions& options) {
  const int64_t stored = header.shape.at(0);
  return options.limit.has_value() ? std::min(stored, *options.limit) : stored;
}

Shape ShapeWithRecords(const Shape& shape, int64_t records) {
  Shape out = shape;
  out.at(0) = records;
  return out;
}

Status CheckDataSize(const IdxHeader& header, uint64_t found, std::string_view name) {
  const std::string what = " bytes of data for shape " + ShapeToString(header.shape) + " of " +
                           std::string(DTypeName(header.dtype));
  if (found < header.data_bytes) {
    return Status::Corruption(
        std::string(name) + ": truncated data: expected " + std::to_string(header.data_bytes) +
        what + " after the " + std::to_string(header.header_bytes) + "-byte header, found " +
        std::to_string(found) + " (the header's claim exceeds the file size of " +
        std::to_string(header.header_bytes + found) + " bytes)");
  }
  if (found > header.data_bytes) {
    return Status::Corruption(std::string(name) + ": trailing garbage: " +
                              std::to_string(found - header.data_bytes) +
                              " extra bytes after the " + std::to_string(header.data_bytes) +
                              what + ", starting at byte " +
                              std::to_string(header.header_bytes + header.data_bytes));
  }
  return Status::OK();
}

Tensor TensorFromBigEndian(const IdxHeader& header, int64_t records,
                           std::span<const std::byte> data) {
  Tensor tensor(header.dtype, ShapeWithRecords(header.shape, records));
  std::span<std::byte> out = tensor.bytes();
  assert(data.size() >= out.size());
  if (!out.empty()) std::memcpy(out.data(), data.data(), out.size());
  SwapBigEndianInPlace(out, header.dtype);
  return tensor;
}

}  // namespace runexp::idx::internal
