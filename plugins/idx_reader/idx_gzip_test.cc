// Gzip-compressed IDX files: transparent reading, the limit, and every way
// a gzip stream can be damaged. Test files are written with zlib's gzwrite.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "idx_file.h"
#include "idx_test_util.h"

namespace runexp::idx {
namespace {

using testing::Bytes;
using testing::Concat;
using testing::IdxHeaderBytes;
using testing::IsError;
using testing::ReadFileBytes;
using testing::ScratchDir;
using testing::WriteFileBytes;
using testing::WriteGzipFile;

// An int16 file of shape (records, 3) whose element i is i * 257 - 1000,
// big-endian: exercises byte-order conversion behind decompression.
Bytes Int16Image(uint32_t records) {
  Bytes bytes = IdxHeaderBytes(0x0B, {records, 3});
  for (uint32_t i = 0; i < records * 3; ++i) {
    const auto v = static_cast<uint16_t>(static_cast<int16_t>(i * 257 - 1000));
    bytes.push_back(static_cast<uint8_t>(v >> 8));
    bytes.push_back(static_cast<uint8_t>(v));
  }
  return bytes;
}

void ExpectInt16Image(const Tensor& t, int64_t records) {
  ASSERT_EQ(t.dtype(), DType::kInt16);
  ASSERT_EQ(t.shape(), (Shape{records, 3}));
  std::span<const int16_t> values = t.values<int16_t>();
  for (std::size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(values[i], static_cast<int16_t>(i * 257 - 1000)) << "element " << i;
  }
}

// Random-looking bytes that deflate cannot shrink much, so the compressed
// file is big enough to cut in meaningful places.
Bytes NoisyUInt8Image(uint32_t records, uint32_t record_size) {
  Bytes bytes = IdxHeaderBytes(0x08, {records, record_size});
  uint32_t state = 12345;
  for (uint32_t i = 0; i < records * record_size; ++i) {
    state = state * 1103515245u + 12345u;
    bytes.push_back(static_cast<uint8_t>(state >> 16));
  }
  return bytes;
}

TEST(IdxGzipTest, RoundTrip) {
  ScratchDir dir;
  const std::string path = dir.File("data.idx.gz");
  WriteGzipFile(path, Int16Image(50));
  Result<Tensor> t = ReadIdxFile(path);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectInt16Image(*t, 50);
}

TEST(IdxGzipTest, DetectedByContentNotByName) {
  ScratchDir dir;
  const std::string gz_without_suffix = dir.File("data.idx");
  WriteGzipFile(gz_without_suffix, Int16Image(4));
  Result<Tensor> t = ReadIdxFile(gz_without_suffix);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectInt16Image(*t, 4);

  const std::string plain_with_suffix = dir.File("plain.gz");
  WriteFileBytes(plain_with_suffix, Int16Image(4));
  t = ReadIdxFile(plain_with_suffix);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectInt16Image(*t, 4);
}

TEST(IdxGzipTest, LargerThanOneChunk) {
  // 3 MB decompressed: the buffer has to grow several times.
  ScratchDir dir;
  const std::string path = dir.File("big.gz");
  const Bytes image = NoisyUInt8Image(3000, 1000);
  WriteGzipFile(path, image);
  Result<Tensor> t = ReadIdxFile(path);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->shape(), (Shape{3000, 1000}));
  std::span<const uint8_t> values = t->values<uint8_t>();
  EXPECT_TRUE(std::equal(values.begin(), values.end(), image.begin() + 12));
}

TEST(IdxGzipTest, Limit) {
  ScratchDir dir;
  const std::string path = dir.File("data.gz");
  WriteGzipFile(path, Int16Image(100));
  Result<Tensor> t = ReadIdxFile(path, {.limit = 7});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectInt16Image(*t, 7);
  t = ReadIdxFile(path, {.limit = 500});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectInt16Image(*t, 100);
}

TEST(IdxGzipTest, InvalidLimit) {
  ScratchDir dir;
  const std::string path = dir.File("data.gz");
  WriteGzipFile(path, Int16Image(3));
  EXPECT_TRUE(IsError(ReadIdxFile(path, {.limit = 0}).status(), StatusCode::kInvalidArgument,
                      {path, "invalid limit 0"}));
}

TEST(IdxGzipTest, LimitStopsBeforeDamageLaterInTheStream) {
  // Documented trade-off: with a limit, decompression stops once the
  // records have arrived, so a cut near the end goes unnoticed.
  ScratchDir dir;
  const std::string path = dir.File("cut.gz");
  WriteGzipFile(path, NoisyUInt8Image(1000, 100));
  Bytes compressed = ReadFileBytes(path);
  compressed.resize(compressed.size() - 200);
  WriteFileBytes(path, compressed);
  Result<Tensor> t = ReadIdxFile(path, {.limit = 10});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->shape(), (Shape{10, 100}));
  EXPECT_FALSE(ReadIdxFile(path).ok());
}

TEST(IdxGzipTest, SeveralMembersBackToBack) {
  // `cat header.gz data.gz` is a valid gzip file; gunzip reads it as one.
  ScratchDir dir;
  const Bytes image = Int16Image(10);
  const std::string first = dir.File("first.gz");
  const std::string second = dir.File("second.gz");
  WriteGzipFile(first, Bytes(image.begin(), image.begin() + 20));
  WriteGzipFile(second, Bytes(image.begin() + 20, image.end()));
  const std::string path = dir.File("joined.gz");
  WriteFileBytes(path, Concat(ReadFileBytes(first), ReadFileBytes(second)));
  Result<Tensor> t = ReadIdxFile(path);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectInt16Image(*t, 10);
}

