// Bad input for ReadIdxFile: every case must fail with the right code and a
// message that names the file and says what is wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
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
using testing::ScratchDir;
using testing::WriteFileBytes;

// --- the file system --------------------------------------------------------

TEST(IdxErrorsTest, MissingFile) {
  ScratchDir dir;
  const std::string path = dir.File("absent.idx");
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kNotFound, {path, "no such file"}));
}

TEST(IdxErrorsTest, PathThroughARegularFile) {
  ScratchDir dir;
  WriteFileBytes(dir.File("plain"), {0});
  const std::string path = dir.File("plain/inner.idx");
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kNotFound, {path, "no such file"}));
}

TEST(IdxErrorsTest, Directory) {
  ScratchDir dir;
  EXPECT_TRUE(IsError(ReadIdxFile(dir.path()).status(), StatusCode::kInvalidArgument,
                      {dir.path(), "is a directory, not an IDX file"}));
}

TEST(IdxErrorsTest, NotARegularFile) {
  EXPECT_TRUE(IsError(ReadIdxFile("/dev/null").status(), StatusCode::kInvalidArgument,
                      {"/dev/null", "not a regular file"}));
}

TEST(IdxErrorsTest, EmptyFile) {
  ScratchDir dir;
  const std::string path = dir.File("empty.idx");
  WriteFileBytes(path, {});
  EXPECT_TRUE(IsError(ReadIdxFile(path).status(), StatusCode::kCorruption,
                      {path, "empty file (0 bytes)"}));
}

TEST(IdxErrorsTest, InvalidLimitIsReportedBeforeTheFileIsOpened) {
  ScratchDir dir;
  const std::string path = dir.File("absent.idx");
  EXPECT_TRUE(IsError(ReadIdxFile(path, {.limit = -1}).status(), StatusCode::kInvalidArgument,
                      {path, "invalid limit -1"}));
}

// A header that claims 4e9 x 4e9 bytes in a 22-byte file must be refused
// by comparing with the file size; allocating first would throw bad_alloc
// (and fail this test) or take the machine down.
TEST(IdxErrorsTest, ClaimBeyondTheFileSizeFailsWithoutAllocating) {
  ScratchDir dir;
  const std::string path = dir.File("liar.idx");
  WriteFileBytes(path, Concat(IdxHeaderBytes(0x08, {4000000000u, 4000000000u}),
                              Bytes(10, 7)));
  Result<Tensor> result = Tensor();
  EXPECT_NO_THROW(result = ReadIdxFile(path));
  EXPECT_TRUE(IsError(result.status(), StatusCode::kCorruption,
                      {path, "expected 16000000000000000000 bytes of data", "found 10",
                       "exceeds the file size of 22 bytes"}));
}

// --- the content, one table row per defect ----------------------------------

struct BadFile {
  const char* name;
  Bytes bytes;
  std::vector<std::string> expected;  // parts of the message, besides the path
};

// Shown by GoogleTest in the test's name and on failure.
void PrintTo(const BadFile& bad, std::ostream* out) { *out << bad.name; }

class IdxBadContentTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(IdxBadContentTest, IsCorruptionNamingFileAndDefect) {
  ScratchDir dir;
  const std::string path = dir.File(std::string(GetParam().name) + ".idx");
  WriteFileBytes(path, GetParam().bytes);
  Result<Tensor> result = ReadIdxFile(path);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(IsError(result.status(), StatusCode::kCorruption, {path}));
  for (const std::string& part : GetParam().expected) {
    EXPECT_TRUE(IsError(result.status(), StatusCode::kCorruption, {part}));
  }
}

