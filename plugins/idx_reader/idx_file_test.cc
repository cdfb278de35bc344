// ReadIdxFile, ParseIdx, ParseIdxHeader and WriteIdxFile on well-formed
// files: every element type with its byte order, round trips, the limit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <numbers>
#include <span>
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

template <typename T>
std::vector<T> ValuesOf(const Tensor& tensor) {
  std::span<const T> values = tensor.values<T>();
  return {values.begin(), values.end()};
}

// Reads a hand-built file; fails the test (and returns an empty tensor) on error.
Tensor ReadOk(const std::string& path, const ReadOptions& options = {}) {
  Result<Tensor> tensor = ReadIdxFile(path, options);
  EXPECT_TRUE(tensor.ok()) << tensor.status().ToString();
  return tensor.ok() ? std::move(tensor).value() : Tensor();
}

TEST(IdxReadTest, UInt8) {
  ScratchDir dir;
  const std::string path = dir.File("u8.idx");
  WriteFileBytes(path, Concat(IdxHeaderBytes(0x08, {2, 3}), {0, 1, 2, 127, 128, 255}));
  Tensor t = ReadOk(path);
  EXPECT_EQ(t.dtype(), DType::kUInt8);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(ValuesOf<uint8_t>(t), (std::vector<uint8_t>{0, 1, 2, 127, 128, 255}));
}

TEST(IdxReadTest, Int8) {
  ScratchDir dir;
  const std::string path = dir.File("i8.idx");
  WriteFileBytes(path, Concat(IdxHeaderBytes(0x09, {4}), {0xFF, 0x80, 0x7F, 0x00}));
  Tensor t = ReadOk(path);
  EXPECT_EQ(t.dtype(), DType::kInt8);
  EXPECT_EQ(t.shape(), (Shape{4}));
  EXPECT_EQ(ValuesOf<int8_t>(t), (std::vector<int8_t>{-1, -128, 127, 0}));
}

TEST(IdxReadTest, Int16IsBigEndian) {
  ScratchDir dir;
  const std::string path = dir.File("i16.idx");
  WriteFileBytes(path, Concat(IdxHeaderBytes(0x0B, {3}), {0x01, 0x02, 0xFF, 0xFE, 0x80, 0x00}));
  Tensor t = ReadOk(path);
  EXPECT_EQ(t.dtype(), DType::kInt16);
  EXPECT_EQ(ValuesOf<int16_t>(t), (std::vector<int16_t>{0x0102, -2, -32768}));
}

TEST(IdxReadTest, Int32IsBigEndian) {
  ScratchDir dir;
  const std::string path = dir.File("i32.idx");
  WriteFileBytes(path, Concat(IdxHeaderBytes(0x0C, {1, 3}),
                              {0x01, 0x02, 0x03, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0, 0, 0}));
  Tensor t = ReadOk(path);
  EXPECT_EQ(t.dtype(), DType::kInt32);
  EXPECT_EQ(t.shape(), (Shape{1, 3}));
  EXPECT_EQ(ValuesOf<int32_t>(t),
            (std::vector<int32_t>{0x01020304, -1, std::numeric_limits<int32_t>::min()}));
}

TEST(IdxReadTest, Float32IsBigEndian) {
  ScratchDir dir;
  const std::string path = dir.File("f32.idx");
  WriteFileBytes(path, Concat(IdxHeaderBytes(0x0D, {3}), {0x3F, 0x80, 0x00, 0x00,    // 1.0
                                                          0xC0, 0x49, 0x0F, 0xDB,    // -pi
                                                          0x7F, 0x80, 0x00, 0x00}));  // +inf
  Tensor t = ReadOk(path);
  EXPECT_EQ(t.dtype(), DType::kFloat32);
  EXPECT_EQ(ValuesOf<float>(t), (std::vector<float>{1.0f, -std::numbers::pi_v<float>,
                                                    std::numeric_limits<float>::infinity()}));
}

TEST(IdxReadTest, Float64IsBigEndian) {
  ScratchDir dir;
  const std::string path = dir.File("f64.idx");
  WriteFileBytes(path, Concat(IdxHeaderBytes(0x0E, {2}),
                              {0x3F, 0xF0, 0, 0, 0, 0, 0, 0,                        // 1.0
                               0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18}));  // pi
  Tensor t = ReadOk(path);
  EXPECT_EQ(t.dtype(), DType::kFloat64);
  EXPECT_EQ(ValuesOf<double>(t), (std::vector<double>{1.0, std::numbers::pi}));
}

TEST(IdxReadTest, ZeroRecordsIsAnEmptyTensor) {
  ScratchDir dir;
  const std::string path = dir.File("empty.idx");
  WriteFileBytes(path, IdxHeaderBytes(0x08, {0, 28, 28}));
  Tensor t = ReadOk(path);
  EXPECT_EQ(t.shape(), (Shape{0, 28, 28}));
  EXPECT_EQ(t.num_elements(), 0);
}

