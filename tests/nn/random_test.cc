// RandomStream: derivation from seed and name, the generator, the draws
// built on it, and state save/restore. Golden values pin the specification
// (computed independently from the definitions in random.h).
#include "runexp/nn/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <vector>

namespace runexp::nn {
namespace {

std::array<std::byte, 32> StateOf(std::array<uint64_t, 4> words) {
  std::array<std::byte, 32> bytes{};
  for (int w = 0; w < 4; ++w) {
    for (int i = 0; i < 8; ++i) bytes[8 * w + i] = static_cast<std::byte>((words[w] >> (8 * i)) & 0xff);
  }
  return bytes;
}

TEST(RandomStreamTest, XoshiroReferenceSequence) {
  // xoshiro256** from state {1, 2, 3, 4}, as the reference C code computes it.
  RandomStream stream(0, "");
  ASSERT_TRUE(stream.RestoreState(StateOf({1, 2, 3, 4})).ok());
  EXPECT_EQ(stream.NextU64(), 11520u);
  EXPECT_EQ(stream.NextU64(), 0u);
  EXPECT_EQ(stream.NextU64(), 1509978240u);
  EXPECT_EQ(stream.NextU64(), 1215971899390074240u);
  EXPECT_EQ(stream.NextU64(), 1216172134540287360u);
}

TEST(RandomStreamTest, StreamSeedIsSha256OfSeedAndName) {
  // sha256(le64(42) || "mlp_trainer/shuffle")
  const char* hex = "2fe204666b0cf82bfb9f7ccd71695b1e53cf62c993c555279711daabf54567a0";
  const std::array<std::byte, 32> state = RandomStream(42, "mlp_trainer/shuffle").SaveState();
  for (int i = 0; i < 32; ++i) {
    const int byte = std::stoi(std::string(hex + 2 * i, 2), nullptr, 16);
    EXPECT_EQ(static_cast<int>(state[i]), byte) << "byte " << i;
  }
}

TEST(RandomStreamTest, GoldenDraws) {
  RandomStream u64(42, "mlp_trainer/shuffle");
  EXPECT_EQ(u64.NextU64(), 631771201354568227u);
  EXPECT_EQ(u64.NextU64(), 12473866093262331687u);

  RandomStream floats(42, "mlp_trainer/shuffle");
  EXPECT_EQ(floats.NextFloat(), 0.03424835205078125f);
  EXPECT_EQ(floats.NextFloat(), 0.6762096285820007f);

  RandomStream ints(42, "mlp_trainer/shuffle");
  std::vector<uint64_t> draws;
  for (int i = 0; i < 10; ++i) draws.push_back(ints.UniformInt(10));
  EXPECT_EQ(draws, (std::vector<uint64_t>{0, 6, 4, 9, 5, 1, 2, 8, 6, 6}));

  RandomStream shuffle(42, "mlp_trainer/shuffle");
  EXPECT_EQ(shuffle.Permutation(10), (std::vector<int64_t>{5, 1, 2, 4, 9, 7, 8, 3, 6, 0}));
}

TEST(RandomStreamTest, SameSeedAndNameGiveTheSameSequence) {
  RandomStream a(123, "init/dense_0"), b(123, "init/dense_0");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.NextU64(), b.NextU64());
}

TEST(RandomStreamTest, DifferentNamesOrSeedsGiveDifferentSequences) {
  RandomStream base(123, "init/dense_0");
  RandomStream other_name(123, "init/dense_1");
  RandomStream other_seed(124, "init/dense_0");
  int same_name = 0, same_seed = 0;
  for (int i = 0; i < 100; ++i) {
    const uint64_t v = base.NextU64();
    same_name += v == other_name.NextU64();
    same_seed += v == other_seed.NextU64();
  }
  EXPECT_EQ(same_name, 0);
  EXPECT_EQ(same_seed, 0);
}

TEST(RandomStreamTest, SaveAndRestoreContinueTheSameSequence) {
  RandomStream stream(9, "shuffle");
  for (int i = 0; i < 17; ++i) stream.NextU64();
  const auto saved = stream.SaveState();
  std::vector<uint64_t> expected;
  for (int i = 0; i < 50; ++i) expected.push_back(stream.NextU64());

  RandomStream resumed(0, "anything");
  ASSERT_TRUE(resumed.RestoreState(saved).ok());
  for (int i = 0; i < 50; ++i) ASSERT_EQ(resumed.NextU64(), expected[i]) << i;
  EXPECT_EQ(resumed, stream);
}

TEST(RandomStreamTest, RestoreRejectsBadStatesAndKeepsTheOldOne) {
  RandomStream stream(1, "x");
  const RandomStream before = stream;
  std::vector<std::byte> short_state(31);
  EXPECT_EQ(stream.RestoreState(short_state).code(), StatusCode::kCorruption);
  std::array<std::byte, 32> zeros{};
  EXPECT_EQ(stream.RestoreState(zeros).code(), StatusCode::kCorruption);
  EXPECT_EQ(stream, before);
}

TEST(RandomStreamTest, FloatsAreExactMultiplesInUnitInterval) {
  RandomStream stream(5, "floats");
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const float f = stream.NextFloat();
    ASSERT_GE(f, 0.0f);
    ASSERT_LT(f, 1.0f);
    const float scaled = f * 16777216.0f;
    ASSERT_EQ(scaled, std::floor(scaled));
    sum += f;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

TEST(RandomStreamTest, UniformIntIsInRangeAndRoughlyUniform) {
  RandomStream stream(5, "ints");
  std::vector<int> counts(7);
  for (int i = 0; i < 70000; ++i) {
    const uint64_t v = stream.UniformInt(7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
  EXPECT_EQ(stream.UniformInt(0), 0u);
  EXPECT_EQ(stream.UniformInt(1), 0u);
}

TEST(RandomStreamTest, ShuffleIsAPermutationAndMovesThings) {
  RandomStream stream(11, "perm");
  std::vector<int64_t> p = stream.Permutation(1000);
  std::vector<int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(p, identity);
  EXPECT_TRUE(stream.Permutation(0).empty());
  EXPECT_EQ(stream.Permutation(1), std::vector<int64_t>{0});
}

}  // namespace
}  // namespace runexp::nn
