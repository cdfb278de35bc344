#include "idx_gzip.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <span>
#include <vector>

#include "idx_format.h"
#include "idx_io.h"

namespace runexp::idx::internal {

namespace {

constexpr std::size_t kCompressedChunk = std::size_t{256} << 10;
// The first allocation for decompressed data; it doubles from there.
constexpr std::size_t kFirstDataChunk = std::size_t{64} << 10;
// Counting trailing bytes stops here: the count is only for the message,
// and a stream of garbage could otherwise keep the reader busy for minutes.
constexpr uint64_t kMaxTrailingCount = uint64_t{64} << 20;

// The decompressed bytes of a gzip file, pulled in chunks. Handles files
// made of several gzip members back to back (as `cat a.gz b.gz` makes).
class GzipStream {
 public:
  GzipStream(int fd, const std::string& path, uint64_t file_size)
      : fd_(fd), path_(path), file_size_(file_size), input_(kCompressedChunk) {}
  ~GzipStream() {
    if (initialised_) inflateEnd(&zs_);
  }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  Status Init() {
    // 16 + MAX_WBITS: expect a gzip wrapper (header and CRC), nothing else.
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) {
      return Status::IOError(path_ + ": zlib could not start decompressing");
    }
    initialised_ = true;
    return Status::OK();
  }

  // Fills `out`; returns how many bytes were written, fewer than out.size()
  // only when the stream has ended cleanly.
  Result<std::size_t> Read(std::span<std::byte> out);

  bool ended() const { return ended_; }

 private:
  // File offset of the next compressed byte zlib will consume.
  uint64_t CompressedOffset() const { return next_read_offset_ - zs_.avail_in; }
  // Moves unconsumed input to the front and reads more after it; returns
  // how many bytes were added (0 at the end of the file).
  Result<std::size_t> FillInput();
  // After a member ends: true if another member follows, false at the end of
  // the file, an error if something else follows.
  Result<bool> NextMemberFollows();

  int fd_;
  const std::string& path_;
  uint64_t file_size_;
  std::vector<std::byte> input_;
  uint64_t next_read_offset_ = 0;
  z_stream zs_{};
  bool initialised_ = false;
  bool ended_ = false;
};

Result<std::size_t> GzipStream::FillInput() {
  if (zs_.avail_in > 0) {
    std::memmove(input_.data(), zs_.next_in, zs_.avail_in);
  }
  std::span<std::byte> free_space = std::span(input_).subspan(zs_.avail_in);
  Result<std::size_t> got = ReadFullyAt(fd_, next_read_offset_, free_space, path_);
  if (!got.ok()) return got.status();
  next_read_offset_ += *got;
  zs_.next_in = reinterpret_cast<Bytef*>(input_.data());
  zs_.avail_in += static_cast<uInt>(*got);
  return *got;
}

Result<bool> GzipStream::NextMemberFollows() {
  if (zs_.avail_in < 2) {
    Result<std::size_t> got = FillInput();
    if (!got.ok()) return got.status();
  }
  if (zs_.avail_in == 0) return false;
  if (zs_.avail_in >= 2 && zs_.next_in[0] == 0x1F && zs_.next_in[1] == 0x8B) return true;
  const uint64_t at = CompressedOffset();
  return Status::Corruption(path_ + ": trailing garbage: " + std::to_string(file_size_ - at) +
                            " bytes after the end of the gzip stream at byte " +
                            std::to_string(at));
}

Result<std::size_t> GzipStream::Read(std::span<std::byte> out) {
  std::size_t produced = 0;
  while (produced < out.size() && !ended_) {
    if (zs_.avail_in == 0) {
      Result<std::size_t> got = FillInput();
      if (!got.ok()) return got.status();
      if (*got == 0) {
        return Status::Corruption(path_ +
                                  ": truncated gzip stream: the compressed data ends at byte " +
                                  std::to_string(next_read_offset_) +
                                  " before the end of the gzip stream");
      }
    }
    const std::size_t room = std::min<std::size_t>(out.size() - produced, UINT_MAX);
    zs_.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs_.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&zs_, Z_NO_FLUSH);
    produced += room - zs_.avail_out;
    switch (rc) {
      case Z_OK:
      case Z_BUF_ERROR:  // needs more input: the loop fetches it
        break;
      case Z_STREAM_END: {
        Result<bool> another = NextMemberFollows();
        if (!another.ok()) return another.status();
        if (*another) {
          inflateReset(&zs_);
        } else {
          ended_ = true;
        }
        break;
      }
      case Z_MEM_ERROR:
        return Status::IOError(path_ + ": out of memory while decompressing");
      default: {
        // zlib's message says what (bad header, invalid distance, CRC mismatch).
        const char* why = zs_.msg != nullptr ? zs_.msg : "unknown zlib error";
        return Status::Corruption(path_ + ": corrupt gzip stream near compressed byte " +
                                  std::to_string(CompressedOffset()) +
                                  ": " + why);
      }
    }
  }
  return produced;
}