TEST(IdxReadTest, HeaderFieldsDescribeTheData) {
  const Bytes bytes = IdxHeaderBytes(0x0C, {5, 3, 2});
  Result<IdxHeader> header = ParseIdxHeader(std::as_bytes(std::span(bytes)), "h.idx");
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(header->dtype, DType::kInt32);
  EXPECT_EQ(header->shape, (Shape{5, 3, 2}));
  EXPECT_EQ(header->header_bytes, 16u);
  EXPECT_EQ(header->record_bytes, 24u);
  EXPECT_EQ(header->data_bytes, 120u);
}

TEST(IdxReadTest, ParseIdxReadsAnInMemoryImage) {
  const Bytes bytes = Concat(IdxHeaderBytes(0x0B, {2}), {0x01, 0x02, 0x00, 0x07});
  Result<Tensor> t = ParseIdx(std::as_bytes(std::span(bytes)), "memory.idx");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(ValuesOf<int16_t>(*t), (std::vector<int16_t>{258, 7}));
}

TEST(IdxReadTest, ParseIdxHonoursTheLimitAndChecksTheSize) {
  const Bytes good = Concat(IdxHeaderBytes(0x08, {3, 2}), {1, 2, 3, 4, 5, 6});
  Result<Tensor> t = ParseIdx(std::as_bytes(std::span(good)), "memory.idx", {.limit = 2});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->shape(), (Shape{2, 2}));
  EXPECT_EQ(ValuesOf<uint8_t>(*t), (std::vector<uint8_t>{1, 2, 3, 4}));

  const Bytes long_image = Concat(good, {9});
  EXPECT_TRUE(IsError(ParseIdx(std::as_bytes(std::span(long_image)), "memory.idx").status(),
                      StatusCode::kCorruption, {"memory.idx", "trailing garbage: 1 extra bytes"}));
}

// --- the limit ------------------------------------------------------------

class IdxLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Five records of two bytes: record r holds (10r, 10r + 1).
    WriteFileBytes(path_, Concat(IdxHeaderBytes(0x08, {5, 2}),
                                 {0, 1, 10, 11, 20, 21, 30, 31, 40, 41}));
  }
  ScratchDir dir_;
  std::string path_ = dir_.File("five.idx");
};

TEST_F(IdxLimitTest, ReadsOnlyTheFirstRecords) {
  Tensor t = ReadOk(path_, {.limit = 3});
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(ValuesOf<uint8_t>(t), (std::vector<uint8_t>{0, 1, 10, 11, 20, 21}));
}

TEST_F(IdxLimitTest, OneRecord) {
  Tensor t = ReadOk(path_, {.limit = 1});
  EXPECT_EQ(t.shape(), (Shape{1, 2}));
  EXPECT_EQ(ValuesOf<uint8_t>(t), (std::vector<uint8_t>{0, 1}));
}

TEST_F(IdxLimitTest, LargerThanTheFileReadsEverything) {
  Tensor t = ReadOk(path_, {.limit = 1000});
  EXPECT_EQ(t.shape(), (Shape{5, 2}));
  EXPECT_EQ(ValuesOf<uint8_t>(t).back(), 41);
}

TEST_F(IdxLimitTest, ZeroIsInvalid) {
  EXPECT_TRUE(IsError(ReadIdxFile(path_, {.limit = 0}).status(), StatusCode::kInvalidArgument,
                      {path_, "invalid limit 0: must be at least 1"}));
}

TEST_F(IdxLimitTest, NegativeIsInvalid) {
  EXPECT_TRUE(IsError(ReadIdxFile(path_, {.limit = -5}).status(), StatusCode::kInvalidArgument,
                      {path_, "invalid limit -5"}));
}

TEST_F(IdxLimitTest, StillChecksTheWholeFileSize) {
  // A limit reads less, but a plain file is always checked against its real size.
  WriteFileBytes(path_, Concat(ReadFileBytes(path_), {0xAA, 0xBB}));
  EXPECT_TRUE(IsError(ReadIdxFile(path_, {.limit = 1}).status(), StatusCode::kCorruption,
                      {path_, "trailing garbage: 2 extra bytes"}));
}

TEST_F(IdxLimitTest, Int32RecordsAreConverted) {
  const std::string path = dir_.File("i32.idx");
  WriteFileBytes(path, Concat(IdxHeaderBytes(0x0C, {3}),
                              {0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0}));
  Tensor t = ReadOk(path, {.limit = 2});
  EXPECT_EQ(ValuesOf<int32_t>(t), (std::vector<int32_t>{256, 512}));
}

// --- the writer -----------------------------------------------------------

