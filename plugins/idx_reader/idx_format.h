// Internal to idx_reader: the IDX type codes, byte order, and the size and
// limit checks that the plain, gzip and in-memory read paths share, so the
// three report the same condition with the same words.
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "idx_file.h"
#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::idx::internal {

// Size of the fixed part of a header (magic) and of the largest header.
inline constexpr std::size_t kMagicBytes = 4;
inline constexpr std::size_t kMaxHeaderBytes = kMagicBytes + 4 * kMaxDimensions;

std::optional<DType> DTypeFromCode(uint8_t code);
uint8_t CodeFromDType(DType dtype);

// Converts elements between big-endian (IDX) and host order in place. The
// conversion is its own inverse, so writing uses it too; a no-op for 1-byte
// types and on big-endian hosts.
void SwapBigEndianInPlace(std::span<std::byte> bytes, DType dtype);

uint32_t LoadBigEndian32(const std::byte* p);
void StoreBigEndian32(uint32_t value, std::byte* p);

// kInvalidArgument unless the limit is unset or at least 1. Checked before
// the file is opened: a bad option is reported even for a good file.
Status CheckLimit(const ReadOptions& options, std::string_view name);

// How many records to read: all of them, or the limit if that is smaller.
int64_t RecordsToRead(const IdxHeader& header, const ReadOptions& options);

// The stored shape with its first dimension replaced by `records`.
Shape ShapeWithRecords(const Shape& shape, int64_t records);

// `found` is the number of bytes after the header; it must be exactly
// header.data_bytes. Reports truncated data (the header claims more than
// the file holds) or trailing garbage, with byte offsets.
Status CheckDataSize(const IdxHeader& header, uint64_t found, std::string_view name);

// A new tensor holding the first `records` records, converted from the
// big-endian `data` (which must hold at least that many records).
Tensor TensorFromBigEndian(const IdxHeader& header, int64_t records,
                           std::span<const std::byte> data);

}  // namespace runexp::idx::internal
