// ParseIdxHeader: the checks that make an untrusted IDX header safe to act on.
#include <cstdio>
#include <string>

#include "idx_file.h"
#include "idx_format.h"

namespace runexp::idx {

namespace {

std::string Hex(uint32_t value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*X", digits, value);
  return text;
}

// Multiplies into `product`; false if the result would not fit in 64 bits.
bool MultiplyChecked(uint64_t a, uint64_t b, uint64_t& product) {
  return !__builtin_mul_overflow(a, b, &product);
}

}  // namespace

Result<IdxHeader> ParseIdxHeader(std::span<const std::byte> bytes, std::string_view name) {
  using internal::kMagicBytes;
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(std::string(name) + ": " + what);
  };

  if (bytes.size() < kMagicBytes) {
    return corrupt("file shorter than the header: " + std::to_string(bytes.size()) +
                   " bytes, but the magic alone needs 4");
  }
  const uint32_t magic = internal::LoadBigEndian32(bytes.data());
  if ((magic >> 16) != 0) {
    std::string hint;
    // Only ReadIdxFile sees the raw file; ParseIdx gets bytes already decompressed.
    if ((magic >> 16) == 0x1F8B) hint = " (this is gzip data: decompress it first)";
    return corrupt("bad magic " + Hex(magic, 8) +
                   " at byte 0: expected 0x0000TTDD (first two bytes zero)" + hint);
  }
  const uint8_t type_code = std::to_integer<uint8_t>(bytes[2]);
  const std::optional<DType> dtype = internal::DTypeFromCode(type_code);
  if (!dtype) {
    return corrupt("unknown element type code " + Hex(type_code, 2) +
                   " at byte 2: expected 0x08 (uint8), 0x09 (int8), 0x0B (int16), "
                   "0x0C (int32), 0x0D (float32) or 0x0E (float64)");
  }
  const int rank = std::to_integer<int>(bytes[3]);
  if (rank == 0) {
    return corrupt("dimension count 0 at byte 3: an IDX file needs at least one dimension");
  }
  if (rank > kMaxDimensions) {
    return corrupt("dimension count " + std::to_string(rank) +
                   " at byte 3 exceeds the maximum of " + std::to_string(kMaxDimensions));
  }

  IdxHeader header;
  header.dtype = *dtype;
  header.header_bytes = kMagicBytes + 4 * static_cast<std::size_t>(rank);
  if (bytes.size() < header.header_bytes) {
    return corrupt("file shorter than the header: " + std::to_string(bytes.size()) +
                   " bytes, but a header with " + std::to_string(rank) + " dimensions needs " +
                   std::to_string(header.header_bytes));
  }
  for (int i = 0; i < rank; ++i) {
    header.shape.push_back(internal::LoadBigEndian32(bytes.data() + kMagicBytes + 4 * i));
  }

  // A zero inner dimension makes every record empty however large the other
  // dimensions are, so such a shape cannot overflow; a record (and the data)
  // of any other shape must fit in 64 bits.
  bool has_empty_records = false;
  for (int i = 1; i < rank; ++i) has_empty_records = has_empty_records || header.shape[i] == 0;
  uint64_t record_bytes = has_empty_records ? 0 : DTypeSize(header.dtype);
  bool overflow = false;
  for (int i = 1; i < rank && !overflow; ++i) {
    overflow = !MultiplyChecked(record_bytes, static_cast<uint64_t>(header.shape[i]), record_bytes);
  }
  uint64_t data_bytes = 0;
  overflow = overflow ||
             !MultiplyChecked(record_bytes, static_cast<uint64_t>(header.shape[0]), data_bytes);
  if (overflow) {
    return corrupt("dimensions " + ShapeToString(header.shape) + " of " +
                   std::string(DTypeName(header.dtype)) +
                   " overflow 64 bits: the data would need more than 2^64 bytes");
  }
  header.record_bytes = record_bytes;
  header.data_bytes = data_bytes;
  return header;
}

}  // namespace runexp::idx
