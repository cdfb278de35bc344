// The verdict of `runexp verify`: bit-identical or the first difference,
// and what differs in the recorded environments.
#include <gtest/gtest.h>

#include <cmath>

#include "run/verify_comparison.h"

namespace runexp {
namespace {

store::EpochMetrics Epoch(int64_t epoch, double test_loss) {
  store::EpochMetrics e;
  e.epoch = epoch;
  e.train_loss = 0.25;
  e.train_accuracy = 0.9;
  e.test_loss = test_loss;
  e.test_accuracy = 0.85;
  return e;
}

RunFigures Figures(std::vector<store::EpochMetrics> epochs, const char* weights = "abc") {
  RunFigures f;
  f.epochs = std::move(epochs);
  f.final_weights_sha256.emplace(weights);
  f.environment = {{"cpu_model", "Xeon"}, {"gemm_library", "oneDNN 2.6.3"}, {"cpu_flags[0]", "avx2"},
                   {"cpu_flags[1]", "avx512f"}};
  return f;
}

TEST(VerifyComparisonTest, EqualBitsAreReproduced) {
  VerifyVerdict verdict = CompareForVerify(Figures({Epoch(1, 0.3), Epoch(2, 0.2)}), Figures({Epoch(1, 0.3), Epoch(2, 0.2)}));
  EXPECT_TRUE(verdict.reproduced);
  EXPECT_EQ(verdict.summary.rfind("reproduced: 2 epochs", 0), 0u) << verdict.summary;
  EXPECT_TRUE(verdict.environment_diff.empty());
}

TEST(VerifyComparisonTest, NamesTheFirstEpochAndMetricThatDifferAndByHowMuch) {
  const double recorded = 0.2, again = std::nextafter(0.2, 1.0);  // one ulp apart
  VerifyVerdict verdict =
      CompareForVerify(Figures({Epoch(1, 0.3), Epoch(2, recorded), Epoch(3, 0.1)}),
                       Figures({Epoch(1, 0.3), Epoch(2, again), Epoch(3, 0.5)}));
  EXPECT_FALSE(verdict.reproduced);
  EXPECT_NE(verdict.summary.find("epoch 2 test_loss is 0.20000000000000004, recorded 0.20000000000000001"),
            std::string::npos) << verdict.summary;
  EXPECT_NE(verdict.summary.find("differs by 2.78e-17"), std::string::npos) << verdict.summary;
}

TEST(VerifyComparisonTest, MissingEpochsAndOtherWeightsAreNotReproduced) {
  VerifyVerdict shorter = CompareForVerify(Figures({Epoch(1, 0.3), Epoch(2, 0.2)}), Figures({Epoch(1, 0.3)}));
  EXPECT_FALSE(shorter.reproduced);
  EXPECT_NE(shorter.summary.find("1 epochs recorded now, 2 originally"), std::string::npos) << shorter.summary;
  VerifyVerdict weights = CompareForVerify(Figures({Epoch(1, 0.3)}, "abc"), Figures({Epoch(1, 0.3)}, "abd"));
  EXPECT_FALSE(weights.reproduced);
  EXPECT_NE(weights.summary.find("final weights differ"), std::string::npos) << weights.summary;
  store::EpochMetrics no_test = Epoch(1, 0.3);
  no_test.test_loss.reset();
  EXPECT_FALSE(CompareForVerify(Figures({Epoch(1, 0.3)}), Figures({no_test})).reproduced);
}

TEST(VerifyComparisonTest, ComparesEveryFurtherMetricToo) {
  RunFigures recorded = Figures({Epoch(1, 0.3)});
  recorded.metrics.push_back({"model", "val_loss", 1, 469, 0.125});
  RunFigures again = recorded;
  EXPECT_TRUE(CompareForVerify(recorded, again).reproduced);
  again.metrics[0].value = 0.25;
  VerifyVerdict verdict = CompareForVerify(recorded, again);
  EXPECT_FALSE(verdict.reproduced);
  EXPECT_NE(verdict.summary.find("model/val_loss of epoch 1 is 0.25, recorded 0.125"), std::string::npos)
      << verdict.summary;
  again.metrics.clear();
  EXPECT_FALSE(CompareForVerify(recorded, again).reproduced);
}

TEST(VerifyComparisonTest, ListsEnvironmentDifferencesFlagsAsSets) {
  RunFigures recorded = Figures({Epoch(1, 0.3)});
  RunFigures again = Figures({Epoch(1, 0.3)});
  again.environment = {{"cpu_model", "EPYC"}, {"gemm_library", "oneDNN 2.6.3"}, {"cpu_flags[0]", "avx512f"},
                       {"cpu_flags[1]", "avx2"}, {"cpu_flags[2]", "amx_tile"}, {"compiler", "clang 16"}};
  VerifyVerdict verdict = CompareForVerify(recorded, again);
  EXPECT_TRUE(verdict.reproduced) << "the environment alone decides nothing";
  EXPECT_EQ(verdict.environment_diff,
            (std::vector<std::string>{"compiler: (absent) (recorded) vs clang 16 (now)",
                                      "cpu_model: Xeon (recorded) vs EPYC (now)", "cpu_flags only now: amx_tile"}));
}

}  // namespace
}  // namespace runexp