// Drains the rest of the stream and counts it (up to kMaxTrailingCount).
// Draining is also what makes zlib check the final CRC and length.
Result<uint64_t> CountRemaining(GzipStream& stream) {
  std::array<std::byte, 1 << 16> scratch;
  uint64_t count = 0;
  while (!stream.ended() && count < kMaxTrailingCount) {
    Result<std::size_t> got = stream.Read(scratch);
    if (!got.ok()) return got.status();
    count += *got;
  }
  return count;
}

}  // namespace

Result<Tensor> ReadGzipIdx(int fd, const std::string& path, uint64_t file_size,
                           const ReadOptions& options) {
  GzipStream stream(fd, path, file_size);
  if (Status s = stream.Init(); !s.ok()) return s;

  // The magic first: its last byte says how long the rest of the header is.
  std::array<std::byte, kMaxHeaderBytes> head{};
  Result<std::size_t> got = stream.Read(std::span(head).first(kMagicBytes));
  if (!got.ok()) return got.status();
  std::size_t head_bytes = *got;
  const int rank = head_bytes == kMagicBytes ? std::to_integer<int>(head[3]) : 0;
  if (rank >= 1 && rank <= kMaxDimensions) {
    got = stream.Read(std::span(head).subspan(kMagicBytes, 4 * static_cast<std::size_t>(rank)));
    if (!got.ok()) return got.status();
    head_bytes += *got;
  }
  Result<IdxHeader> header = ParseIdxHeader(std::span(head).first(head_bytes), path);
  if (!header.ok()) return header.status();

  const int64_t records = RecordsToRead(*header, options);
  const bool reads_everything = records == header->shape[0];
  // Cannot overflow: records <= shape[0] and the header check bounded the product.
  const uint64_t wanted = static_cast<uint64_t>(records) * header->record_bytes;

  std::vector<std::byte> data;
  std::size_t filled = 0;
  while (filled < wanted && !stream.ended()) {
    if (filled == data.size()) {
      const uint64_t grown = std::max<uint64_t>(2 * data.size(), kFirstDataChunk);
      data.resize(static_cast<std::size_t>(std::min(wanted, grown)));
    }
    got = stream.Read(std::span(data).subspan(filled));
    if (!got.ok()) return got.status();
    filled += *got;
  }
  if (filled < wanted) {
    // The stream ended cleanly, so `filled` is all the data there is.
    return Status::Corruption(
        path + ": truncated data: expected " + std::to_string(header->data_bytes) +
        " bytes of data for shape " + ShapeToString(header->shape) + " of " +
        std::string(DTypeName(header->dtype)) + " after the " +
        std::to_string(header->header_bytes) + "-byte header, found " + std::to_string(filled) +
        " before the gzip stream ended (the header's claim exceeds the decompressed size of " +
        std::to_string(header->header_bytes + filled) + " bytes)");
  }

  if (reads_everything) {
    Result<uint64_t> extra = CountRemaining(stream);
    if (!extra.ok()) return extra.status();
    if (*extra > 0) {
      const std::string count = (stream.ended() ? "" : "at least ") + std::to_string(*extra);
      return Status::Corruption(path + ": trailing garbage: " + count +
                                " extra bytes after the " + std::to_string(header->data_bytes) +
                                " bytes of data for shape " + ShapeToString(header->shape) +
                                " of " + std::string(DTypeName(header->dtype)) +
                                ", starting at decompressed byte " +
                                std::to_string(header->header_bytes + header->data_bytes));
    }
  }
  return TensorFromBigEndian(*header, records, data);
}

}  // namespace runexp::idx::internal
