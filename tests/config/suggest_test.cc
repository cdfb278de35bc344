#include "config/suggest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace runexp::config {
namespace {

TEST(SuggestTest, EditDistanceCountsEditsAndAdjacentSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("epoch", "epochs"), 1u);
  EXPECT_EQ(EditDistance("trian_x", "train_x"), 1u);  // one swap, not two substitutions
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("Epochs", "epochs"), 1u);  // case-sensitive
}

TEST(SuggestTest, ClosestMatchFindsPlausibleTypos) {
  std::vector<std::string> params = {"epochs", "batch_size", "shuffle", "optimizer"};
  EXPECT_EQ(ClosestMatch("epoch", params), "epochs");
  EXPECT_EQ(ClosestMatch("EPOCHS", params), "epochs");
  EXPECT_EQ(ClosestMatch("batchsize", params), "batch_size");
  EXPECT_EQ(ClosestMatch("optimiser", params), "optimizer");
  EXPECT_EQ(ClosestMatch("learning_rate", params), std::nullopt);
  EXPECT_EQ(ClosestMatch("x", {"y", "z"}), std::nullopt);  // one letter is no evidence
  EXPECT_EQ(ClosestMatch("anything", {}), std::nullopt);
}

TEST(SuggestTest, TiesGoToTheAlphabeticallyFirst) {
  EXPECT_EQ(ClosestMatch("cat", {"cut", "bat"}), "bat");
}

TEST(SuggestTest, SuffixSuggestsOrListsOrSaysNone) {
  EXPECT_EQ(SuggestionSuffix("epoch", {"epochs", "shuffle"}, "parameters"),
            "; did you mean 'epochs'?");
  EXPECT_EQ(SuggestionSuffix("zzz", {"epochs", "shuffle"}, "parameters"),
            "; valid parameters: epochs, shuffle");
  EXPECT_EQ(SuggestionSuffix("zzz", {}, "outputs"), "; there are no outputs");
}

}  // namespace
}  // namespace runexp::config
