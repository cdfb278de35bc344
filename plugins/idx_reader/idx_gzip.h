// Internal to idx_reader: reading an IDX file that is gzip-compressed.
// ReadIdxFile calls this once it has seen the gzip magic (1f 8b); the file
// name plays no part. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "idx_file.h"
#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::idx::internal {

// Decompresses the file open on `fd` (of `file_size` bytes) in chunks.
// The decompressed buffer grows only as bytes arrive and never beyond what
// the header claims (or the limit needs), so a lying header costs nothing.
// Without a limit, or with one that covers every record, the whole stream
// is checked: CRC, truncation, trailing data. With a smaller limit,
// decompression stops once those records have arrived, so damage after them
// goes unnoticed; that is the price of a quick look at a big file.
Result<Tensor> ReadGzipIdx(int fd, const std::string& path, uint64_t file_size,
                           const ReadOptions& options);

}  // namespace runexp::idx::internal
