// Expanding a sweep into points: the grid's order, seeded samples, limits.
#include <gtest/gtest.h>

#include <set>

#include "config/document_parse.h"
#include "sweep/node_text.h"
#include "sweep/sweep_expand.h"

namespace runexp::sweep {
namespace {

SweepSpec Spec(const std::string& toml) {
  config::ParsedDocument document = config::ParseDocument(toml, "x.toml");
  config::ErrorList errors;
  SweepSpec spec = ParseSweepTable(document.root.Find("sweep")->value, errors);
  EXPECT_TRUE(errors.empty());
  return spec;
}

std::vector<std::string> Texts(const std::vector<SweepPointValues>& points) {
  std::vector<std::string> out;
  for (const SweepPointValues& point : points) out.push_back(AssignmentsText(point));
  return out;
}

TEST(SweepExpandTest, GridIsTheProductWithTheFirstAxisSlowest) {
  config::ErrorList errors;
  auto points = ExpandSweep(Spec("[sweep]\n\"u.n\" = [64, 256, 1024]\n\"o.lr\" = [1e-3, 3e-4]\n"), 1, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(Texts(points), (std::vector<std::string>{
                               "u.n=64 o.lr=0.001", "u.n=64 o.lr=3e-04", "u.n=256 o.lr=0.001",
                               "u.n=256 o.lr=3e-04", "u.n=1024 o.lr=0.001", "u.n=1024 o.lr=3e-04"}));
  // Each value keeps its place in the file, for errors about it.
  EXPECT_EQ(points[5][0].value.origin.line, 2);
  EXPECT_EQ(points[5][1].value.origin.line, 3);
}

TEST(SweepExpandTest, RandomSamplesAreDistinctSeededAndInGridOrder) {
  const std::string toml = "[sweep]\nsamples = 5\n\"a.x\" = [1, 2, 3, 4]\n\"a.y\" = [1, 2, 3]\n";
  config::ErrorList errors;
  auto first = ExpandSweep(Spec(toml), 42, errors);
  auto again = ExpandSweep(Spec(toml), 42, errors);
  auto other = ExpandSweep(Spec(toml), 43, errors);
  auto pinned = ExpandSweep(Spec(toml + "sample_seed = 42\n"), 7, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(first.size(), 5u);
  EXPECT_EQ(Texts(first), Texts(again));
  EXPECT_NE(Texts(first), Texts(other));
  EXPECT_EQ(Texts(pinned), Texts(first)) << "sample_seed beats the experiment seed";
  std::set<std::string> distinct;
  std::vector<std::string> grid_order;
  for (const std::string& text : Texts(first)) distinct.insert(text);
  EXPECT_EQ(distinct.size(), 5u);
  auto full = Texts(ExpandSweep(Spec("[sweep]\n\"a.x\" = [1, 2, 3, 4]\n\"a.y\" = [1, 2, 3]\n"), 0, errors));
  for (const std::string& text : full) {
    if (distinct.count(text)) grid_order.push_back(text);
  }
  EXPECT_EQ(Texts(first), grid_order);
}

TEST(SweepExpandTest, TooManyPointsOrSamplesAreRefused) {
  config::ErrorList errors;
  std::string big = "[sweep]\n";
  for (const char* key : {"a.a", "a.b", "a.c", "a.d", "a.e", "a.f"}) {
    big += std::string("\"") + key + "\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  }
  EXPECT_TRUE(ExpandSweep(Spec(big), 0, errors).empty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.Sorted()[0].message,
            "this sweep has 1000000 points; at most 100000 are allowed (use `samples = N` to draw some of them)");

  config::ErrorList sample_errors;
  std::string huge = big;
  for (const char* key : {"a.g", "a.h", "a.i"}) {
    huge += std::string("\"") + key + "\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  }
  auto sampled = ExpandSweep(Spec(huge + "samples = 20\n"), 0, sample_errors);
  ASSERT_EQ(sampled.size(), 20u) << "sampling a billion-point grid is fine";
  // Drawn from the whole grid: the slowest axis is not stuck at its first value.
  std::set<std::string> first_axis;
  for (const SweepPointValues& point : sampled) first_axis.insert(NodeText(point[0].value));
  EXPECT_GT(first_axis.size(), 3u);
  EXPECT_TRUE(ExpandSweep(Spec("[sweep]\nsamples = 3\n\"a.x\" = [1, 2]\n"), 0, sample_errors).empty());
  ASSERT_EQ(sample_errors.size(), 1u);
  EXPECT_EQ(sample_errors.Sorted()[0].message, "samples = 3 but the grid has only 2 points");
}

}  // namespace
}  // namespace runexp::sweep