TEST(IdxWriteTest, WritesBigEndianBytes) {
  ScratchDir dir;
  const std::string path = dir.File("out.idx");
  Tensor t(DType::kInt16, {1, 2});
  t.values<int16_t>()[0] = 0x0102;
  t.values<int16_t>()[1] = -2;
  ASSERT_TRUE(WriteIdxFile(path, t).ok());
  EXPECT_EQ(ReadFileBytes(path), Concat(IdxHeaderBytes(0x0B, {1, 2}), {0x01, 0x02, 0xFF, 0xFE}));
}

TEST(IdxWriteTest, WritesFloat64BigEndianBytes) {
  ScratchDir dir;
  const std::string path = dir.File("out.idx");
  Tensor t(DType::kFloat64, {1});
  t.values<double>()[0] = std::numbers::pi;
  ASSERT_TRUE(WriteIdxFile(path, t).ok());
  EXPECT_EQ(ReadFileBytes(path),
            Concat(IdxHeaderBytes(0x0E, {1}), {0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18}));
}

TEST(IdxWriteTest, ReplacesAnExistingFileAndLeavesNoTemporaryFile) {
  ScratchDir dir;
  const std::string path = dir.File("out.idx");
  WriteFileBytes(path, {1, 2, 3});
  Tensor t(DType::kUInt8, {2});
  t.values<uint8_t>()[1] = 9;
  ASSERT_TRUE(WriteIdxFile(path, t).ok());
  EXPECT_EQ(ReadFileBytes(path), Concat(IdxHeaderBytes(0x08, {2}), {0, 9}));
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "out.idx");
  }
  EXPECT_EQ(files, 1);
}

TEST(IdxWriteTest, LargeInt32TensorRoundTrips) {
  // More than one write chunk (1 MiB), so the chunked conversion is exercised.
  ScratchDir dir;
  const std::string path = dir.File("big.idx");
  Tensor t(DType::kInt32, {300000, 2});
  std::span<int32_t> values = t.values<int32_t>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int32_t>(i * 2654435761u);
  ASSERT_TRUE(WriteIdxFile(path, t).ok());
  Tensor back = ReadOk(path);
  EXPECT_EQ(back.shape(), t.shape());
  EXPECT_TRUE(ValuesOf<int32_t>(back) == ValuesOf<int32_t>(t));
}

TEST(IdxWriteTest, RejectsAShapeIdxCannotHold) {
  ScratchDir dir;
  const std::string path = dir.File("out.idx");
  // Zero elements, so nothing is allocated, but 2^32 does not fit a uint32 dimension.
  EXPECT_TRUE(IsError(WriteIdxFile(path, Tensor(DType::kUInt8, {int64_t{1} << 32, 0})),
                      StatusCode::kInvalidArgument, {path, "each dimension must fit in 32 bits"}));
  EXPECT_TRUE(IsError(WriteIdxFile(path, Tensor(DType::kUInt8, Shape(9, 1))),
                      StatusCode::kInvalidArgument, {path, "rank-9", "must be 1 to 8"}));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(IdxWriteTest, ReportsAMissingDirectory) {
  ScratchDir dir;
  const std::string path = dir.File("no/such/dir/out.idx");
  EXPECT_TRUE(IsError(WriteIdxFile(path, Tensor(DType::kUInt8, {1})), StatusCode::kIOError,
                      {path, "cannot create temporary file", "No such file or directory"}));
}

// --- every type, through the writer and back ------------------------------

template <typename T>
class IdxRoundTripTest : public ::testing::Test {};
using AllTypes = ::testing::Types<uint8_t, int8_t, int16_t, int32_t, float, double>;
TYPED_TEST_SUITE(IdxRoundTripTest, AllTypes);

TYPED_TEST(IdxRoundTripTest, WriteThenReadGivesTheSameTensor) {
  using T = TypeParam;
  ScratchDir dir;
  const std::string path = dir.File("round.idx");
  Tensor t(DTypeOf<T>(), {4, 3, 2});
  std::span<T> values = t.values<T>();
  for (std::size_t i = 0; i < values.size(); ++i) {
    // Distinct values with high and low bytes set, negatives where the type has them.
    if constexpr (std::is_floating_point_v<T>) {
      values[i] = static_cast<T>(i) * T(-1.25) + T(0.1);
    } else {
      values[i] = static_cast<T>(i * 37 + 0x55 + (sizeof(T) > 1 ? 0x1200 * i : 0));
    }
  }
  ASSERT_TRUE(WriteIdxFile(path, t).ok());
  Tensor back = ReadOk(path);
  EXPECT_EQ(back.dtype(), DTypeOf<T>());
  EXPECT_EQ(back.shape(), (Shape{4, 3, 2}));
  EXPECT_EQ(ValuesOf<T>(back), ValuesOf<T>(t));
  // The header records the type code the format assigns.
  const uint8_t expected_code[] = {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E};
  EXPECT_EQ(ReadFileBytes(path).at(2), expected_code[static_cast<int>(DTypeOf<T>())]);
}

}  // namespace
}  // namespace runexp::idx
