// The [sweep] table and --grid: axes in the file's order, dotted and quoted
// keys, listed points, random samples; every malformed form reported at its
// line and column.
#include <gtest/gtest.h>

#include "config/document_parse.h"
#include "sweep/node_text.h"
#include "sweep/sweep_spec.h"

namespace runexp::sweep {
namespace {

using config::ErrorList;

struct Parsed {
  SweepSpec spec;
  std::vector<config::ConfigError> errors;
};

Parsed Parse(const std::string& toml, const std::vector<std::string>& grid = {}) {
  config::ParsedDocument document = config::ParseDocument(toml, "x.toml");
  EXPECT_FALSE(document.error) << document.error->message;
  ErrorList errors;
  Parsed parsed;
  parsed.spec = ParseSweepTable(document.root.Find("sweep")->value, errors);
  for (const std::string& g : grid) AddGridOption(g, parsed.spec, errors);
  parsed.errors = errors.Sorted();
  return parsed;
}

std::vector<std::string> Values(const SweepAxis& axis) {
  std::vector<std::string> out;
  for (const config::Node& value : axis.values) out.push_back(NodeText(value));
  return out;
}

std::string Located(const config::ConfigError& e) {
  return std::to_string(e.line) + ":" + std::to_string(e.column) + " " + e.message;
}

TEST(SweepSpecTest, AxesKeepTheFilesOrderWithQuotedAndDottedKeys) {
  Parsed p = Parse(
      "[sweep]\n"
      "zeta.b = [\"x\", \"y\"]\n"
      "\"model.layers[0].units\" = [64, 256]\n"
      "model.optimizer.learning_rate = [1e-3, 3e-4, 0.01]\n");
  ASSERT_TRUE(p.errors.empty()) << Located(p.errors.front());
  EXPECT_EQ(p.spec.mode, "grid");
  EXPECT_EQ(p.spec.Keys(),
            (std::vector<std::string>{"zeta.b", "model.layers[0].units", "model.optimizer.learning_rate"}));
  EXPECT_EQ(Values(p.spec.axes[1]), (std::vector<std::string>{"64", "256"}));
  EXPECT_EQ(p.spec.axes[2].values[1].origin.line, 4);  // values keep where they were written
}

TEST(SweepSpecTest, ListedPointsAndRandomSamples) {
  Parsed listed = Parse(
      "[sweep]\n"
      "points = [{ \"model.epochs\" = 1, model.batch_size = 64 }, { \"model.epochs\" = 2 }]\n");
  ASSERT_TRUE(listed.errors.empty()) << Located(listed.errors.front());
  EXPECT_EQ(listed.spec.mode, "list");
  ASSERT_EQ(listed.spec.listed_points.size(), 2u);
  EXPECT_EQ(AssignmentsText(listed.spec.listed_points[0]), "model.epochs=1 model.batch_size=64");
  EXPECT_EQ(listed.spec.Keys(), (std::vector<std::string>{"model.epochs", "model.batch_size"}));

  Parsed random = Parse("[sweep]\nsamples = 3\nsample_seed = 7\n\"a.b\" = [1, 2, 3, 4]\n");
  ASSERT_TRUE(random.errors.empty()) << Located(random.errors.front());
  EXPECT_EQ(random.spec.mode, "random");
  EXPECT_EQ(random.spec.samples, 3);
  EXPECT_EQ(random.spec.sample_seed, 7);
}

TEST(SweepSpecTest, MalformedSweepsAreReportedAtTheirPlace) {
  Parsed p = Parse(
      "[sweep]\n"
      "\"solo\" = [1]\n"                       // 2: not stage.parameter
      "\"m.layers[x]\" = [1]\n"                 // 3: malformed key
      "model.epochs = 3\n"                     // 4: not a list
      "model.batch_size = []\n"                // 5: empty
      "model.shuffle = [true, true]\n"         // 6: a value twice
      "sampels = 2\n"                          // 7: typo of a setting
      "samples = 0\n");                        // 8: not positive
  std::vector<std::string> got;
  for (const config::ConfigError& e : p.errors) got.push_back(Located(e));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "2:1 'solo' is not a sweep setting or a parameter key (parameter keys name a stage and a "
                     "parameter, e.g. \"model.epochs\" = [1, 2])",
                     "3:1 sweep key 'm.layers[x]': bad array index '[x]' (expected a number from 0)",
                     "4:16 sweep key 'model.epochs' needs a list of values, e.g. [1, 2], got integer 3",
                     "5:20 sweep key 'model.batch_size' has an empty list of values",
                     "6:24 sweep key 'model.shuffle' lists the value true twice",
                     "7:1 'sampels' is not a sweep setting or a parameter key; did you mean 'samples'?",
                     "8:11 sweep 'samples' expects a positive integer, got integer 0"}));
}

