#include "report/report_page.h"

#include <set>
#include <vector>

#include "report/html_text.h"
#include "report/report_charts.h"
#include "report/report_tables.h"
#include "report/run_style.h"
#include "report/sweep_section.h"

namespace runexp::cli::report {

namespace {

// No '<' or '&' anywhere in it: the style sheet must stay valid XML text.
constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 14px; color: #222;
       max-width: 980px; margin: 0 auto; padding: 12px 16px; background: #fff; }
h1 { font-size: 20px; margin: 4px 0; }
h2 { font-size: 16px; margin: 22px 0 6px; border-bottom: 1px solid #ddd; }
h3 { font-size: 14px; margin: 14px 0 4px; }
h4 { font-size: 13px; margin: 10px 0 4px; }
.subtitle, .hint { color: #555; margin: 2px 0 8px; }
.legend { list-style: none; padding: 0; margin: 8px 0; }
.legend li { display: inline-block; margin: 2px 14px 2px 0; white-space: nowrap; }
.legend.styles li { color: #444; }
svg.chart { display: block; width: 100%; height: auto; margin: 6px 0 2px; }
.chart text { font-size: 12px; fill: #333; }
.chart .tick.x, .chart .label, .chart .empty { text-anchor: middle; }
.chart .tick.y { text-anchor: end; dominant-baseline: middle; }
.chart .label { font-size: 13px; fill: #444; }
.chart .title { font-size: 14px; font-weight: bold; }
.chart .grid line { stroke: #e8e8e8; }
.chart .axis line { stroke: #777; }
.chart .line { stroke-width: 2; stroke-linejoin: round; }
.chart .band { fill-opacity: 0.16; }
.chart .point { stroke-width: 1.5; }
.swatch { vertical-align: middle; }
.notes { padding-left: 18px; color: #444; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e2e2e2; text-align: left; vertical-align: top; }
thead th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.label { white-space: nowrap; }
table.fields th { font-weight: normal; color: #555; white-space: nowrap; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
code { overflow-wrap: anywhere; }
code.key { overflow-wrap: normal; }
td.id code { white-space: nowrap; overflow-wrap: normal; }
pre { background: #f7f7f7; padding: 6px 8px; overflow-x: auto; white-space: pre; }
.status.failed, .status.interrupted, .error { color: #b00020; }
div.error { min-width: 14em; }
.status.running { color: #8a6d00; }
.status.pending, .reused, .points-of { color: #666; }
tr.best td { background: #eaf6e4; }
.tag { background: #eef; border-radius: 3px; padding: 0 4px; }
.unset { color: #999; }
summary { cursor: pointer; color: #333; }
footer { margin-top: 24px; color: #888; font-size: 12px; }
)";

std::string Title(const ReportInput& input) {
  if (input.sweep) {
    const SweepTable& table = input.sweep->table;
    const size_t points = table.rows.size(), runs = input.runs.size();
    return "sweep " + table.sweep.sweep_id + " of " + table.sweep.experiment + ": " + std::to_string(points) +
           (points == 1 ? " point, " : " points, ") + std::to_string(runs) + (runs == 1 ? " run" : " runs");
  }
  std::set<std::string> experiments;
  for (const ReportRun& run : input.runs) experiments.insert(run.details.run.experiment);
  std::string names;
  for (const std::string& name : experiments) names += (names.empty() ? "" : ", ") + name;
  return names + ": " + std::to_string(input.runs.size()) + (input.runs.size() == 1 ? " run" : " runs");
}

// "point 3" or "points 3, 5": which points of the sweep run `index` answers.
std::string PointsOf(const ReportInput& input, size_t index) {
  std::string points;
  size_t count = 0;
  for (size_t row = 0; row < input.sweep->run_index.size(); ++row) {
    if (input.sweep->run_index[row] != index) continue;
    points += (count++ == 0 ? "" : ", ") + std::to_string(input.sweep->table.rows[row].point);
  }
  return (count == 1 ? "point " : "points ") + points;
}

std::string Legend(const ReportInput& input) {
  std::string out = "<ul class=\"legend runs\">";
  for (size_t i = 0; i < input.runs.size(); ++i) {
    const store::RunRecord& r = input.runs[i].details.run;
    out += "<li data-run=\"" + RunLabel(i) + "\">" + LineSwatch(RunColour(i)) + " <b>" + RunLabel(i) + "</b> " +
           (r.name ? EscapeHtml(*r.name) + " " : std::string()) + "<code>" + EscapeHtml(r.run_id) + "</code>";
    if (r.status != store::RunStatus::kCompleted) {
      std::string status(store::RunStatusName(r.status));
      out += " <span class=\"status " + status + "\">(" + status + ")</span>";
    }
    if (input.sweep) out += " <span class=\"points-of\">" + PointsOf(input, i) + "</span>";
    out += "</li>";
  }
  out += "</ul><ul class=\"legend styles\">";
  out += "<li>" + LineSwatch("#555") + " train</li>";
  out += "<li>" + LineSwatch("#555", "7 4") + " test</li>";
  bool validation = false;
  for (const ReportRun& run : input.runs) validation = validation || !run.validation.empty();
  if (validation) out += "<li>" + LineSwatch("#555", "2 3") + " validation</li>";
  out += "<li><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"swatch\" width=\"28\" height=\"10\" "
         "viewBox=\"0 0 28 10\" aria-hidden=\"true\"><rect width=\"28\" height=\"10\" fill=\"#555\" "
         "fill-opacity=\"0.16\"/></svg> gap between train and test accuracy</li>";
  return out + "</ul>";
}

}  // namespace

std::string RenderReportPage(const ReportInput& input) {
  const std::string title = "runexp report \xE2\x80\x94 " + Title(input);
  std::string out =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>" +
      EscapeHtml(title) + "</title><style>" + kStyle + "</style></head>\n<body data-runs=\"" +
      std::to_string(input.runs.size()) + "\">";
  out += "<h1>" + EscapeHtml(title) + "</h1>";
  // "2026-11-30T00:35:01.123Z" shown as "2026-11-30 00:35:01 UTC".
  const std::string& at = input.generated_at;
  const std::string when = at.size() >= 19 && at[10] == 'T' ? at.substr(0, 10) + " " + at.substr(11, 8) + " UTC" : at;
  out += "<p class=\"subtitle\">Written " + EscapeHtml(when) +
         " by <code>runexp report</code> from results.db.</p>";
  if (input.sweep) {
    out += SweepSection(input) + "\n<h2 id=\"curves\">Learning curves of the points' runs</h2>";
  }
  // One section per line, so the file reads and diffs sensibly.
  for (const std::string& section :
       {Legend(input), RenderSvgChart(MeasureChart(input, Measure::kAccuracy)),
        RenderSvgChart(MeasureChart(input, Measure::kLoss)), NoteList(ChartNotes(input)), RunsSection(input),
        ResultsSection(input), ParamsSection(input), ProvenanceSection(input)}) {
    out += section;
    out += '\n';
  }
  out += "<footer id=\"report-end\">End of report.</footer></body></html>\n";
  return out;
}

}  // namespace runexp::cli::report
