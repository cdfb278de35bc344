// Internal to idx_reader: the few POSIX file operations the reader and the
// writer need, with EINTR and short transfers handled once, here. Errors come
// back as Status values naming the file. UniqueFd is a move-only owner of a
// descriptor; the functions are stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "runexp/status.h"

namespace runexp::idx::internal {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();
  // Closes now and reports the error close() returned (for written files
  // that error can be the first sign the data did not reach the disk).
  Status Close(const std::string& path);

 private:
  int fd_ = -1;
};

// "No such file or directory" for ENOENT, and so on.
std::string ErrnoText(int error);

// Reads at `offset` until `out` is full or the file ends; returns how many
// bytes were read (fewer than out.size() only at the end of the file).
Result<std::size_t> ReadFullyAt(int fd, uint64_t offset, std::span<std::byte> out,
                                const std::string& path);

// Writes all of `data` at the current position.
Status WriteFully(int fd, std::span<const std::byte> data, const std::string& path);

}  // namespace runexp::idx::internal
