// Sgemm against a naive double-precision product, for every transpose
// combination, odd shapes, padded leading dimensions, alpha and beta; and
// its one-thread contract.
#include "runexp/nn/gemm.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "runexp/nn/random.h"

namespace runexp::nn {
namespace {

struct GemmCase {
  bool trans_a;
  bool trans_b;
  int64_t m, n, k;
  int64_t pad;  // extra columns in every stored row (leading dimension slack)
  float alpha, beta;
};

std::string CaseName(const ::testing::TestParamInfo<GemmCase>& info) {
  const GemmCase& c = info.param;
  std::string name = std::string(c.trans_a ? "T" : "N") + (c.trans_b ? "T" : "N") + "_" +
                     std::to_string(c.m) + "x" + std::to_string(c.n) + "x" + std::to_string(c.k);
  if (c.pad > 0) name += "_pad" + std::to_string(c.pad);
  if (c.alpha != 1.0f || c.beta != 0.0f) name += "_scaled";
  return name;
}

// C = alpha·op(A)·op(B) + beta·C, row-major, in double.
void NaiveGemm(const GemmCase& c, const std::vector<float>& a, int64_t lda,
               const std::vector<float>& b, int64_t ldb, std::vector<double>& out, int64_t ldc) {
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < c.n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < c.k; ++p) {
        const double av = c.trans_a ? a[p * lda + i] : a[i * lda + p];
        const double bv = c.trans_b ? b[j * ldb + p] : b[p * ldb + j];
        sum += av * bv;
      }
      out[i * ldc + j] = c.alpha * sum + c.beta * out[i * ldc + j];
    }
  }
}

class SgemmTest : public ::testing::TestWithParam<GemmCase> {};

TEST_P(SgemmTest, MatchesNaiveProduct) {
  const GemmCase c = GetParam();
  const int64_t a_rows = c.trans_a ? c.k : c.m, a_cols = c.trans_a ? c.m : c.k;
  const int64_t b_rows = c.trans_b ? c.n : c.k, b_cols = c.trans_b ? c.k : c.n;
  const int64_t lda = a_cols + c.pad, ldb = b_cols + c.pad, ldc = c.n + c.pad;
  RandomStream stream(7, "gemm_test");
  std::vector<float> a(static_cast<std::size_t>(a_rows * lda)), b(static_cast<std::size_t>(b_rows * ldb)),
      out(static_cast<std::size_t>(c.m * ldc));
  for (float& v : a) v = stream.Uniform(-1, 1);
  for (float& v : b) v = stream.Uniform(-1, 1);
  for (float& v : out) v = stream.Uniform(-1, 1);
  std::vector<double> expected(out.begin(), out.end());
  NaiveGemm(c, a, lda, b, ldb, expected, ldc);

  ASSERT_TRUE(Sgemm(c.trans_a, c.trans_b, c.m, c.n, c.k, c.alpha, a.data(), lda, b.data(), ldb,
                    c.beta, out.data(), ldc).ok());
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const double want = expected[i * ldc + j];
      if (j >= c.n) {  // padding: must be untouched
        ASSERT_EQ(out[i * ldc + j], static_cast<float>(want)) << "padding written at " << i << "," << j;
        continue;
      }
      // Float accumulation of k products of magnitude <= 1.
      const double tolerance = 1e-6 * (static_cast<double>(c.k) + 1) * (std::abs(c.alpha) + 1);
      ASSERT_NEAR(out[i * ldc + j], want, tolerance) << "at " << i << "," << j;
    }
  }
}

std::vector<GemmCase> Cases() {
  std::vector<GemmCase> cases;
  const std::vector<std::tuple<int64_t, int64_t, int64_t>> shapes = {
      {1, 1, 1}, {3, 5, 7}, {17, 33, 65}, {32, 10, 512}, {128, 512, 784}, {784, 64, 128}};
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      for (const auto& [m, n, k] : shapes) cases.push_back({ta, tb, m, n, k, 0, 1.0f, 0.0f});
      cases.push_back({ta, tb, 13, 9, 11, 3, 1.0f, 0.0f});
      cases.push_back({ta, tb, 13, 9, 11, 5, -0.5f, 2.0f});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllTransposes, SgemmTest, ::testing::ValuesIn(Cases()), CaseName);

