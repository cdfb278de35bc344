// The report's renderers on values built in memory: escaping, axis ticks
// (linear, log, categories), the SVG chart, and the whole page for awkward
// runs (one epoch, NaN, running, failed, no epochs, markup in user data).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "report/axis_ticks.h"
#include "report/html_text.h"
#include "report/report_charts.h"
#include "report/report_page.h"
#include "report/run_style.h"
#include "report/svg_chart.h"
#include "report_fixture.h"

namespace runexp::cli::report {
namespace {

using runexp::cli::testing::Count;
using runexp::cli::testing::Element;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(ReportHtmlText, EscapesMarkupAndQuotes) {
  EXPECT_EQ(EscapeHtml("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(EscapeHtml("caf\xC3\xA9 \xE2\x9C\x93"), "caf\xC3\xA9 \xE2\x9C\x93");  // UTF-8 kept
}

TEST(ReportHtmlText, ReplacesWhatXmlForbids) {
  EXPECT_EQ(EscapeHtml(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(EscapeHtml("bell\x07"), "bell\xEF\xBF\xBD");
  EXPECT_EQ(EscapeHtml("bad \xFF byte"), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(EscapeHtml("tab\tand\nline"), "tab\tand\nline");
}

TEST(ReportHtmlText, FormatsMissingAndNonFiniteAsDash) {
  EXPECT_EQ(FormatFixed(0.97823, 4), "0.9782");
  EXPECT_EQ(FormatFixed(std::nullopt, 4), "\xE2\x80\x93");
  EXPECT_EQ(FormatFixed(kNaN, 4), "\xE2\x80\x93");
  EXPECT_EQ(FormatSignificant(std::numeric_limits<double>::infinity(), 4), "\xE2\x80\x93");
  EXPECT_EQ(FormatSignificant(0.07331, 3), "0.0733");
}

TEST(ReportAxis, RoundsOutToNiceTicks) {
  // MNIST-like accuracies: a range of 0.063 in about 6 ticks is 0.0127 a
  // step, rounded up to 0.02; the bounds round outwards to multiples of it.
  Axis axis = NiceAxis(0.9251, 0.9885, 6);
  EXPECT_DOUBLE_EQ(axis.step, 0.02);
  EXPECT_NEAR(axis.lo, 0.92, 1e-12);
  EXPECT_NEAR(axis.hi, 1.00, 1e-12);
  ASSERT_EQ(axis.ticks.size(), 5u);
  EXPECT_EQ(TickLabel(axis, axis.ticks[2]), "0.96");
  EXPECT_EQ(TickLabel(axis, axis.ticks[4]), "1.00");
  Axis loss = NiceAxis(0.0382, 0.2583, 6);
  EXPECT_DOUBLE_EQ(loss.step, 0.05);
  EXPECT_NEAR(loss.lo, 0.0, 1e-12);
  EXPECT_NEAR(loss.hi, 0.3, 1e-12);
  EXPECT_EQ(TickLabel(loss, loss.ticks[1]), "0.05");
}

TEST(ReportAxis, EpochAxisHasWholeSteps) {
  Axis axis = NiceAxis(1, 3, 8, true);
  EXPECT_GE(axis.step, 1.0);
  EXPECT_EQ(std::floor(axis.step), axis.step);
  for (double t : axis.ticks) EXPECT_EQ(TickLabel(axis, t).find('.'), std::string::npos) << t;
}

TEST(ReportAxis, OneValueIsCentredNotDegenerate) {
  Axis epochs = NiceAxis(1, 1, 8, true);
  EXPECT_LT(epochs.lo, 1.0);
  EXPECT_GT(epochs.hi, 1.0);
  Axis value = NiceAxis(0.5, 0.5, 6);
  EXPECT_LT(value.lo, 0.5);
  EXPECT_GT(value.hi, 0.5);
  Axis zero = NiceAxis(0, 0, 6);
  EXPECT_LT(zero.lo, zero.hi);
}

TEST(ReportAxis, NonFiniteAndHugeRangesStaySane) {
  Axis nan = NiceAxis(kNaN, 1, 6);
  EXPECT_TRUE(std::isfinite(nan.lo) && std::isfinite(nan.hi) && nan.lo < nan.hi);
  Axis huge = NiceAxis(0.01, 1e30, 6);
  EXPECT_GE(huge.hi, 1e30 * (1 - 1e-12));
  EXPECT_LE(huge.ticks.size(), 12u);
  EXPECT_EQ(TickLabel(huge, 0), "0");
  Axis wide = NiceAxis(-1e308, 1e308, 6);
  EXPECT_TRUE(std::isfinite(wide.step));
  EXPECT_LE(wide.ticks.size(), 1001u);
}

TEST(ReportAxis, NoNegativeZeroLabel) {
  Axis axis = NiceAxis(-0.3, 0.3, 6);
  for (double t : axis.ticks) EXPECT_NE(TickLabel(axis, t), "-0.0") << t;
}

TEST(ReportAxis, LogAxisHasDecadesAndRoomAtTheEnds) {
  Axis rates = LogAxis(0.001, 0.1);
  EXPECT_TRUE(rates.log);
  EXPECT_LT(rates.lo, -3.0) << "0.001 sits inside the frame";
  EXPECT_GT(rates.hi, -1.0);
  std::vector<std::string> labels;
  for (double t : rates.ticks) labels.push_back(TickLabel(rates, t));
  EXPECT_EQ(labels, (std::vector<std::string>{"0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"}));
  // Beyond two decades, powers of ten only.
  Axis wide = LogAxis(1e-5, 1);
  labels.clear();
  for (double t : wide.ticks) labels.push_back(TickLabel(wide, t));
  EXPECT_EQ(labels, (std::vector<std::string>{"1e-05", "0.0001", "0.001", "0.01", "0.1", "1"}));
  Axis bad = LogAxis(0, kNaN);
  EXPECT_TRUE(std::isfinite(bad.lo) && std::isfinite(bad.hi) && bad.lo < bad.hi);
  EXPECT_GE(bad.ticks.size(), 2u);
}

TEST(ReportAxis, CategoryAxisHasATickPerCategoryWithHalfAStepAround) {
  Axis axis = CategoryAxis(3);
  EXPECT_EQ(axis.ticks, (std::vector<double>{0, 1, 2}));
  EXPECT_DOUBLE_EQ(axis.lo, -0.5);
  EXPECT_DOUBLE_EQ(axis.hi, 2.5);
  Axis none = CategoryAxis(0);
  EXPECT_LT(none.lo, none.hi);
}

LineChart TwoPointChart() {
  LineChart chart;
  chart.id = "acc";
  chart.title = "T <1>";
  chart.x_label = "epoch";
  chart.y_label = "accuracy";
  chart.integer_x = true;
  chart.series.push_back({"A", "train", "A train", "#123456", LineStyle::kSolid, false, {{1, 0.5}, {2, 0.75}}});
  return chart;
}

TEST(ReportSvgChart, OnePointMarkerPerValueWithDataAttributes) {
  std::string svg = RenderSvgChart(TwoPointChart());
  EXPECT_EQ(Count(svg, "<circle class=\"point\""), 2u);
  EXPECT_NE(svg.find("data-run=\"A\" data-series=\"train\" data-x=\"2\" data-value=\"0.75\""), std::string::npos)
      << svg;
  EXPECT_EQ(Count(svg, "<path class=\"line\""), 1u);
  EXPECT_NE(svg.find("T &lt;1&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">epoch</text>"), std::string::npos);
  EXPECT_NE(svg.find(">accuracy</text>"), std::string::npos);
  EXPECT_GE(Count(svg, "class=\"tick y\""), 3u);
  EXPECT_GE(Count(svg, "class=\"tick x\""), 2u);
}

TEST(ReportSvgChart, MissingValuesBreakTheLineAndDrawNoMarker) {
  LineChart chart = TwoPointChart();
  chart.series[0].points = {{1, 0.5}, {2, 0.6}, {3, std::nullopt}, {4, kNaN}, {5, 0.8}, {6, 0.9}};
  std::string svg = RenderSvgChart(chart);
  EXPECT_EQ(Count(svg, "<circle class=\"point\""), 4u);
  std::string path = Element(svg, "<path class=\"line\"", "/>");
  EXPECT_EQ(Count(path, "M"), 2u) << path;  // two stretches: epochs 1-2 and 5-6
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(ReportSvgChart, SinglePointHasMarkerButNoLine) {
  LineChart chart = TwoPointChart();
  chart.series[0].points = {{1, 0.5}};
  std::string svg = RenderSvgChart(chart);
  EXPECT_EQ(Count(svg, "<circle class=\"point\""), 1u);
  EXPECT_EQ(Count(svg, "<path class=\"line\""), 0u) << "a line needs two points";
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(ReportSvgChart, BandShadesOnlyWhereBothCurvesHaveValues) {
  LineChart chart = TwoPointChart();
  chart.bands.push_back({"A", "gap", "#123456", {{1, 0.9, 0.8}, {2, 0.95, 0.85}, {3, 0.97, std::nullopt},
                                                 {4, 0.98, 0.86}, {5, 0.99, 0.87}, {6, 0.99, 0.88}}});
  std::string svg = RenderSvgChart(chart);
  EXPECT_EQ(Count(svg, "<polygon class=\"band\""), 2u);
  // The band lies under the lines: drawn first.
  EXPECT_LT(svg.find("<polygon"), svg.find("<path class=\"line\""));
}

TEST(ReportSvgChart, NoValuesSaysSo) {
  LineChart chart = TwoPointChart();
  chart.series[0].points = {{1, std::nullopt}};
  std::string svg = RenderSvgChart(chart);
  EXPECT_NE(svg.find("no values recorded"), std::string::npos);
  EXPECT_EQ(Count(svg, "<circle"), 0u);
}

TEST(ReportSvgChart, CategoriesNameTheTicksAndThePoints) {
  LineChart chart = TwoPointChart();
  chart.integer_x = false;
  chart.x_categories = {"<adam>", "sgd"};
  chart.series[0].points = {{0, 0.5}, {1, 0.75}};
  std::string svg = RenderSvgChart(chart);
  EXPECT_EQ(Count(svg, "class=\"tick x\""), 2u);
  EXPECT_NE(svg.find("\">&lt;adam&gt;</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("data-x=\"&lt;adam&gt;\" data-value=\"0.5\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("data-x=\"sgd\" data-value=\"0.75\""), std::string::npos) << svg;
  EXPECT_EQ(svg.find("<adam>"), std::string::npos);
}

TEST(ReportSvgChart, LogScaleShowsValuesAndSkipsThoseWithoutALogarithm) {
  LineChart chart = TwoPointChart();
  chart.integer_x = false;
  chart.log_x = true;
  chart.series[0].points = {{0, 0.4}, {0.001, 0.5}, {0.0015, 0.6}, {0.1, 0.75}};
  std::string svg = RenderSvgChart(chart);
  EXPECT_EQ(Count(svg, "<circle class=\"point\""), 3u) << "x = 0 has no place on a log axis";
  EXPECT_NE(svg.find("data-x=\"0.0015\""), std::string::npos) << "the value itself, not a rounded tick";
  EXPECT_NE(svg.find(">0.01</text>"), std::string::npos);
  EXPECT_EQ(Count(Element(svg, "<path class=\"line\"", "/>"), "M"), 1u) << "one stretch from 0.001 on";
}

TEST(ReportSvgChart, UnjoinedMarkersDrawNoLine) {
  LineChart chart = TwoPointChart();
  chart.connect_points = false;
  std::string svg = RenderSvgChart(chart);
  EXPECT_EQ(Count(svg, "<circle class=\"point\""), 2u);
  EXPECT_EQ(Count(svg, "<path class=\"line\""), 0u);
}

TEST(ReportStyle, LabelsAndColoursPerRun) {
  EXPECT_EQ(RunLabel(0), "A");
  EXPECT_EQ(RunLabel(25), "Z");
  EXPECT_EQ(RunLabel(26), "AA");
  EXPECT_NE(RunColour(0), RunColour(1));
  EXPECT_EQ(RunColour(0), RunColour(kRunColours.size()));
}

// ---- the whole page ---------------------------------------------------------

store::EpochMetrics Epoch(int64_t epoch, double train_acc, double test_acc, double train_loss, double test_loss) {
  store::EpochMetrics e;
  e.epoch = epoch;
  e.train_accuracy = train_acc;
  e.test_accuracy = test_acc;
  e.train_loss = train_loss;
  e.test_loss = test_loss;
  if (std::isfinite(train_acc) && std::isfinite(test_acc)) e.gap_accuracy = train_acc - test_acc;
  return e;
}

ReportRun Run(const std::string& id, const std::string& name, store::RunStatus status) {
  ReportRun run;
  run.details.run.run_id = id;
  run.details.run.name = name;
  run.details.run.experiment = "exp";
  run.details.run.status = status;
  run.details.run.config_toml = "name = \"<toml>\"\n";
  run.details.run.config_sha256 = "abc123";
  run.details.run.environment_json = "{\"threads\":2}";
  run.details.summary.run_id = id;
  run.details.summary.status = status;
  return run;
}

ReportInput AwkwardRuns() {
  ReportInput input;
  input.generated_at = "2026-11-30T00:00:00.000Z";
  ReportRun one = Run("r1", "<script>alert(1)</script>", store::RunStatus::kCompleted);
  one.details.epochs = {Epoch(1, 0.9, 0.85, 0.3, 0.4)};
  one.details.summary.epochs = 1;
  one.details.tags["owner"] = "<img src=x onerror=alert(1)>";
  ReportRun nan = Run("r2", "diverged", store::RunStatus::kFailed);
  nan.details.run.error = "loss is NaN <here>";
  nan.details.epochs = {Epoch(1, 0.5, 0.5, 2.0, 2.1), Epoch(2, kNaN, kNaN, kNaN, kNaN)};
  nan.details.summary.epochs = 2;
  ReportRun running = Run("r3", "live", store::RunStatus::kRunning);
  ReportRun empty = Run("r4", "nothing", store::RunStatus::kInterrupted);
  running.details.epochs = {Epoch(1, 0.6, 0.55, 1.0, 1.1), Epoch(2, 0.7, 0.6, 0.8, 0.9)};
  running.details.summary.epochs = 2;
  running.details.summary.config_epochs = 10;
  running.validation = {{1, 0.95, 0.58}, {2, std::nullopt, 0.61}};
  input.runs = {one, nan, running, empty};
  input.differing_params = {{"lr", {store::ParamValue(0.1), store::ParamValue(std::string("<x>")), std::nullopt,
                                    store::ParamValue(int64_t{3})}}};
  return input;
}

TEST(ReportPage, UserDataIsEscapedEverywhere) {
  std::string page = RenderReportPage(AwkwardRuns());
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<here>"), std::string::npos);
  EXPECT_EQ(page.find("<toml>"), std::string::npos);
  EXPECT_EQ(page.find("<x>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(ReportPage, SelfContained) {
  std::string page = RenderReportPage(AwkwardRuns());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(page.find(" src=\""), std::string::npos);  // an escaped <img src=x> in a tag is fine
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  // The only URLs are XML namespace names, which are never fetched.
  EXPECT_EQ(Count(page, "http"), Count(page, "xmlns=\"http://www.w3.org/"));
}

TEST(ReportPage, AwkwardRunsAreDrawnAndExplained) {
  ReportInput input = AwkwardRuns();
  std::string page = RenderReportPage(input);
  std::string accuracy = Element(page, "data-chart=\"accuracy\"", "</svg>");
  std::string loss = Element(page, "data-chart=\"loss\"", "</svg>");
  ASSERT_FALSE(accuracy.empty());
  ASSERT_FALSE(loss.empty());
  // r1: 1 + 1; r2: 1 + 1 (epoch 2 is NaN); r3: 2 + 2 + 2 validation; r4: none.
  EXPECT_EQ(Count(accuracy, "<circle class=\"point\""), 10u);
  // Loss: the same but r3's validation loss is missing at epoch 2.
  EXPECT_EQ(Count(loss, "<circle class=\"point\""), 9u);
  EXPECT_EQ(Count(accuracy, "data-run=\"D\""), 0u);
  EXPECT_EQ(page.find(">nan<"), std::string::npos);
  EXPECT_NE(page.find("is still running: 2 epochs of 10"), std::string::npos);
  EXPECT_NE(page.find("failed after 2 epochs: loss is NaN &lt;here&gt;"), std::string::npos);
  EXPECT_NE(page.find("recorded no epochs"), std::string::npos);
  EXPECT_NE(page.find("interrupted before recording an epoch."), std::string::npos);
  EXPECT_NE(page.find("recorded one epoch"), std::string::npos);
  EXPECT_NE(page.find("NaN, infinite or not recorded) for train accuracy at epoch 2"), std::string::npos);
  EXPECT_NE(page.find(" validation</li>"), std::string::npos);
  EXPECT_NE(page.find("(unset)"), std::string::npos);
  EXPECT_EQ(Count(page, "<section class=\"run-provenance\""), 4u);
  EXPECT_NE(page.find("<details class=\"provenance\">"), std::string::npos);
  EXPECT_NE(page.find("id=\"report-end\""), std::string::npos);
}

TEST(ReportPage, WellFormedTagNesting) {
  // A cheap stand-in for the browser's XML check: every element opened is closed.
  std::string page = RenderReportPage(AwkwardRuns());
  for (const char* tag : {"svg", "table", "tr", "td", "details", "section", "ul", "li", "pre", "g", "text"}) {
    // Built by appending: GCC 12 warns (-Wrestrict, a false positive) on "<" + std::string.
    const std::string open = std::string("<").append(tag), close = std::string("</").append(tag).append(">");
    EXPECT_EQ(Count(page, open + ">") + Count(page, open + " "), Count(page, close)) << tag;
  }
}

TEST(ReportPage, OneRunHasNothingToCompare) {
  ReportInput input = AwkwardRuns();
  input.runs.resize(1);
  input.differing_params.clear();
  std::string page = RenderReportPage(input);
  EXPECT_NE(page.find("One run: nothing to compare"), std::string::npos);
  EXPECT_NE(page.find("exp: 1 run"), std::string::npos);
}

}  // namespace
}  // namespace runexp::cli::report
