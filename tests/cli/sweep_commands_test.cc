// `runexp runs --sweep ID` and `runexp compare --sweep ID` as a user runs
// them: the real executable against the two sweeps of sweep_fixture.h.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "json_value.h"
#include "output_checks.h"
#include "store_cli_fixture.h"
#include "sweep_fixture.h"

namespace runexp::cli::testing {
namespace {

using runexp::testing::CommandResult;

std::vector<std::string> Column(const std::vector<std::map<std::string, std::string>>& records,
                                const std::string& column) {
  std::vector<std::string> values;
  for (const auto& record : records) values.push_back(record.at(column));
  return values;
}

// The `point` column of `compare --sweep ... --format csv`.
std::vector<std::string> PointOrder(const CommandResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return Column(CsvRecords(result.out), "point");
}

using Strings = std::vector<std::string>;

// ---- runs --sweep -----------------------------------------------------------

TEST_F(SweepCliTest, RunsSweepListsTheRunsAnsweringItsPointsReusedOnesToo) {
  CommandResult result = Runexp("runs --sweep 5a5a5a --format csv");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Strings ids = Column(CsvRecords(result.out), "run_id");
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{kEarlierRun, kPoint0Run, kPoint2Run, kPoint3Run, kPoint4Run}));
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_FALSE(Contains(result.out, kUnrelatedRun));
}

TEST_F(SweepCliTest, RunsSweepCombinesWithTheOtherFilters) {
  CommandResult result = Runexp(std::string("runs --sweep ") + kGridSweepId + " --status completed --format csv");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(Column(CsvRecords(result.out), "run_id"), (Strings{kPoint4Run, kPoint2Run, kPoint0Run, kEarlierRun}))
      << "newest first";
  CommandResult text = Runexp("runs --sweep 6b6b --status running");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  std::vector<std::string> lines = Lines(text.out);
  ASSERT_EQ(lines.size(), 2u) << text.out;
  EXPECT_TRUE(lines[1].starts_with(kTextRun2)) << lines[1];
}

TEST_F(SweepCliTest, RunsSweepOfASweepWithoutRunsSaysNoneMatch) {
  ASSERT_NO_FATAL_FAILURE(AddSweepWithoutRuns());
  CommandResult result = Runexp("runs --sweep 7c7c7c");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "no runs match\n");
}

TEST_F(SweepCliTest, RunsSweepUnknownOrAmbiguousIsAUsageError) {
  CommandResult unknown = Runexp("runs --sweep zzzzzz");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "sweep")) << unknown.err;
  EXPECT_TRUE(Contains(unknown.err, "zzzzzz")) << unknown.err;
  CommandResult ambiguous = Runexp("runs --sweep 2022");
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_TRUE(Contains(ambiguous.err, "ambiguous")) << ambiguous.err;
  EXPECT_TRUE(ambiguous.out.empty()) << ambiguous.out;
}

// ---- compare --sweep ---------------------------------------------------------

TEST_F(SweepCliTest, CompareSweepTablePrintsOneRowPerPointInPointOrder) {
  CommandResult result = Runexp("compare --sweep 5a5a5a");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 9u) << result.out;  // headline, header, 6 points, best
  EXPECT_EQ(lines[0], std::string("sweep ") + kGridSweepId +
                          " of grid, grid over 2 keys, 6 points: 4 completed, 1 failed, 1 pending"
                          " (1 reused from earlier runs)");
  for (const char* header : {"point", kUnitsKey, kLearningRateKey, "status", "run", "epochs", "train acc",
                             "test acc", "gap", "test loss", "duration"}) {
    EXPECT_TRUE(Contains(lines[1], header)) << header << " missing from " << lines[1];
  }
  EXPECT_TRUE(std::regex_search(lines[2], std::regex(R"(^\s*0\s+32\s+0\.001\s+completed\s+)" +
                                                     std::string(kPoint0Run) +
                                                     R"(\s+3\s+0\.9000\s+0\.8800\s+0\.0200\s+0\.1200\s)")))
      << lines[2];
  EXPECT_TRUE(std::regex_search(lines[3], std::regex(R"(^\s*1\s+32\s+0\.1\s+completed \(reused\)\s+)" +
                                                     std::string(kEarlierRun))))
      << lines[3];
  EXPECT_TRUE(std::regex_search(lines[5], std::regex(R"(^\s*3\s+64\s+0\.1\s+failed\s+.*\s0\.4500\s)"))) << lines[5];
  EXPECT_TRUE(std::regex_search(lines[7], std::regex(R"(^\s*5\s+128\s+0\.1\s+pending(\s+-)+$)"))) << lines[7];
  EXPECT_EQ(lines[8], std::string("best test accuracy: point 4 (model.layers[0].units=128, "
                                  "model.optimizer.learning_rate=0.001), run ") +
                          kPoint4Run + ": 0.9300, gap 0.0600");
}

