// Helpers for the idx_reader tests: a scratch directory per test, IDX images
// built byte by byte (so the tests do not trust the writer they also test),
// gzip files written with zlib's own gzopen/gzwrite, and a matcher for
// error statuses. Not thread-safe; tests use them from one thread.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "runexp/status.h"

namespace runexp::idx::testing {

using Bytes = std::vector<uint8_t>;

// A fresh directory under ::testing::TempDir(), removed with everything in
// it when the object goes out of scope.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// 00 00 TT DD followed by the dimensions, big-endian.
Bytes IdxHeaderBytes(uint8_t type_code, std::initializer_list<uint32_t> dims);
Bytes Concat(Bytes a, const Bytes& b);

// Fail the current test (and return an empty result) on I/O errors.
void WriteFileBytes(const std::string& path, const Bytes& bytes);
Bytes ReadFileBytes(const std::string& path);
// Writes `bytes` gzip-compressed with gzopen/gzwrite.
void WriteGzipFile(const std::string& path, const Bytes& bytes);

// Success only if `status` has `code` and its message contains every one of `parts`.
::testing::AssertionResult IsError(const Status& status, StatusCode code,
                                   std::initializer_list<std::string_view> parts);

}  // namespace runexp::idx::testing