// --- damage -------------------------------------------------------------------

TEST(IdxGzipTest, TruncatedGzipStream) {
  ScratchDir dir;
  const std::string path = dir.File("half.gz");
  WriteGzipFile(path, NoisyUInt8Image(100, 100));
  Bytes compressed = ReadFileBytes(path);
  compressed.resize(compressed.size() / 2);
  WriteFileBytes(path, compressed);
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "truncated gzip stream: the compressed data ends at byte " +
                                 std::to_string(compressed.size())}));
}

TEST(IdxGzipTest, TruncatedJustBeforeTheTrailer) {
  // All the data decompresses; only the CRC and length trailer is missing.
  ScratchDir dir;
  const std::string path = dir.File("notrailer.gz");
  WriteGzipFile(path, Int16Image(5));
  Bytes compressed = ReadFileBytes(path);
  compressed.resize(compressed.size() - 8);
  WriteFileBytes(path, compressed);
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "truncated gzip stream"}));
}

TEST(IdxGzipTest, CorruptDeflateData) {
  ScratchDir dir;
  const std::string path = dir.File("corrupt.gz");
  WriteGzipFile(path, NoisyUInt8Image(100, 100));
  Bytes compressed = ReadFileBytes(path);
  for (std::size_t i = 20; i < 60; ++i) compressed[i] = 0xFF;
  WriteFileBytes(path, compressed);
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "corrupt gzip stream near compressed byte "}));
}

TEST(IdxGzipTest, CrcMismatch) {
  ScratchDir dir;
  const std::string path = dir.File("crc.gz");
  WriteGzipFile(path, Int16Image(5));
  Bytes compressed = ReadFileBytes(path);
  compressed[compressed.size() - 8] ^= 0x01;  // first byte of the CRC-32 trailer
  WriteFileBytes(path, compressed);
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "corrupt gzip stream", "incorrect data check"}));
}

TEST(IdxGzipTest, BadGzipHeader) {
  ScratchDir dir;
  const std::string path = dir.File("badheader.gz");
  // Gzip magic, then compression method 0x63 where 8 (deflate) belongs.
  WriteFileBytes(path, {0x1F, 0x8B, 0x63, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "corrupt gzip stream", "unknown compression method"}));
}

TEST(IdxGzipTest, GarbageAfterTheGzipStream) {
  ScratchDir dir;
  const std::string path = dir.File("junk.gz");
  WriteGzipFile(path, Int16Image(5));
  const Bytes compressed = ReadFileBytes(path);
  WriteFileBytes(path, Concat(compressed, {'j', 'u', 'n', 'k'}));
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "trailing garbage: 4 bytes after the end of the gzip stream at byte " +
                                 std::to_string(compressed.size())}));
}

TEST(IdxGzipTest, TrailingGarbageInTheDecompressedData) {
  ScratchDir dir;
  const std::string path = dir.File("long.gz");
  WriteGzipFile(path, Concat(IdxHeaderBytes(0x08, {2, 3}), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "trailing garbage: 5 extra bytes after the 6 bytes of data",
                       "starting at decompressed byte 18"}));
}

TEST(IdxGzipTest, TruncatedDecompressedData) {
  ScratchDir dir;
  const std::string path = dir.File("short.gz");
  WriteGzipFile(path, Concat(IdxHeaderBytes(0x08, {2, 3}), {1, 2, 3, 4}));
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "truncated data: expected 6 bytes of data", "found 4",
                       "before the gzip stream ended"}));
  // Also with a limit that needs the missing records.
  EXPECT_TRUE(IsError(ReadIdxFile(path, {.limit = 2}).status(), StatusCode::kCorruption,
                      {path, "truncated data: expected 6 bytes of data", "found 4"}));
}

TEST(IdxGzipTest, HugeClaimFailsFast) {
  ScratchDir dir;
  const std::string path = dir.File("liar.gz");
  WriteGzipFile(path, Concat(IdxHeaderBytes(0x08, {4000000000u, 4000000000u}), Bytes(10, 1)));
  Result<Tensor> result = Tensor();
  EXPECT_NO_THROW(result = ReadIdxFile(path));
  EXPECT_TRUE(IsError(result.status(), StatusCode::kCorruption,
                      {path, "expected 16000000000000000000 bytes of data", "found 10",
                       "exceeds the decompressed size of 22 bytes"}));
}

TEST(IdxGzipTest, BadIdxHeaderInside) {
  ScratchDir dir;
  const std::string path = dir.File("magic.gz");
  WriteGzipFile(path, {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1});
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "bad magic 0x12345678 at byte 0"}));
}

TEST(IdxGzipTest, HeaderCutShortInside) {
  ScratchDir dir;
  const std::string path = dir.File("cut.gz");
  WriteGzipFile(path, {0x00, 0x00, 0x08, 0x03, 0, 0, 0, 1});
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "file shorter than the header: 8 bytes, but a header with 3 "
                             "dimensions needs 16"}));
}

TEST(IdxGzipTest, EmptyInside) {
  ScratchDir dir;
  const std::string path = dir.File("nothing.gz");
  WriteGzipFile(path, {});
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "file shorter than the header: 0 bytes"}));
}

}  // namespace
}  // namespace runexp::idx