TEST_F(SweepCliTest, CompareSweepCsvHasEveryColumnAtFullPrecision) {
  CommandResult result = Runexp(std::string("compare --sweep ") + kGridSweepId + " --format csv");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::vector<std::string>> rows = ParseCsv(result.out);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (Strings{"point", kUnitsKey, kLearningRateKey, "status", "reused", "run_id", "epochs",
                              "final_train_accuracy", "final_test_accuracy", "final_gap_accuracy",
                              "final_train_loss", "final_test_loss", "duration_seconds"}));
  auto records = CsvRecords(result.out);
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(Column(records, "point"), (Strings{"0", "1", "2", "3", "4", "5"}));
  EXPECT_EQ(Column(records, "status"), (Strings{"completed", "completed", "completed", "failed", "completed",
                                                "pending"}));
  EXPECT_EQ(Column(records, "reused"), (Strings{"false", "true", "false", "false", "false", ""}));
  EXPECT_EQ(records[1]["run_id"], kEarlierRun);
  EXPECT_EQ(records[5]["run_id"], "");
  EXPECT_EQ(records[5]["final_test_accuracy"], "");
  EXPECT_EQ(records[4][kUnitsKey], "128");
  EXPECT_EQ(records[4][kLearningRateKey], "0.001");
  EXPECT_DOUBLE_EQ(std::stod(records[4]["final_test_accuracy"]), 0.93);
  EXPECT_NEAR(std::stod(records[4]["final_gap_accuracy"]), 0.06, 1e-12);
  EXPECT_EQ(records[3]["epochs"], "1");
}

TEST_F(SweepCliTest, CompareSweepJsonNestsTheValuesAndNamesTheBestPoint) {
  CommandResult result = Runexp("compare --sweep 5a5a5a --format json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  JsonValue json = ParseJsonOrFail(result.out);
  ASSERT_NE(json.Get("sweep_id"), nullptr) << result.out;
  EXPECT_EQ(*json.Get("sweep_id")->AsString(), kGridSweepId);
  EXPECT_EQ(*json.Get("experiment")->AsString(), "grid");
  EXPECT_EQ(*json.Get("mode")->AsString(), "grid");
  EXPECT_EQ(json.Get("keys")->Dump(0), R"(["model.layers[0].units","model.optimizer.learning_rate"])");
  EXPECT_EQ(json.Get("best_point")->AsInt(), 4);
  const JsonValue::Array* points = json.Get("points")->AsArray();
  ASSERT_NE(points, nullptr);
  ASSERT_EQ(points->size(), 6u);
  const JsonValue& first = (*points)[0];
  EXPECT_EQ(first.Get("point")->AsInt(), 0);
  EXPECT_EQ(first.Get("assignments")->Get(kUnitsKey)->AsInt(), 32) << "an integer stays an integer";
  EXPECT_EQ(first.Get("assignments")->Get(kLearningRateKey)->AsNumber(), 0.001);
  EXPECT_EQ(first.Get(kUnitsKey), nullptr) << "values only under assignments";
  EXPECT_EQ(*first.Get("status")->AsString(), "completed");
  EXPECT_EQ(first.Get("reused")->AsBool(), false);
  EXPECT_EQ(first.Get("final_test_accuracy")->AsNumber(), 0.88);
  EXPECT_EQ((*points)[1].Get("reused")->AsBool(), true);
  const JsonValue& pending = (*points)[5];
  EXPECT_EQ(*pending.Get("status")->AsString(), "pending");
  EXPECT_TRUE(pending.Get("run_id")->is_null());
  EXPECT_TRUE(pending.Get("final_test_accuracy")->is_null());
}

TEST_F(SweepCliTest, CompareSweepSortsByAColumnOrAVariedKey) {
  // Test accuracy: highest first, the failed point's partial figure among
  // them, the pending point (no figure) last.
  EXPECT_EQ(PointOrder(Runexp("compare --sweep 5a5a --format csv --sort final_test_accuracy")),
            (Strings{"4", "2", "0", "1", "3", "5"}));
  EXPECT_EQ(PointOrder(Runexp("compare --sweep 5a5a --format csv --sort final_test_accuracy --reverse")),
            (Strings{"3", "1", "0", "2", "4", "5"}));
  // A varied key: lowest first, point order among equals.
  EXPECT_EQ(PointOrder(Runexp("compare --sweep 5a5a --format csv --sort model.optimizer.learning_rate")),
            (Strings{"0", "2", "4", "1", "3", "5"}));
  EXPECT_EQ(PointOrder(Runexp("compare --sweep 5a5a --format csv --sort 'param:model.layers[0].units' "
                                     "--reverse")),
            (Strings{"4", "5", "2", "3", "0", "1"}));
  EXPECT_EQ(PointOrder(Runexp("compare --sweep 5a5a --format csv --sort status")),
            (Strings{"0", "1", "2", "4", "3", "5"}));
  // The table and the best line follow too.
  CommandResult table = Runexp("compare --sweep 5a5a --sort final_test_accuracy");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 9u) << table.out;
  EXPECT_TRUE(std::regex_search(lines[2], std::regex(R"(^\s*4\s+128\s)"))) << lines[2];
  EXPECT_TRUE(lines[8].starts_with("best test accuracy: point 4 ")) << lines[8];
}

