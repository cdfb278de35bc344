// WriteIdxFile: a tensor to a plain IDX file, atomically.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>
#include <vector>

#include "idx_file.h"
#include "idx_format.h"
#include "idx_io.h"

namespace runexp::idx {

namespace {

using internal::UniqueFd;

// Big-endian conversion needs a copy (the tensor is const); converting in
// chunks of this size keeps that copy small whatever the tensor's size.
constexpr std::size_t kWriteChunk = std::size_t{1} << 20;
constexpr int kTempNameAttempts = 100;

Status CheckWritable(const std::string& path, const Tensor& tensor) {
  if (tensor.rank() < 1 || tensor.rank() > kMaxDimensions) {
    return Status::InvalidArgument(path + ": cannot write a rank-" +
                                   std::to_string(tensor.rank()) +
                                   " tensor as IDX: the rank must be 1 to " +
                                   std::to_string(kMaxDimensions));
  }
  for (int64_t d : tensor.shape()) {
    if (d < 0 || d > std::numeric_limits<uint32_t>::max()) {
      return Status::InvalidArgument(path + ": cannot write shape " +
                                     ShapeToString(tensor.shape()) +
                                     " as IDX: each dimension must fit in 32 bits");
    }
  }
  return Status::OK();
}

std::vector<std::byte> EncodeHeader(const Tensor& tensor) {
  std::vector<std::byte> header(internal::kMagicBytes + 4 * tensor.shape().size());
  header[2] = std::byte{internal::CodeFromDType(tensor.dtype())};
  header[3] = static_cast<std::byte>(tensor.rank());
  for (std::size_t i = 0; i < tensor.shape().size(); ++i) {
    internal::StoreBigEndian32(static_cast<uint32_t>(tensor.shape()[i]),
                               header.data() + internal::kMagicBytes + 4 * i);
  }
  return header;
}

// O_EXCL with a random suffix rather than mkstemp: mkstemp creates files
// readable only by their owner, and a data file should get the usual
// permissions (0666 minus the umask) like any other file the user creates.
Result<UniqueFd> CreateTempFile(const std::string& path, std::string& temp_path) {
  std::random_device random;
  for (int attempt = 0; attempt < kTempNameAttempts; ++attempt) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, ".tmp-%06x", random() & 0xFFFFFFu);
    temp_path = path + suffix;
    UniqueFd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd.valid()) return fd;
    if (errno != EEXIST) {
      return Status::IOError(path + ": cannot create temporary file " + temp_path + ": " +
                             internal::ErrnoText(errno));
    }
  }
  return Status::IOError(path + ": cannot find a free temporary file name after " +
                         std::to_string(kTempNameAttempts) + " attempts");
}

Status WriteContents(int fd, const std::string& temp_path, const Tensor& tensor) {
  if (Status s = internal::WriteFully(fd, EncodeHeader(tensor), temp_path); !s.ok()) return s;
  std::span<const std::byte> data = tensor.bytes();
  if (DTypeSize(tensor.dtype()) == 1) return internal::WriteFully(fd, data, temp_path);
  std::vector<std::byte> chunk;
  for (std::size_t offset = 0; offset < data.size(); offset += kWriteChunk) {
    // kWriteChunk is a multiple of every element size: no element is split.
    std::span<const std::byte> piece =
        data.subspan(offset, std::min(kWriteChunk, data.size() - offset));
    chunk.assign(piece.begin(), piece.end());
    internal::SwapBigEndianInPlace(chunk, tensor.dtype());
    if (Status s = internal::WriteFully(fd, chunk, temp_path); !s.ok()) return s;
  }
  return Status::OK();
}

// Makes the rename itself durable: without this a crash can leave the
// directory pointing at the old file even though the new data was synced.
Status SyncParentDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  UniqueFd dir(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid() || ::fsync(dir.get()) != 0) {
    return Status::IOError(path + ": cannot sync directory " + parent.string() + ": " +
                           internal::ErrnoText(errno));
  }
  return Status::OK();
}

}  // namespace

Status WriteIdxFile(const std::string& path, const Tensor& tensor) {
  if (Status s = CheckWritable(path, tensor); !s.ok()) return s;
  std::string temp_path;
  Result<UniqueFd> fd = CreateTempFile(path, temp_path);
  if (!fd.ok()) return fd.status();

  Status status = WriteContents(fd->get(), temp_path, tensor);
  if (status.ok() && ::fsync(fd->get()) != 0) {
    status = Status::IOError(temp_path + ": fsync failed: " + internal::ErrnoText(errno));
  }
  if (Status closed = fd->Close(temp_path); status.ok()) status = closed;
  if (status.ok() && ::rename(temp_path.c_str(), path.c_str()) != 0) {
    status = Status::IOError(path + ": cannot rename " + temp_path + " over it: " +
                             internal::ErrnoText(errno));
  }
  if (!status.ok()) {
    ::unlink(temp_path.c_str());  // best effort: the first error is the one to report
    return status;
  }
  return SyncParentDirectory(path);
}

}  // namespace runexp::idx