const BadFile kBadFiles[] = {
    {"ShorterThanTheMagic", {0x00, 0x00, 0x08},
     {"file shorter than the header: 3 bytes, but the magic alone needs 4"}},
    {"ShorterThanTheDimensions", {0x00, 0x00, 0x08, 0x03, 0, 0, 0, 1, 0, 0},
     {"file shorter than the header: 10 bytes, but a header with 3 dimensions needs 16"}},
    {"BadMagic", {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1},
     {"bad magic 0x12345678 at byte 0: expected 0x0000TTDD (first two bytes zero)"}},
    {"BadMagicSecondByte", {0x00, 0x01, 0x08, 0x01, 0, 0, 0, 1, 5},
     {"bad magic 0x00010801"}},
    {"UnknownTypeCode", Concat(IdxHeaderBytes(0x07, {1}), {0}),
     {"unknown element type code 0x07 at byte 2", "0x08 (uint8)"}},
    {"TypeCode0x0A", Concat(IdxHeaderBytes(0x0A, {1}), {0}),
     {"unknown element type code 0x0A at byte 2"}},
    {"ZeroDimensions", {0x00, 0x00, 0x08, 0x00, 1, 2, 3},
     {"dimension count 0 at byte 3: an IDX file needs at least one dimension"}},
    {"NineDimensions", Concat(IdxHeaderBytes(0x08, {1, 1, 1, 1, 1, 1, 1, 1, 1}), {0}),
     {"dimension count 9 at byte 3 exceeds the maximum of 8"}},
    {"AbsurdDimensionCount", {0x00, 0x00, 0x08, 0xFF, 0, 0, 0, 1},
     {"dimension count 255 at byte 3 exceeds the maximum of 8"}},
    {"ProductOverflows64Bits", IdxHeaderBytes(0x08, {4000000000u, 4000000000u, 4000000000u}),
     {"dimensions (4000000000, 4000000000, 4000000000) of uint8 overflow 64 bits"}},
    {"RecordSizeOverflowsEvenWithZeroRecords",
     IdxHeaderBytes(0x0E, {0, 4000000000u, 4000000000u}),
     {"of float64 overflow 64 bits"}},
    {"TruncatedData", Concat(IdxHeaderBytes(0x08, {2, 3}), {1, 2, 3, 4}),
     {"truncated data: expected 6 bytes of data for shape (2, 3) of uint8 after the 12-byte "
      "header, found 4"}},
    {"TruncatedMidElement", Concat(IdxHeaderBytes(0x0C, {2}), {0, 0, 0, 1, 0, 0}),
     {"truncated data: expected 8 bytes of data", "found 6"}},
    {"HeaderOnly", IdxHeaderBytes(0x08, {1}),
     {"truncated data: expected 1 bytes of data", "found 0"}},
    {"TrailingGarbage", Concat(IdxHeaderBytes(0x08, {2, 3}), {1, 2, 3, 4, 5, 6, 7, 8, 9}),
     {"trailing garbage: 3 extra bytes after the 6 bytes of data", "starting at byte 18"}},
    {"GarbageAfterEmptyRecords", Concat(IdxHeaderBytes(0x08, {0, 5}), {1}),
     {"trailing garbage: 1 extra bytes", "starting at byte 12"}},
};

INSTANTIATE_TEST_SUITE_P(, IdxBadContentTest, ::testing::ValuesIn(kBadFiles),
                         [](const ::testing::TestParamInfo<BadFile>& info) {
                           return std::string(info.param.name);
                         });

// The same defects reach ParseIdx callers with the name they gave.
TEST(IdxErrorsTest, ParseIdxNamesItsSource) {
  const Bytes bytes = {0x12, 0x34, 0x56, 0x78};
  EXPECT_TRUE(IsError(ParseIdx(std::as_bytes(std::span(bytes)), "blob in memory").status(),
                      StatusCode::kCorruption, {"blob in memory: bad magic 0x12345678"}));
}

TEST(IdxErrorsTest, ParseIdxPointsOutGzipData) {
  const Bytes bytes = {0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0};
  EXPECT_TRUE(IsError(ParseIdx(std::as_bytes(std::span(bytes)), "x").status(),
                      StatusCode::kCorruption, {"bad magic 0x1F8B0800", "this is gzip data"}));
}

}  // namespace
}  // namespace runexp::idx