TEST_F(SweepCliTest, CompareSweepUsageErrors) {
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"compare --sweep 5a5a --sort nosuch", "cannot sort the points of sweep"},
      {"compare --sweep 5a5a --sort param:", "model.layers[0].units, model.optimizer.learning_rate"},
      {std::string("compare ") + kPoint0Run + " " + kPoint2Run + " --sweep 5a5a", "not both"},
      {"compare --sweep zzzzzz", "zzzzzz"},
      {"compare --sort final_test_accuracy", "--sweep"},
      {"compare --sweep 5a5a --metric loss", "--metric"},
      {"compare", "at least two runs, or --sweep ID"},
  };
  for (const Case& c : cases) {
    CommandResult r = Runexp(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err + r.out, c.message)) << c.args << "\n" << r.err;
  }
}

TEST_F(SweepCliTest, CompareSweepOfTextAndBooleanKeys) {
  CommandResult csv = Runexp("compare --sweep 6b6b --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto records = CsvRecords(csv.out);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(Column(records, "data.name"), (Strings{kMarkupValue, "fashion", kMarkupValue}));
  EXPECT_EQ(Column(records, "model.shuffle"), (Strings{"true", "false", "false"}));
  EXPECT_EQ(Column(records, "status"), (Strings{"completed", "completed", "running"}));
  EXPECT_NEAR(std::stod(records[1]["final_gap_accuracy"]), -0.02, 1e-12);

  CommandResult json = Runexp("compare --sweep 6b6b --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  JsonValue parsed = ParseJsonOrFail(json.out);
  const JsonValue::Array* points = parsed.Get("points")->AsArray();
  ASSERT_NE(points, nullptr);
  EXPECT_EQ((*points)[0].Get("assignments")->Get("model.shuffle")->AsBool(), true);
  EXPECT_EQ(*(*points)[0].Get("assignments")->Get("data.name")->AsString(), kMarkupValue);
  EXPECT_EQ(parsed.Get("best_point")->AsInt(), 0) << "the running point 2 does not count";

  CommandResult table = Runexp("compare --sweep 6b6b");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, ": 2 completed, 1 running\n")) << table.out;
  EXPECT_TRUE(Contains(table.out, std::string("best test accuracy: point 0 (data.name=") + kMarkupValue +
                                      ", model.shuffle=true)"))
      << table.out;
}

TEST_F(SweepCliTest, HelpNamesTheSweepOptions) {
  for (const char* command : {"runs", "compare"}) {
    CommandResult r = runexp::testing::RunCommand(std::string(RUNEXP_EXE) + " help " + command);
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_TRUE(Contains(r.out, "--sweep")) << command << "\n" << r.out;
  }
}

}  // namespace
}  // namespace runexp::cli::testing