TEST(SgemmErrorsTest, RejectsBadSizesAndLeadingDimensions) {
  std::vector<float> buf(64, 1.0f);
  EXPECT_EQ(Sgemm(false, false, -1, 2, 2, 1, buf.data(), 2, buf.data(), 2, 0, buf.data(), 2).code(),
            StatusCode::kInvalidArgument);
  // A is 4x3 row-major: lda must be at least 3.
  EXPECT_EQ(Sgemm(false, false, 4, 2, 3, 1, buf.data(), 2, buf.data(), 2, 0, buf.data(), 2).code(),
            StatusCode::kInvalidArgument);
  // op(A) = A^T with A stored 3x4: lda must be at least 4.
  EXPECT_EQ(Sgemm(true, false, 4, 2, 3, 1, buf.data(), 3, buf.data(), 2, 0, buf.data(), 2).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Sgemm(false, false, 2, 5, 2, 1, buf.data(), 2, buf.data(), 5, 0, buf.data(), 4).code(),
            StatusCode::kInvalidArgument);
}

TEST(SgemmErrorsTest, BetaZeroIgnoresWhatCHeld) {
  std::vector<float> a = {1, 2, 3, 4}, b = {1, 0, 0, 1};
  std::vector<float> c(4, std::nanf(""));
  ASSERT_TRUE(Sgemm(false, false, 2, 2, 2, 1, a.data(), 2, b.data(), 2, 0, c.data(), 2).ok());
  EXPECT_EQ(c, a);
}

TEST(SgemmErrorsTest, EmptyProductsAreNoOps) {
  std::vector<float> c(4, 3.0f);
  EXPECT_TRUE(Sgemm(false, false, 0, 2, 2, 1, nullptr, 2, nullptr, 2, 0, c.data(), 2).ok());
  EXPECT_TRUE(Sgemm(false, false, 2, 0, 2, 1, nullptr, 2, nullptr, 1, 0, c.data(), 1).ok());
  EXPECT_EQ(c[0], 3.0f);
}

int ThreadCount() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (const dirent* entry = readdir(dir)) n += entry->d_name[0] != '.';
  closedir(dir);
  return n;
}

// The product must run on the caller's thread alone even when OpenMP would
// otherwise use every core, and must leave the caller's OpenMP setting as it was.
TEST(SgemmThreadingTest, RunsOnTheCallingThreadOnly) {
  omp_set_num_threads(2);
  const int before = ThreadCount();
  std::vector<float> a(256 * 784, 0.5f), b(784 * 512, 0.25f), c(256 * 512);
  for (int rep = 0; rep < 3; ++rep) {
    ASSERT_TRUE(Sgemm(false, false, 256, 512, 784, 1, a.data(), 784, b.data(), 512, 0, c.data(), 512).ok());
  }
  EXPECT_EQ(ThreadCount(), before);
  EXPECT_EQ(omp_get_max_threads(), 2);
  EXPECT_FLOAT_EQ(c[0], 784 * 0.125f);
}

TEST(SgemmThreadingTest, RepeatableBitForBit) {
  RandomStream stream(3, "gemm_repeat");
  std::vector<float> a(96 * 200), b(200 * 70);
  for (float& v : a) v = stream.Uniform(-1, 1);
  for (float& v : b) v = stream.Uniform(-1, 1);
  std::vector<float> c1(96 * 70), c2(96 * 70);
  ASSERT_TRUE(Sgemm(false, false, 96, 70, 200, 1, a.data(), 200, b.data(), 70, 0, c1.data(), 70).ok());
  ASSERT_TRUE(Sgemm(false, false, 96, 70, 200, 1, a.data(), 200, b.data(), 70, 0, c2.data(), 70).ok());
  EXPECT_EQ(c1, c2);
}

}  // namespace
}  // namespace runexp::nn
