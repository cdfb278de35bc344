#include "report/sweep_section.h"

#include <map>
#include <vector>

#include "report/html_text.h"
#include "report/report_tables.h"
#include "report/run_style.h"
#include "report/svg_chart.h"
#include "report/sweep_charts.h"

namespace runexp::cli::report {

namespace {

// A key in a narrow column header: it may break after each dot, and only there.
std::string KeyHeader(const std::string& key) {
  std::string html;
  for (char c : EscapeHtml(key)) {
    html += c;
    if (c == '.') html += "<wbr/>";
  }
  return "<th><code class=\"key\">" + html + "</code></th>";
}
std::string MetricCell(std::optional<double> value) { return "<td class=\"num\">" + FormatFixed(value, 4) + "</td>"; }

std::string RunBadge(size_t index) { return LineSwatch(RunColour(index)) + " <b>" + RunLabel(index) + "</b>"; }

std::string PointName(const SweepTable& table, const SweepRow& row) {
  return "point " + std::to_string(row.point) + " (" + DescribeAssignments(table, row) + ")";
}

// "grid over 2 keys (a, b), 6 points: 4 completed, 1 failed, 1 pending."
std::string Overview(const SweepTable& table) {
  std::string keys;
  for (const std::string& key : table.keys) keys += (keys.empty() ? "" : ", ") + CodeHtml(key);
  std::map<std::string, size_t> by_status;
  size_t reused = 0;
  for (const SweepRow& row : table.rows) {
    ++by_status[row.status];
    reused += row.reused;
  }
  std::string counts;
  for (const char* status : {"completed", "running", "failed", "interrupted", kPendingStatus}) {
    if (by_status.count(status) == 0) continue;
    counts += (counts.empty() ? ": " : ", ") + std::to_string(by_status[status]) + " " + status;
  }
  if (reused > 0) counts += " (" + std::to_string(reused) + " answered by earlier runs with the same configuration)";
  const size_t n = table.rows.size();
  return "<p class=\"subtitle\">Experiment <b>" + EscapeHtml(table.sweep.experiment) + "</b>, " +
         EscapeHtml(table.sweep.mode) + " over " + keys + "; " + std::to_string(n) + (n == 1 ? " point" : " points") +
         EscapeHtml(counts) + ".</p>";
}

std::string Best(const ReportSweep& sweep) {
  std::optional<size_t> best = BestRow(sweep.table);
  if (!best) return "<p class=\"best\">No completed point yet, so no best one.</p>";
  const SweepRow& row = sweep.table.rows[*best];
  std::string run = sweep.run_index[*best] ? RunBadge(*sweep.run_index[*best]) + " " : std::string();
  return "<p class=\"best\" data-point=\"" + std::to_string(row.point) + "\">Best test accuracy: " +
         EscapeHtml(PointName(sweep.table, row)) + ", run " + run + CodeHtml(*row.run_id) + ": <b>" +
         FormatFixed(row.run->final_test_accuracy, 4) + "</b>, gap " + FormatFixed(row.run->final_gap_accuracy, 4) +
         ".</p>";
}

// What the lines of the key's charts are, and their colours.
std::string ChartLegend(const SweepTable& table, size_t key, const LineChart& chart) {
  if (!chart.connect_points) {
    return "<p class=\"hint\">Each marker is one completed point; the points do not form lines.</p>";
  }
  if (chart.series.size() < 2) return "";
  std::string others;
  for (size_t k = 0; k < table.keys.size(); ++k) {
    if (k != key) others += (others.empty() ? "" : " and ") + CodeHtml(table.keys[k]);
  }
  std::string out = "<p class=\"hint\">One line per value of " + others + ":</p><ul class=\"legend lines\">";
  for (const ChartSeries& line : chart.series) {
    out += "<li>" + LineSwatch(line.colour) + " " + EscapeHtml(line.run) + "</li>";
  }
  return out + "</ul>";
}

std::string ParameterCharts(const ReportSweep& sweep) {
  std::string out;
  for (size_t k = 0; k < sweep.table.keys.size(); ++k) {
    LineChart accuracy = SweepParameterChart(sweep, k, SweepMeasure::kTestAccuracy);
    LineChart gap = SweepParameterChart(sweep, k, SweepMeasure::kGap);
    out += "<section class=\"parameter\" data-key-index=\"" + std::to_string(k) + "\"><h3>" +
           CodeHtml(sweep.table.keys[k]) + "</h3>" + ChartLegend(sweep.table, k, accuracy) + RenderSvgChart(accuracy) +
           RenderSvgChart(gap) + "</section>";
  }
  return out;
}

std::string StatusHtml(const SweepRow& row) {
  std::string html = "<span class=\"status " + EscapeHtml(row.status) + "\">" + EscapeHtml(row.status) + "</span>";
  if (row.reused) html += " <span class=\"reused\">(reused)</span>";
  return html;
}

std::string PointsTable(const ReportSweep& sweep) {
  const SweepTable& table = sweep.table;
  std::optional<size_t> best = BestRow(table);
  std::string out =
      "<h3 id=\"points\">Points</h3><p class=\"hint\">Run: its label in the learning curves below. Final: the "
      "last recorded epoch; gap: train minus test accuracy. Reused: an earlier run with the same configuration "
      "answers the point.</p><div class=\"scroll\"><table class=\"points\"><thead><tr><th>point</th><th>run</th>";
  for (const std::string& key : table.keys) out += KeyHeader(key);
  out += "<th>status</th><th>epochs</th><th>train acc</th><th>test acc</th><th>gap</th><th>test loss</th></tr>"
         "</thead><tbody>";
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const SweepRow& row = table.rows[i];
    const std::optional<store::RunSummary>& run = row.run;
    out += "<tr data-point=\"" + std::to_string(row.point) + "\" data-status=\"" + EscapeHtml(row.status) + "\"" +
           (best == i ? " class=\"best\"" : "") + "><td class=\"num\">" + std::to_string(row.point) + "</td>";
    out += "<td class=\"label\">" + (sweep.run_index[i] ? RunBadge(*sweep.run_index[i]) : FormatFixed(std::nullopt, 0)) +
           "</td>";
    for (const std::optional<store::ParamValue>& value : row.values) {
      out += value ? "<td>" + EscapeHtml(SweepValueText(value)) + "</td>"
                   : "<td><span class=\"unset\">(unset)</span></td>";
    }
    out += "<td>" + StatusHtml(row) + "</td>";
    out += "<td class=\"num\">" + (run ? std::to_string(run->epochs) : FormatFixed(std::nullopt, 0)) + "</td>";
    out += MetricCell(run ? run->final_train_accuracy : std::nullopt) +
           MetricCell(run ? run->final_test_accuracy : std::nullopt) +
           MetricCell(run ? run->final_gap_accuracy : std::nullopt) +
           MetricCell(run ? run->final_test_loss : std::nullopt);
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

// Why a point is missing from the parameter charts.
std::string Notes(const SweepTable& table) {
  std::vector<std::string> notes;
  for (const SweepRow& row : table.rows) {
    const std::string who = PointName(table, row);
    if (row.status == kPendingStatus) {
      notes.push_back(who + " is pending: no run answers it yet.");
    } else if (row.status == "running") {
      notes.push_back(who + " is still running; the charts show only finished points.");
    } else if (row.status != "completed") {
      notes.push_back(who + " " + row.status + ": its last epoch is not a result, so the charts leave it out.");
    }
  }
  return NoteList(notes);
}

}  // namespace

std::string SweepSection(const ReportInput& input) {
  if (!input.sweep) return "";
  const ReportSweep& sweep = *input.sweep;
  return "<section class=\"sweep\" data-sweep=\"" + EscapeHtml(sweep.table.sweep.sweep_id) + "\"><h2 id=\"sweep\">Sweep " +
         CodeHtml(sweep.table.sweep.sweep_id) + "</h2>" + Overview(sweep.table) + Best(sweep) + Notes(sweep.table) +
         ParameterCharts(sweep) + PointsTable(sweep) + "</section>";
}

}  // namespace runexp::cli::report
