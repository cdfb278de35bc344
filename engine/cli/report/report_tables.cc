#include "report/report_tables.h"

#include <optional>
#include <vector>

#include "json_value.h"
#include "report/html_text.h"
#include "report/run_style.h"

namespace runexp::cli::report {

namespace {

std::string Td(const std::string& html, const char* cls = nullptr) {
  return cls ? "<td class=\"" + std::string(cls) + "\">" + html + "</td>" : "<td>" + html + "</td>";
}
std::string NumCell(std::optional<double> value, int decimals) { return Td(FormatFixed(value, decimals), "num"); }
std::string Int(std::optional<int64_t> value) {
  return Td(value ? std::to_string(*value) : FormatFixed(std::nullopt, 0), "num");
}

std::string LabelCell(size_t index) {
  return "<td class=\"label\">" + LineSwatch(RunColour(index)) + " <b>" + RunLabel(index) + "</b></td>";
}

std::string Duration(std::optional<double> seconds) {
  if (!seconds) return FormatFixed(std::nullopt, 0);
  if (*seconds < 60) return FormatFixed(*seconds, 1) + " s";
  long total = static_cast<long>(*seconds + 0.5);
  if (total < 3600) return std::to_string(total / 60) + " min " + std::to_string(total % 60) + " s";
  return std::to_string(total / 3600) + " h " + std::to_string(total % 3600 / 60) + " min";
}

// "2026-11-30T00:35:01.123Z" → "2026-11-30 00:35:01 UTC".
std::string Time(const std::optional<std::string>& iso) {
  if (!iso) return FormatFixed(std::nullopt, 0);
  if (iso->size() >= 19 && (*iso)[10] == 'T') return EscapeHtml(iso->substr(0, 10) + " " + iso->substr(11, 8)) + " UTC";
  return EscapeHtml(*iso);
}

const store::EpochMetrics* FindEpoch(const store::RunDetails& d, std::optional<int64_t> epoch) {
  if (!epoch) return nullptr;
  for (const store::EpochMetrics& e : d.epochs) {
    if (e.epoch == *epoch) return &e;
  }
  return nullptr;
}

const ValidationEpoch* FindValidation(const ReportRun& run, std::optional<int64_t> epoch) {
  if (!epoch) return nullptr;
  for (const ValidationEpoch& v : run.validation) {
    if (v.epoch == *epoch) return &v;
  }
  return nullptr;
}

bool AnyValidation(const ReportInput& input) {
  for (const ReportRun& run : input.runs) {
    if (!run.validation.empty()) return true;
  }
  return false;
}

std::string ParamText(const std::optional<store::ParamValue>& value) {
  if (!value) return "<span class=\"unset\">(unset)</span>";
  return EscapeHtml(store::ParamValueToString(*value));
}

std::string Field(const std::string& name, const std::string& html) {
  return "<tr><th>" + name + "</th><td>" + html + "</td></tr>";
}

std::string RunProvenance(const ReportRun& run, size_t index) {
  const store::RunRecord& r = run.details.run;
  std::string out = "<section class=\"run-provenance\" data-run=\"" + RunLabel(index) + "\"><h3>" +
                    LineSwatch(RunColour(index)) + " " + RunLabel(index) + " " + CodeHtml(r.run_id) + "</h3>";
  out += "<table class=\"fields\">";
  out += Field("config sha256", CodeHtml(r.config_sha256));
  std::string commit = r.git_commit ? CodeHtml(*r.git_commit) : FormatFixed(std::nullopt, 0);
  if (r.git_dirty.value_or(false)) commit += " (with uncommitted changes)";
  out += Field("commit", commit);
  out += Field("runexp", r.runexp_version ? EscapeHtml(*r.runexp_version) : FormatFixed(std::nullopt, 0));
  out += Field("host", EscapeHtml(r.host) + " (pid " + std::to_string(r.pid) + ")");
  if (r.command_line) out += Field("command", CodeHtml(*r.command_line));
  if (r.working_dir) out += Field("working dir", CodeHtml(*r.working_dir));
  out += Field("threads", r.threads ? std::to_string(*r.threads) : FormatFixed(std::nullopt, 0));
  out += Field("seed", r.seed ? std::to_string(*r.seed) : FormatFixed(std::nullopt, 0));
  out += Field("started", Time(r.started_at));
  out += Field("finished", Time(r.finished_at));
  if (r.parent_run_id) out += Field("resumed from", CodeHtml(*r.parent_run_id));
  out += "</table>";

  out += "<h4>Inputs</h4>";
  if (run.details.inputs.empty()) {
    out += "<p>(none recorded)</p>";
  } else {
    out += "<div class=\"scroll\"><table><thead><tr><th>stage</th><th>path</th><th>sha256</th><th>bytes</th>"
           "</tr></thead><tbody>";
    for (const store::InputRecord& in : run.details.inputs) {
      out += "<tr>" + Td(EscapeHtml(in.stage)) + Td(CodeHtml(in.path)) +
             Td(in.sha256 ? CodeHtml(*in.sha256) : FormatFixed(std::nullopt, 0)) + Int(in.bytes) + "</tr>";
    }
    out += "</tbody></table></div>";
  }

  if (r.environment_json) {
    // Re-indented for reading; shown as recorded if it does not parse.
    std::optional<JsonValue> parsed = JsonValue::Parse(*r.environment_json);
    out += "<h4>Environment</h4><pre>" + EscapeHtml(parsed ? parsed->Dump(2) : *r.environment_json) + "</pre>";
  }
  out += "<details><summary>Configuration (effective TOML)</summary><pre>" + EscapeHtml(r.config_toml) +
         "</pre></details>";
  return out + "</section>";
}

}  // namespace

std::string LineSwatch(const std::string& colour, const std::string& dasharray) {
  std::string dash = dasharray.empty() ? "" : " stroke-dasharray=\"" + EscapeHtml(dasharray) + "\"";
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"swatch\" width=\"28\" height=\"10\" "
         "viewBox=\"0 0 28 10\" aria-hidden=\"true\"><line x1=\"1\" y1=\"5\" x2=\"27\" y2=\"5\" stroke=\"" +
         EscapeHtml(colour) + "\" stroke-width=\"3\"" + dash + "/></svg>";
}

std::string NoteList(const std::vector<std::string>& notes) {
  if (notes.empty()) return "";
  std::string out = "<ul class=\"notes\">";
  for (const std::string& note : notes) out += "<li>" + EscapeHtml(note) + "</li>";
  return out + "</ul>";
}

std::string RunsSection(const ReportInput& input) {
  std::string out =
      "<h2 id=\"runs\">Runs</h2><div class=\"scroll\"><table class=\"runs\"><thead><tr><th>run</th><th>id</th>"
      "<th>name</th><th>experiment</th><th>status</th><th>epochs</th><th>duration</th><th>tags</th></tr>"
      "</thead><tbody>";
  for (size_t i = 0; i < input.runs.size(); ++i) {
    const store::RunDetails& d = input.runs[i].details;
    std::string epochs = std::to_string(d.summary.epochs);
    if (d.summary.config_epochs) epochs += " of " + std::to_string(*d.summary.config_epochs);
    std::string tags;
    for (const auto& [key, value] : d.tags) {
      tags += "<span class=\"tag\">" + EscapeHtml(value.empty() ? key : key + "=" + value) + "</span> ";
    }
    std::string status = std::string(store::RunStatusName(d.run.status));
    std::string status_html = "<span class=\"status " + status + "\">" + status + "</span>";
    if (d.run.error) status_html += "<div class=\"error\">" + EscapeHtml(*d.run.error) + "</div>";
    out += "<tr data-run=\"" + RunLabel(i) + "\">" + LabelCell(i) + Td(CodeHtml(d.run.run_id), "id") +
           Td(d.run.name ? EscapeHtml(*d.run.name) : "") + Td(EscapeHtml(d.run.experiment)) + Td(status_html) +
           Td(epochs, "num") + Td(Duration(d.summary.duration_seconds), "num") + Td(tags) + "</tr>";
  }
  return out + "</tbody></table></div>";
}

std::string ResultsSection(const ReportInput& input) {
  const bool validation = AnyValidation(input);
  std::string out =
      "<h2 id=\"results\">Results</h2><p class=\"hint\">Final: the last recorded epoch. Best: the epoch with the "
      "highest test accuracy. Gap: train minus test accuracy; positive means the model does better on what it "
      "trained on.</p><div class=\"scroll\"><table class=\"results\"><thead><tr><th rowspan=\"2\">run</th>"
      "<th colspan=\"" + std::to_string(validation ? 7 : 6) + "\">final</th><th colspan=\"4\">best</th></tr><tr>"
      "<th>epoch</th><th>train acc</th><th>test acc</th><th>gap</th><th>train loss</th><th>test loss</th>";
  if (validation) out += "<th>val acc</th>";
  out += "<th>epoch</th><th>test acc</th><th>gap</th><th>test loss</th></tr></thead><tbody>";
  for (size_t i = 0; i < input.runs.size(); ++i) {
    const ReportRun& run = input.runs[i];
    const store::RunSummary& s = run.details.summary;
    const store::EpochMetrics* last = run.details.epochs.empty() ? nullptr : &run.details.epochs.back();
    const store::EpochMetrics* best = FindEpoch(run.details, s.best_epoch);
    out += "<tr data-run=\"" + RunLabel(i) + "\">" + LabelCell(i);
    out += Int(last ? std::optional<int64_t>(last->epoch) : std::nullopt);
    out += NumCell(s.final_train_accuracy, 4) + NumCell(s.final_test_accuracy, 4) + NumCell(s.final_gap_accuracy, 4) +
           NumCell(s.final_train_loss, 4) + NumCell(s.final_test_loss, 4);
    if (validation) {
      const ValidationEpoch* v = FindValidation(run, last ? std::optional<int64_t>(last->epoch) : std::nullopt);
      out += NumCell(v ? v->accuracy : std::nullopt, 4);
    }
    out += Int(s.best_epoch) + NumCell(s.best_test_accuracy, 4) +
           NumCell(best ? best->gap_accuracy : std::nullopt, 4) + NumCell(best ? best->test_loss : std::nullopt, 4);
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

std::string ParamsSection(const ReportInput& input) {
  std::string out = "<h2 id=\"params\">Parameters that differ</h2>";
  if (input.runs.empty()) return out + "<p>No runs yet.</p>";
  if (input.runs.size() < 2) {
    return out + "<p>One run: nothing to compare. Its whole configuration is under Provenance.</p>";
  }
  if (input.differing_params.empty()) {
    return out + "<p>None: the runs have the same parameters.</p>";
  }
  out += "<div class=\"scroll\"><table class=\"params\"><thead><tr><th>parameter</th>";
  for (size_t i = 0; i < input.runs.size(); ++i) out += "<th>" + LineSwatch(RunColour(i)) + " " + RunLabel(i) + "</th>";
  out += "</tr></thead><tbody>";
  for (const store::ParamDifference& diff : input.differing_params) {
    out += "<tr>" + Td(CodeHtml(diff.key));
    for (const std::optional<store::ParamValue>& value : diff.values) out += Td(ParamText(value));
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

std::string ProvenanceSection(const ReportInput& input) {
  std::string out =
      "<h2 id=\"provenance\">Provenance</h2><details class=\"provenance\"><summary>Config hashes, input hashes, "
      "commits and environments of the " + std::to_string(input.runs.size()) +
      (input.runs.size() == 1 ? " run" : " runs") + "</summary>";
  for (size_t i = 0; i < input.runs.size(); ++i) out += RunProvenance(input.runs[i], i);
  return out + "</details>";
}

}  // namespace runexp::cli::report
