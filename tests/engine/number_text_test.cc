#include "number_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

namespace runexp {
namespace {

TEST(NumberTextTest, ShortestForms) {
  EXPECT_EQ(ShortestText(0.1), "0.1");  // not 0.10000000000000001
  EXPECT_EQ(ShortestText(255.0), "255");
  EXPECT_EQ(ShortestText(0.001), "0.001");
  EXPECT_EQ(ShortestText(-2.5), "-2.5");
  EXPECT_EQ(ShortestText(1e20), "1e+20");
  EXPECT_EQ(ShortestText(0.0), "0");
  EXPECT_EQ(ShortestText(-0.0), "-0");
  EXPECT_EQ(ShortestText(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(ShortestText(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(ShortestText(std::numeric_limits<double>::quiet_NaN()), "nan");
}

// The longest shortest forms fit the helper's buffer and are whole.
TEST(NumberTextTest, LongestFormsAreComplete) {
  EXPECT_EQ(ShortestText(-std::numeric_limits<double>::min()), "-2.2250738585072014e-308");
  EXPECT_EQ(ShortestText(-std::numeric_limits<double>::max()), "-1.7976931348623157e+308");
  EXPECT_EQ(ShortestText(std::numeric_limits<double>::denorm_min()), "5e-324");
}

// Any finite double, from random bit patterns: the text reads back as the
// same bits.
TEST(NumberTextTest, ReadsBackAsTheSameBits) {
  std::mt19937_64 bits(20261202);
  int checked = 0;
  while (checked < 100000) {
    const uint64_t pattern = bits();
    double value;
    std::memcpy(&value, &pattern, sizeof value);
    if (!std::isfinite(value)) continue;
    const std::string text = ShortestText(value);
    const double back = std::strtod(text.c_str(), nullptr);
    uint64_t back_bits;
    std::memcpy(&back_bits, &back, sizeof back_bits);
    ASSERT_EQ(back_bits, pattern) << text;
    ++checked;
  }
}

}  // namespace
}  // namespace runexp