TEST(SweepSpecTest, AKeyTwiceAnEmptyPointAPointTwiceAndALoneSampleSeedAreErrors) {
  Parsed twice = Parse("[sweep]\n\"m.e\" = [1]\nm.e = [2]\n");
  ASSERT_EQ(twice.errors.size(), 1u);
  EXPECT_EQ(Located(twice.errors[0]), "2:1 sweep key 'm.e' is given twice (once quoted, once dotted?)");

  Parsed points = Parse("[sweep]\npoints = [{ m = {} }, { \"a.b\" = 1, \"a.c\" = 2 }, { \"a.c\" = 2, \"a.b\" = 1 }]\n");
  std::vector<std::string> got;
  for (const config::ConfigError& e : points.errors) got.push_back(Located(e));
  EXPECT_EQ(got, (std::vector<std::string>{"2:11 this sweep point sets no parameter",
                                           "2:49 this sweep point is listed twice"}));

  Parsed seed = Parse("[sweep]\nsample_seed = 3\n\"a.b\" = [1, 2]\n");
  ASSERT_EQ(seed.errors.size(), 1u);
  EXPECT_EQ(seed.errors[0].message, "'sample_seed' seeds `samples = N`, which this sweep does not set");
}

TEST(SweepSpecTest, AGridAndListedPointsDoNotMix) {
  Parsed p = Parse("[sweep]\n\"a.b\" = [1, 2]\npoints = [{ \"a.c\" = 1 }]\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(Located(p.errors[0]), "2:1 a sweep has either lists of values (a grid) or 'points', not both");
}

TEST(SweepSpecTest, GridOptionsReplaceOrAddAxes) {
  Parsed p = Parse("[sweep]\n\"a.b\" = [1, 2]\n\"a.c\" = [1]\n",
                   {"a.c=\"x,y\",\"z\"", "a.d = [1, 2], [3]", " a.e=1.5"});
  ASSERT_TRUE(p.errors.empty()) << Located(p.errors.front());
  EXPECT_EQ(p.spec.Keys(), (std::vector<std::string>{"a.b", "a.c", "a.d", "a.e"}));
  EXPECT_EQ(Values(p.spec.axes[1]), (std::vector<std::string>{"\"x,y\"", "\"z\""}));
  EXPECT_EQ(Values(p.spec.axes[2]), (std::vector<std::string>{"[1, 2]", "[3]"}));
  EXPECT_EQ(Values(p.spec.axes[3]), (std::vector<std::string>{"1.5"}));
}

TEST(SweepSpecTest, MalformedGridOptionsNameTheOption) {
  Parsed p = Parse("[sweep]\n\"a.b\" = [1]\n", {"a.c", "a=1", "a.c=1,,2", "a.c=1,1"});
  std::vector<std::string> got;
  for (const config::ConfigError& e : p.errors) got.push_back(e.file + ": " + e.message);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "--grid a.c: expected KEY=V1,V2,..., e.g. model.epochs=1,2");
  EXPECT_EQ(got[1].substr(0, 25), "--grid a=1: KEY must be a");
  EXPECT_EQ(got[2].substr(0, 54), "--grid a.c=1,,2: the values must be TOML literals sepa");
  EXPECT_EQ(got[3], "--grid a.c=1,1: sweep key 'a.c' lists the value 1 twice");
}

TEST(SweepSpecTest, NothingToSweepAndSweptKeysGivenToSetAreErrors) {
  ErrorList errors;
  CheckSweepComplete(SweepSpec{}, {}, "x.toml", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors.Sorted()[0].message.find("nothing to sweep"), std::string::npos);

  Parsed p = Parse("[sweep]\n\"a.b\" = [1, 2]\n");
  ErrorList conflicts;
  CheckSweepComplete(p.spec, {"a.c=1", " a.b =3"}, "x.toml", conflicts);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts.Sorted()[0].file, "--set  a.b =3");
}

}  // namespace
}  // namespace runexp::sweep
