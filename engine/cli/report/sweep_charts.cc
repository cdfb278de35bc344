#include "report/sweep_charts.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "report/run_style.h"

namespace runexp::cli::report {

namespace {

// More lines than colours cannot be told apart.
constexpr size_t kMaxLines = kRunColours.size();
// Values spanning more than this factor go on a log axis.
constexpr double kLogSpan = 20;

std::optional<double> NumberOf(const std::optional<store::ParamValue>& value) {
  if (!value) return std::nullopt;
  if (const int64_t* i = std::get_if<int64_t>(&*value)) return static_cast<double>(*i);
  if (const double* d = std::get_if<double>(&*value)) return *d;
  return std::nullopt;
}

bool WantsLogAxis(const SweepTable& table, size_t key) {
  std::optional<double> lo, hi;
  for (const SweepRow& row : table.rows) {
    std::optional<double> x = NumberOf(row.values[key]);
    if (!x) continue;
    if (!(*x > 0)) return false;
    lo = std::min(lo.value_or(*x), *x);
    hi = std::max(hi.value_or(*x), *x);
  }
  return lo && *hi / *lo > kLogSpan;
}

// The value's text, for categories: one per distinct value, in point order
// (the order the sweep lists them), except that false comes before true.
std::vector<std::string> Categories(const SweepTable& table, size_t key) {
  std::vector<std::string> categories;
  bool all_bool = true;
  for (const SweepRow& row : table.rows) {
    all_bool = all_bool && row.values[key] && std::holds_alternative<bool>(*row.values[key]);
    std::string text = SweepValueText(row.values[key]);
    if (std::find(categories.begin(), categories.end(), text) == categories.end()) categories.push_back(text);
  }
  if (all_bool) std::sort(categories.begin(), categories.end());  // "false" < "true"
  return categories;
}

// Where a point sits along the chart's x axis; nullopt when it cannot.
std::optional<double> XOf(const SweepRow& row, size_t key, const std::vector<std::string>& categories) {
  if (categories.empty()) return NumberOf(row.values[key]);
  auto found = std::find(categories.begin(), categories.end(), SweepValueText(row.values[key]));
  return static_cast<double>(found - categories.begin());
}

// The other keys' values: which line a point belongs to.
std::string LineOf(const SweepTable& table, const SweepRow& row, size_t key) {
  std::string text;
  for (size_t k = 0; k < table.keys.size(); ++k) {
    if (k == key) continue;
    text += (text.empty() ? "" : ", ") + table.keys[k] + "=" + SweepValueText(row.values[k]);
  }
  return text;
}

std::optional<double> FinalFigure(const SweepRow& row, SweepMeasure measure) {
  if (!row.run || row.run->status != store::RunStatus::kCompleted) return std::nullopt;
  return measure == SweepMeasure::kTestAccuracy ? row.run->final_test_accuracy : row.run->final_gap_accuracy;
}

// Lines only when each holds every x at most once and they are few enough.
bool FormsLines(const std::vector<ChartSeries>& lines) {
  if (lines.size() > kMaxLines) return false;
  for (const ChartSeries& line : lines) {
    std::set<double> xs;
    for (const ChartPoint& p : line.points) {
      if (!xs.insert(p.x).second) return false;
    }
  }
  return true;
}

}  // namespace

bool NumericKey(const SweepTable& table, size_t key) {
  bool any = false;
  for (const SweepRow& row : table.rows) {
    if (!row.values[key]) continue;
    if (!NumberOf(row.values[key])) return false;
    any = true;
  }
  return any;
}

LineChart SweepParameterChart(const ReportSweep& sweep, size_t key, SweepMeasure measure) {
  const SweepTable& table = sweep.table;
  const bool accuracy = measure == SweepMeasure::kTestAccuracy;
  const std::string& name = table.keys[key];
  const std::string what = accuracy ? "final test accuracy" : "final gap";
  const std::string series_name = accuracy ? "final_test_accuracy" : "final_gap_accuracy";

  LineChart chart;
  chart.id = std::string(accuracy ? "sweep-test-accuracy-" : "sweep-gap-") + std::to_string(key);
  chart.title = std::string(accuracy ? "Final test accuracy" : "Final gap (train \xE2\x88\x92 test accuracy)") +
                " vs " + name;
  chart.y_label = accuracy ? "final test accuracy" : "final gap (train \xE2\x88\x92 test)";
  if (!NumericKey(table, key)) chart.x_categories = Categories(table, key);
  chart.log_x = chart.x_categories.empty() && WantsLogAxis(table, key);
  chart.x_label = name + (chart.log_x ? " (log scale)" : "");

  std::vector<ChartSeries> lines;
  for (const SweepRow& row : table.rows) {
    std::optional<double> x = XOf(row, key, chart.x_categories);
    if (!x) continue;  // this point does not set the key
    std::string line = LineOf(table, row, key);
    auto found = std::find_if(lines.begin(), lines.end(), [&](const ChartSeries& s) { return s.run == line; });
    if (found == lines.end()) {
      found = lines.insert(lines.end(), ChartSeries{line, series_name, "", "", LineStyle::kSolid, false, {}});
    }
    found->points.push_back({*x, FinalFigure(row, measure)});
  }
  if (!FormsLines(lines)) {
    ChartSeries all{"", series_name, "", "", LineStyle::kSolid, false, {}};
    for (const ChartSeries& line : lines) all.points.insert(all.points.end(), line.points.begin(), line.points.end());
    lines = {std::move(all)};
    chart.connect_points = false;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    ChartSeries& line = lines[i];
    if (line.run.empty()) line.run = "all points";
    line.title = (lines.size() == 1 ? std::string() : line.run + ": ") + what;
    line.colour = RunColour(i);
    std::stable_sort(line.points.begin(), line.points.end(),
                     [](const ChartPoint& a, const ChartPoint& b) { return a.x < b.x; });
  }
  chart.series = std::move(lines);
  return chart;
}

}  // namespace runexp::cli::report
