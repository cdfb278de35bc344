// Reading IDX files (the format of MNIST and Fashion-MNIST) into a Tensor.
//
// Format: a big-endian magic 0x0000TTDD, TT the element type (0x08 uint8,
// 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), DD the
// number of dimensions; then DD big-endian uint32 sizes; then the elements,
// big-endian, row-major. Files that start with the gzip magic (1f 8b) are
// decompressed transparently, whatever their name. README.md beside this
// file lists every error the reader reports.
//
// The header is untrusted: nothing is allocated for what it merely claims.
// A plain file's data size must match the file's real size before any buffer
// is allocated; a gzip stream's buffer grows only as decompressed bytes
// actually arrive. Every error names the file and says what is wrong.
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::idx {

// Rejects absurd headers before any arithmetic on their dimensions. No known
// IDX data set has more than 4; 8 leaves room without inviting garbage.
inline constexpr int kMaxDimensions = 8;

struct IdxHeader {
  DType dtype = DType::kUInt8;
  Shape shape;                    // as stored: shape[0] is the record count
  std::size_t header_bytes = 0;   // 4 + 4 * rank
  uint64_t record_bytes = 0;      // bytes of one record: shape[1:] x element size
  uint64_t data_bytes = 0;        // shape[0] x record_bytes: what must follow the header
};

struct ReadOptions {
  // Read only the first `limit` records (along the first dimension); must be
  // at least 1 when set. Fewer records in the file than the limit is not an
  // error: all are read.
  std::optional<int64_t> limit;
};

// Reads an IDX file (plain or gzip) into a tensor of the stored type and
// shape (shape[0] reduced to the limit, if one is set).
Result<Tensor> ReadIdxFile(const std::string& path, const ReadOptions& options = {});

// Parses an in-memory IDX image (already decompressed). `name` is used in
// error messages. The image must hold exactly the header and its data.
Result<Tensor> ParseIdx(std::span<const std::byte> bytes, std::string_view name,
                        const ReadOptions& options = {});

// Parses and checks only the header (magic, type code, rank, dimensions,
// 64-bit overflow of their byte count). `bytes` must hold at least the
// header; anything after it is ignored.
Result<IdxHeader> ParseIdxHeader(std::span<const std::byte> bytes, std::string_view name);

// Writes `tensor` as a plain (uncompressed) IDX file, atomically: the data
// goes to PATH.tmp-XXXXXX in the same directory, is fsync'ed, then renamed
// over PATH, so readers see either the old file or the complete new one.
// Used by tests and by stages that export data.
Status WriteIdxFile(const std::string& path, const Tensor& tensor);

}  // namespace runexp::idx
