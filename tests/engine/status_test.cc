#include "runexp/status.h"

#include <gtest/gtest.h>

namespace runexp {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "OK");
}

TEST(StatusTest, ToStringNamesCodeAndMessage) {
  Status status = Status::Corruption("data/x: bad magic");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.ToString(), "Corruption: data/x: bad magic");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status status = Status::IOError("disk full").WithContext("stage 'model'");
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_EQ(status.message(), "stage 'model': disk full");
  EXPECT_TRUE(Status::OK().WithContext("ignored").ok());
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad = Status::NotFound("run 'abc'");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace runexp
