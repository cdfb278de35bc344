// `runexp report --sweep ID`: the sweep's section — a chart of final test
// accuracy and one of final gap against each varied key, a table of every
// point — above the learning curves of the points' runs. On the databases
// of sweep_fixture.h through the real executable, and the chart builder on
// sweeps made in memory.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "report/report_runs.h"
#include "report/sweep_charts.h"
#include "report_fixture.h"
#include "sweep_fixture.h"

namespace runexp::cli::testing {
namespace {

using runexp::testing::CommandResult;
using runexp::testing::ShellQuote;

class ReportSweepTest : public SweepCliTest {
 protected:
  // The page of `report --sweep ID`, written to stdout.
  std::string Page(const std::string& sweep) {
    CommandResult r = Runexp("report --sweep " + sweep + " -o -");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
};

std::string Chart(const std::string& page, const std::string& id) {
  return Element(page, "data-chart=\"" + id + "\"", "</svg>");
}

size_t Markers(const std::string& svg) { return Count(svg, "<circle class=\"point\""); }

std::string PointRow(const std::string& page, int point) {
  return Element(page, "<tr data-point=\"" + std::to_string(point) + "\"", "</tr>");
}

TEST_F(ReportSweepTest, WritesTheFileAndSaysWhatItReported) {
  std::filesystem::path out = dir() / "sweep.html";
  CommandResult r = Runexp("report --sweep 5a5a -o " + ShellQuote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("report of sweep ") + kGridSweepId + " (6 points, 5 runs): " + out.string() + "\n");
  std::string page = ReadFile(out);
  EXPECT_NE(page.find("<title>runexp report \xE2\x80\x94 sweep 20220101T000000-5a5a5a of grid: 6 points, 5 runs"),
            std::string::npos);
  EXPECT_NE(page.find("<body data-runs=\"5\">"), std::string::npos);
  EXPECT_NE(page.find(std::string("<section class=\"sweep\" data-sweep=\"") + kGridSweepId + "\">"),
            std::string::npos);
}

TEST_F(ReportSweepTest, EachVariedKeyHasATestAccuracyAndAGapChartOfTheCompletedPoints) {
  std::string page = Page(kGridSweepId);
  // Completed: points 0, 1 (reused), 2 and 4; 3 failed and 5 is pending.
  for (const char* id : {"sweep-test-accuracy-0", "sweep-gap-0", "sweep-test-accuracy-1", "sweep-gap-1"}) {
    std::string chart = Chart(page, id);
    ASSERT_FALSE(chart.empty()) << id;
    EXPECT_EQ(Markers(chart), 4u) << id;
  }
  EXPECT_EQ(Count(page, "data-chart=\"sweep-"), 4u);

  // Units: one line per learning rate; 0.1 has one completed point, so no line.
  std::string units = Chart(page, "sweep-test-accuracy-0");
  EXPECT_NE(units.find(">Final test accuracy vs model.layers[0].units</title>"), std::string::npos);
  EXPECT_EQ(Count(units, "data-run=\"model.optimizer.learning_rate=0.001\" data-series=\"final_test_accuracy\" "
                         "data-x="),
            3u);
  EXPECT_EQ(Count(units, "data-run=\"model.optimizer.learning_rate=0.1\" data-series=\"final_test_accuracy\" "
                         "data-x="),
            1u);
  EXPECT_EQ(Count(units, "<path class=\"line\""), 1u);
  EXPECT_NE(units.find("data-x=\"128\" data-value=\"0.93\""), std::string::npos) << units;
  EXPECT_EQ(units.find("(log scale)"), std::string::npos) << "32 to 128 is a factor of 4";
  EXPECT_NE(Chart(page, "sweep-gap-0").find("data-x=\"128\" data-value=\"0.06\""), std::string::npos);

  // Learning rates 0.001 and 0.1, a factor of 100: a log axis with 1-2-5 ticks.
  std::string rates = Chart(page, "sweep-test-accuracy-1");
  EXPECT_NE(rates.find(">model.optimizer.learning_rate (log scale)</text>"), std::string::npos);
  for (const char* tick : {">0.001<", ">0.002<", ">0.005<", ">0.01<", ">0.02<", ">0.05<", ">0.1<"}) {
    EXPECT_NE(rates.find(tick), std::string::npos) << tick;
  }
  EXPECT_EQ(Count(rates, "data-run=\"model.layers[0].units=32\""), 2u + 1u) << "two markers and their group";
  EXPECT_EQ(Count(rates, "data-x=\"0.001\""), 3u);
  EXPECT_EQ(Count(rates, "data-x=\"0.1\""), 1u);

  // The legend of the lines comes with the key's charts.
  std::string section = Element(page, "<section class=\"parameter\" data-key-index=\"0\"", "</section>");
  EXPECT_NE(section.find("One line per value of <code>model.optimizer.learning_rate</code>"), std::string::npos);
  EXPECT_EQ(Count(section, "<li>"), 2u);
}

TEST_F(ReportSweepTest, ThePointsTableShowsEveryPointPendingOnesToo) {
  std::string page = Page("5a5a");
  EXPECT_EQ(Count(page, "<tr data-point="), 6u);
  std::string pending = PointRow(page, 5);
  EXPECT_NE(pending.find("data-status=\"pending\""), std::string::npos) << pending;
  EXPECT_NE(pending.find("<span class=\"status pending\">pending</span>"), std::string::npos) << pending;
  EXPECT_NE(pending.find("<td>128</td><td>0.1</td>"), std::string::npos) << pending;
  EXPECT_NE(PointRow(page, 1).find("(reused)"), std::string::npos);
  EXPECT_NE(PointRow(page, 1).find("<b>B</b>"), std::string::npos) << "the earlier run is drawn as B";
  EXPECT_NE(PointRow(page, 3).find("<span class=\"status failed\">failed</span>"), std::string::npos);
  EXPECT_NE(PointRow(page, 4).find("class=\"best\""), std::string::npos);
  EXPECT_EQ(Count(page, " class=\"best\">"), 1u) << "one row";
  EXPECT_NE(page.find("point 5 (model.layers[0].units=128, model.optimizer.learning_rate=0.1) is pending: "
                      "no run answers it yet."),
            std::string::npos);
  EXPECT_NE(page.find("point 3 (model.layers[0].units=64, model.optimizer.learning_rate=0.1) failed: its last "
                      "epoch is not a result"),
            std::string::npos);
  EXPECT_NE(page.find("<p class=\"best\" data-point=\"4\">Best test accuracy: point 4"), std::string::npos);
  EXPECT_NE(page.find("6 points: 4 completed, 1 failed, 1 pending (1 answered by earlier runs"), std::string::npos);
}

TEST_F(ReportSweepTest, EveryPointsRunIsDrawnInTheLearningCurves) {
  std::string page = Page("5a5a");
  // In point order: A point 0, B the reused earlier run (point 1), C point 2,
  // D point 3 (failed, one epoch), E point 4; 3 + 3 + 3 + 1 + 3 epochs.
  std::string accuracy = Chart(page, "accuracy");
  EXPECT_EQ(Markers(accuracy), 2u * 13u);
  EXPECT_NE(page.find("<h2 id=\"curves\">"), std::string::npos);
  EXPECT_LT(page.find("id=\"sweep\""), page.find("data-chart=\"accuracy\""));
  std::string legend = Element(page, "<ul class=\"legend runs\"", "</ul>");
  EXPECT_NE(legend.find(std::string("<code>") + kEarlierRun + "</code> <span class=\"points-of\">point 1</span>"),
            std::string::npos)
      << legend;
  EXPECT_EQ(page.find(kUnrelatedRun), std::string::npos);
}

TEST_F(ReportSweepTest, TextAndBooleanKeysAreCategoriesAndUserTextIsEscaped) {
  std::string page = Page(kTextSweepId);
  EXPECT_EQ(page.find("<b>mnist"), std::string::npos);
  const std::string escaped = "&lt;b&gt;mnist&lt;/b&gt; &amp; &quot;co&quot;";
  std::string names = Chart(page, "sweep-test-accuracy-0");
  ASSERT_FALSE(names.empty());
  // Point 2 (running) has no final result: two markers, one per completed point.
  EXPECT_EQ(Markers(names), 2u);
  EXPECT_EQ(Count(names, "class=\"tick x\""), 2u);
  EXPECT_NE(names.find("\">" + escaped + "</text>"), std::string::npos) << names;
  EXPECT_NE(names.find("data-x=\"" + escaped + "\""), std::string::npos);
  EXPECT_NE(names.find("data-x=\"fashion\""), std::string::npos);
  EXPECT_EQ(names.find("(log scale)"), std::string::npos);
  // Booleans: false before true, whatever order the points came in.
  std::string shuffle = Chart(page, "sweep-gap-1");
  EXPECT_LT(shuffle.find(">false</text>"), shuffle.find(">true</text>"));
  EXPECT_NE(shuffle.find("data-x=\"true\" data-value=\"0.05\""), std::string::npos) << shuffle;
  EXPECT_NE(PointRow(page, 0).find("<td>" + escaped + "</td><td>true</td>"), std::string::npos);
  EXPECT_NE(page.find("is still running; the charts show only finished points."), std::string::npos);
  EXPECT_NE(page.find("data-run=\"data.name=" + escaped + "\""), std::string::npos);
}

TEST_F(ReportSweepTest, ASweepWithNoRunsYetStillReportsItsPoints) {
  ASSERT_NO_FATAL_FAILURE(AddSweepWithoutRuns());
  CommandResult r = Runexp("report --sweep 7c7c -o -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<body data-runs=\"0\">"), std::string::npos);
  EXPECT_EQ(Count(r.out, "data-status=\"pending\""), 2u);
  EXPECT_NE(r.out.find("No completed point yet"), std::string::npos);
  EXPECT_NE(Chart(r.out, "sweep-test-accuracy-0").find("no values recorded"), std::string::npos);
  EXPECT_NE(r.out.find("No runs yet."), std::string::npos);
  EXPECT_NE(r.out.find("id=\"report-end\""), std::string::npos);
}

TEST_F(ReportSweepTest, WellFormedTagNesting) {
  for (const char* sweep : {kGridSweepId, kTextSweepId}) {
    std::string page = Page(sweep);
    for (const char* tag : {"svg", "table", "tr", "td", "th", "section", "ul", "li", "p", "g", "text", "code"}) {
      const std::string open = std::string("<").append(tag), close = std::string("</").append(tag).append(">");
      EXPECT_EQ(Count(page, open + ">") + Count(page, open + " "), Count(page, close)) << sweep << " " << tag;
    }
  }
}

TEST_F(ReportSweepTest, UsageErrorsWriteNothing) {
  std::filesystem::path out = dir() / "report.html";
  const std::pair<std::string, std::string> cases[] = {
      {"report --sweep zzzzzz", "zzzzzz"},
      {"report --sweep 2022", "ambiguous"},
      {std::string("report ") + kPoint0Run + " --sweep 5a5a", "not several"},
      {"report --experiment grid --sweep 5a5a", "not several"},
  };
  for (const auto& [args, message] : cases) {
    CommandResult r = Runexp(args + " -o " + ShellQuote(out.string()));
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << args;
  }
}

// ---- values and the chart builder on sweeps made in memory ------------------

TEST(ReportSweepValues, ShownAsPeopleWriteThem) {
  EXPECT_EQ(SweepValueText(store::ParamValue(0.0003)), "0.0003") << "not 3e-04";
  EXPECT_EQ(SweepValueText(store::ParamValue(1e-5)), "1e-05");
  EXPECT_EQ(SweepValueText(store::ParamValue(0.1)), "0.1");
  EXPECT_EQ(SweepValueText(store::ParamValue(int64_t{64})), "64");
  EXPECT_EQ(SweepValueText(store::ParamValue(true)), "true");
  EXPECT_EQ(SweepValueText(store::ParamValue(std::string("adam"))), "adam");
  EXPECT_EQ(SweepValueText(std::nullopt), "(unset)");
}

SweepRow Row(int64_t point, std::vector<std::optional<store::ParamValue>> values, std::optional<double> test) {
  SweepRow row;
  row.point = point;
  row.values = std::move(values);
  row.status = test ? "completed" : kPendingStatus;
  if (test) {
    row.run_id = "run" + std::to_string(point);
    row.run.emplace();
    row.run->status = store::RunStatus::kCompleted;
    row.run->final_test_accuracy = test;
    row.run->final_gap_accuracy = 0.01 * static_cast<double>(point);
  }
  return row;
}

report::ReportSweep Sweep(std::vector<std::string> keys, std::vector<SweepRow> rows) {
  report::ReportSweep sweep;
  sweep.table.sweep.sweep_id = "s";
  sweep.table.keys = std::move(keys);
  sweep.table.rows = std::move(rows);
  sweep.run_index.resize(sweep.table.rows.size());
  return sweep;
}

TEST(ReportSweepChart, OneKeyIsOneLineInValueOrder) {
  report::ReportSweep sweep = Sweep({"units"}, {Row(0, {int64_t{64}}, 0.9), Row(1, {int64_t{16}}, 0.8),
                                                Row(2, {int64_t{32}}, std::nullopt)});
  report::LineChart chart = report::SweepParameterChart(sweep, 0, report::SweepMeasure::kTestAccuracy);
  ASSERT_EQ(chart.series.size(), 1u);
  EXPECT_EQ(chart.series[0].run, "all points");
  EXPECT_TRUE(chart.connect_points);
  EXPECT_FALSE(chart.log_x);
  EXPECT_TRUE(chart.x_categories.empty());
  ASSERT_EQ(chart.series[0].points.size(), 3u);
  EXPECT_EQ(chart.series[0].points[0].x, 16);
  EXPECT_EQ(chart.series[0].points[1].x, 32);
  EXPECT_FALSE(chart.series[0].points[1].y.has_value()) << "pending: the line breaks there";
  EXPECT_EQ(chart.series[0].points[2].y, 0.9);
}

TEST(ReportSweepChart, ThreeKeysGiveOneLinePerCombinationOfTheOtherTwo) {
  std::vector<SweepRow> rows;
  int64_t point = 0;
  for (int64_t units : {16, 32}) {
    for (double lr : {0.01, 0.1}) {
      for (bool shuffle : {false, true}) rows.push_back(Row(point++, {units, lr, shuffle}, 0.5));
    }
  }
  report::ReportSweep sweep = Sweep({"units", "lr", "shuffle"}, rows);
  report::LineChart chart = report::SweepParameterChart(sweep, 0, report::SweepMeasure::kGap);
  ASSERT_EQ(chart.series.size(), 4u);
  EXPECT_EQ(chart.series[0].run, "lr=0.01, shuffle=false");
  EXPECT_EQ(chart.series[3].run, "lr=0.1, shuffle=true");
  for (const report::ChartSeries& line : chart.series) EXPECT_EQ(line.points.size(), 2u);
  EXPECT_EQ(chart.series[1].points[1].y, 0.01 * 5) << "point 5: units 32, lr 0.01, shuffle true";
  EXPECT_NE(chart.series[0].colour, chart.series[1].colour);
  report::LineChart by_shuffle = report::SweepParameterChart(sweep, 2, report::SweepMeasure::kTestAccuracy);
  EXPECT_EQ(by_shuffle.x_categories, (std::vector<std::string>{"false", "true"}));
}

TEST(ReportSweepChart, PointsThatFormNoLinesAreUnjoinedMarkers) {
  // A random sweep: every point has its own learning rate and units.
  std::vector<SweepRow> rows;
  for (int64_t i = 0; i < 12; ++i) rows.push_back(Row(i, {16 + i, 0.001 * static_cast<double>(i + 1)}, 0.5));
  report::ReportSweep sweep = Sweep({"units", "lr"}, rows);
  report::LineChart chart = report::SweepParameterChart(sweep, 0, report::SweepMeasure::kTestAccuracy);
  ASSERT_EQ(chart.series.size(), 1u) << "twelve lines of one point each would be noise";
  EXPECT_FALSE(chart.connect_points);
  EXPECT_EQ(chart.series[0].points.size(), 12u);
  // Repeated values in one line: markers only too.
  report::ReportSweep repeated = Sweep({"units"}, {Row(0, {int64_t{8}}, 0.5), Row(1, {int64_t{8}}, 0.6)});
  EXPECT_FALSE(report::SweepParameterChart(repeated, 0, report::SweepMeasure::kGap).connect_points);
}

TEST(ReportSweepChart, LogScaleOnlyForPositiveValuesSpanningMoreThanAFactorOf20) {
  auto log_x = [](std::vector<double> values) {
    std::vector<SweepRow> rows;
    for (size_t i = 0; i < values.size(); ++i) rows.push_back(Row(static_cast<int64_t>(i), {values[i]}, 0.5));
    return report::SweepParameterChart(Sweep({"x"}, rows), 0, report::SweepMeasure::kGap).log_x;
  };
  EXPECT_TRUE(log_x({0.0001, 0.001, 0.01}));
  EXPECT_TRUE(log_x({1, 21}));
  EXPECT_FALSE(log_x({1, 20}));
  EXPECT_FALSE(log_x({0, 0.001, 0.1})) << "zero has no logarithm";
  EXPECT_FALSE(log_x({-0.1, 10}));
}

TEST(ReportSweepChart, MixedOrMissingValuesAreCategories) {
  report::ReportSweep sweep = Sweep({"opt"}, {Row(0, {std::string("adam")}, 0.9), Row(1, {int64_t{3}}, 0.8),
                                             Row(2, {std::nullopt}, 0.7)});
  report::LineChart chart = report::SweepParameterChart(sweep, 0, report::SweepMeasure::kTestAccuracy);
  EXPECT_EQ(chart.x_categories, (std::vector<std::string>{"adam", "3", "(unset)"}));
  EXPECT_EQ(chart.series[0].points.size(), 3u);
}

}  // namespace
}  // namespace runexp::cli::testing
