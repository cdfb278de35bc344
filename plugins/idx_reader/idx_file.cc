// ReadIdxFile and ParseIdx: from a path or an in-memory image to a Tensor.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "idx_file.h"
#include "idx_format.h"
#include "idx_gzip.h"
#include "idx_io.h"
#include "runexp/fault_point.h"

namespace runexp::idx {

namespace {

using internal::UniqueFd;

Result<UniqueFd> OpenExistingFile(const std::string& path, uint64_t& size) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": cannot open: " + internal::ErrnoText(error));
  }
  // fstat on the open descriptor, not stat on the name: the answer is about
  // the very file we will read, even if the name is replaced meanwhile.
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return Status::IOError(path + ": cannot stat: " + internal::ErrnoText(errno));
  }
  if (S_ISDIR(info.st_mode)) {
    return Status::InvalidArgument(path + ": is a directory, not an IDX file");
  }
  if (!S_ISREG(info.st_mode)) {
    // The size checks below need a real size, which pipes and devices lack.
    return Status::InvalidArgument(path + ": not a regular file (IDX files must be)");
  }
  size = static_cast<uint64_t>(info.st_size);
  return fd;
}

bool StartsWithGzipMagic(std::span<const std::byte> bytes) {
  return bytes.size() >= 2 && bytes[0] == std::byte{0x1F} && bytes[1] == std::byte{0x8B};
}

}  // namespace

Result<Tensor> ReadIdxFile(const std::string& path, const ReadOptions& options) {
  if (Status s = internal::CheckLimit(options, path); !s.ok()) return s;
  uint64_t file_size = 0;
  Result<UniqueFd> fd = OpenExistingFile(path, file_size);
  if (!fd.ok()) return fd.status();
  if (int error = FaultPoint("idx.read")) {
    return Status::IOError(path + ": read failed at byte 0: " + internal::ErrnoText(error));
  }
  if (file_size == 0) {
    return Status::Corruption(path +
                              ": empty file (0 bytes): an IDX file starts with a 4-byte magic");
  }

  std::array<std::byte, internal::kMaxHeaderBytes> head{};
  const std::size_t head_wanted = std::min<uint64_t>(file_size, head.size());
  Result<std::size_t> got =
      internal::ReadFullyAt(fd->get(), 0, std::span(head).first(head_wanted), path);
  if (!got.ok()) return got.status();
  std::span<const std::byte> head_bytes = std::span(head).first(*got);
  if (StartsWithGzipMagic(head_bytes)) {
    return internal::ReadGzipIdx(fd->get(), path, file_size, options);
  }

  Result<IdxHeader> header = ParseIdxHeader(head_bytes, path);
  if (!header.ok()) return header.status();
  // Against the real file size, before anything is allocated: a header that
  // claims terabytes in a 20-byte file is rejected here.
  const Status size_ok =
      internal::CheckDataSize(*header, file_size - header->header_bytes, path);
  if (!size_ok.ok()) return size_ok;

  const int64_t records = internal::RecordsToRead(*header, options);
  Tensor tensor(header->dtype, internal::ShapeWithRecords(header->shape, records));
  // One read straight into the tensor: no per-element I/O, no extra copy,
  // and with a limit only the needed records are read.
  got = internal::ReadFullyAt(fd->get(), header->header_bytes, tensor.bytes(), path);
  if (!got.ok()) return got.status();
  if (*got != tensor.num_bytes()) {
    return Status::IOError(path + ": file shrank while being read: expected " +
                           std::to_string(tensor.num_bytes()) + " bytes of data, read " +
                           std::to_string(*got));
  }
  internal::SwapBigEndianInPlace(tensor.bytes(), header->dtype);
  return tensor;
}

Result<Tensor> ParseIdx(std::span<const std::byte> bytes, std::string_view name,
                        const ReadOptions& options) {
  if (Status s = internal::CheckLimit(options, name); !s.ok()) return s;
  Result<IdxHeader> header = ParseIdxHeader(bytes, name);
  if (!header.ok()) return header.status();
  const Status size_ok =
      internal::CheckDataSize(*header, bytes.size() - header->header_bytes, name);
  if (!size_ok.ok()) return size_ok;
  const int64_t records = internal::RecordsToRead(*header, options);
  return internal::TensorFromBigEndian(*header, records, bytes.subspan(header->header_bytes));
}

}  // namespace runexp::idx
