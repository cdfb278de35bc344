// `runexp show RUN`: everything recorded about one run — outcome,
// provenance, inputs, per-epoch numbers, checkpoints, tags, the effective
// configuration — as sections of text, as JSON, or (csv) its epoch table.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "output_format.h"
#include "results_location.h"
#include "store_command_support.h"

namespace runexp::cli {

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct ShowOptions {
  std::string results;
  std::string run;
  OutputFormat format = OutputFormat::kTable;
};

JsonValue ParamToJson(const store::ParamValue& value) {
  return std::visit([](const auto& v) { return JsonValue(v); }, value);
}

Table EpochTable(const std::vector<store::EpochMetrics>& epochs) {
  Table table;
  // On a narrow terminal the accuracies stay longest.
  table.columns = {{"epoch", "epoch", Align::kRight},
                   {"train_loss", "train loss", Align::kRight, false, true, 2},
                   {"train_accuracy", "train acc", Align::kRight},
                   {"test_loss", "test loss", Align::kRight, false, true, 1},
                   {"test_accuracy", "test acc", Align::kRight},
                   {"gap_accuracy", "gap acc", Align::kRight},
                   {"gap_loss", "gap loss", Align::kRight, false, true, 3},
                   {"seconds", "seconds", Align::kRight, false, true, 4}};
  for (const store::EpochMetrics& e : epochs) {
    table.rows.push_back({Cell::Int(e.epoch), Cell::Real(e.train_loss, 4), Cell::Real(e.train_accuracy, 4),
                          Cell::Real(e.test_loss, 4), Cell::Real(e.test_accuracy, 4),
                          Cell::Real(e.gap_accuracy, 4), Cell::Real(e.gap_loss, 4),
                          Cell::Real(e.seconds, 2)});
  }
  return table;
}

Table InputTable(const std::vector<store::InputRecord>& inputs) {
  Table table;
  table.columns = {{"stage", "stage", Align::kLeft, true},
                   {"path", "path", Align::kLeft, true},
                   {"sha256", "sha256", Align::kLeft, true},
                   {"bytes", "bytes", Align::kRight}};
  for (const store::InputRecord& input : inputs) {
    table.rows.push_back({Cell::Text(input.stage), Cell::Text(input.path), Cell::OptText(input.sha256),
                          Cell::Int(input.bytes)});
  }
  return table;
}

Table CheckpointTable(const std::vector<store::CheckpointRecord>& checkpoints) {
  Table table;
  table.columns = {{"epoch", "epoch", Align::kRight},
                   {"path", "path", Align::kLeft, true},
                   {"bytes", "bytes", Align::kRight, false, true, 1},
                   {"sha256", "sha256", Align::kLeft, true},
                   {"weights_sha256", "weights sha256", Align::kLeft, true, false},
                   {"created_at", "created (UTC)", Align::kLeft, false, true, 2},
                   {"pruned", "file", Align::kLeft},
                   {"pruned_at", "pruned at", Align::kLeft, false, false}};
  for (const store::CheckpointRecord& c : checkpoints) {
    Cell pruned{c.pruned, c.pruned ? "pruned " + Cell::Time(c.pruned_at).text : "kept"};
    table.rows.push_back({Cell::Int(c.epoch), Cell::Text(c.path), Cell::Int(c.bytes), Cell::OptText(c.sha256),
                          Cell::OptText(c.weights_sha256), Cell::Time(c.created_at), pruned,
                          Cell::Time(c.pruned_at)});
  }
  return table;
}

Table MetricTable(const std::vector<store::MetricPoint>& metrics) {
  Table table;
  table.columns = {{"stage", "stage", Align::kLeft, true},
                   {"name", "metric", Align::kLeft, true},
                   {"epoch", "epoch", Align::kRight},
                   {"step", "step", Align::kRight},
                   {"value", "value", Align::kRight}};
  for (const store::MetricPoint& m : metrics) {
    table.rows.push_back({Cell::Text(m.stage), Cell::Text(m.name), Cell::Int(m.epoch), Cell::Int(m.step),
                          Cell::Real(m.value, 6)});
  }
  return table;
}

void PrintFields(std::ostream& out, const Fields& fields) {
  size_t width = 0;
  for (const auto& field : fields) width = std::max(width, field.first.size());
  for (const auto& [key, value] : fields) {
    out << "  " << key << std::string(width - key.size() + 2, ' ') << value << "\n";
  }
}

// Indents every line of a multi-line text (the TOML, the environment, a
// rendered table). Tabs become spaces and a CRLF's CR goes; any other
// control character is shown escaped.
void PrintBlock(std::ostream& out, const std::string& text, const std::string& indent) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string expanded;
    for (char c : line) {
      if (c == '\t') expanded += "    ";
      else expanded += c;
    }
    out << indent << EscapeForTerminal(expanded) << "\n";
  }
}

void PrintTableSection(std::ostream& out, const std::string& title, const Table& table,
                       std::optional<size_t> width) {
  out << "\n" << title << "\n";
  if (table.rows.empty()) {
    out << "  (none)\n";
    return;
  }
  std::optional<size_t> inner = width ? std::optional<size_t>(*width > 2 ? *width - 2 : 1) : std::nullopt;
  std::vector<std::string> hidden;
  PrintBlock(out, RenderTable(table, inner, &hidden), "  ");
  if (!hidden.empty()) std::cerr << title << ": " << HiddenColumnsNote(hidden, width) << "\n";
}

std::string OrDash(const std::optional<std::string>& text) {
  return text ? EscapeForTerminal(*text) : "-";
}

void PrintDetailsText(std::ostream& out, const store::RunDetails& d) {
  const store::RunRecord& r = d.run;
  const store::RunSummary& s = d.summary;
  std::optional<size_t> width = TerminalWidth();

  out << "run " << EscapeForTerminal(r.run_id);
  if (r.name) out << "  " << EscapeForTerminal(*r.name);
  out << "\n";
  Fields outcome = {{"experiment", EscapeForTerminal(r.experiment)},
                    {"status", std::string(store::RunStatusName(r.status))}};
  if (r.error) outcome.emplace_back("error", EscapeForTerminal(*r.error));
  outcome.emplace_back("started", Cell::Time(r.started_at).text + " UTC");
  outcome.emplace_back("finished", r.finished_at ? Cell::Time(r.finished_at).text + " UTC" : "-");
  if (r.reaped_at) outcome.emplace_back("found dead", Cell::Time(r.reaped_at).text + " UTC");
  outcome.emplace_back("duration", Cell::Duration(s.duration_seconds).text);
  std::string epochs = std::to_string(s.epochs);
  if (s.config_epochs) epochs += " of " + std::to_string(*s.config_epochs) + " configured";
  if (s.best_test_accuracy) {
    epochs += "; best test acc " + FixedText(s.best_test_accuracy, 4) + " at epoch " +
              (s.best_epoch ? std::to_string(*s.best_epoch) : "?");
  }
  outcome.emplace_back("epochs", epochs);
  if (r.resume_count > 0) {
    outcome.emplace_back("resumed", std::to_string(r.resume_count) +
                                        (r.resume_count == 1 ? " time" : " times") + " (runexp resume)");
  }
  if (r.parent_run_id) outcome.emplace_back("verifies", *r.parent_run_id + " (runexp verify)");
  PrintFields(out, outcome);

  out << "\nprovenance\n";
  std::string commit = OrDash(r.git_commit);
  if (r.git_dirty.value_or(false)) commit += " (with uncommitted changes)";
  Fields provenance = {{"commit", commit},
                       {"version", OrDash(r.runexp_version)},
                       {"host", EscapeForTerminal(r.host) + " (pid " + std::to_string(r.pid) + ")"},
                       {"command", OrDash(r.command_line)},
                       {"working dir", OrDash(r.working_dir)},
                       {"threads", r.threads ? std::to_string(*r.threads) : "-"},
                       {"seed", r.seed ? std::to_string(*r.seed) : "-"},
                       {"config sha256", EscapeForTerminal(r.config_sha256)}};
  PrintFields(out, provenance);
  if (r.environment_json) {
    out << "  environment\n";
    std::optional<JsonValue> parsed = JsonValue::Parse(*r.environment_json);
    PrintBlock(out, parsed ? parsed->Dump(2) : *r.environment_json, "    ");
  }

  PrintTableSection(out, "inputs", InputTable(d.inputs), width);
  PrintTableSection(out, "epochs", EpochTable(d.epochs), width);
  PrintTableSection(out, "checkpoints", CheckpointTable(d.checkpoints), width);
  if (!d.latest_metrics.empty()) {
    PrintTableSection(out, "other metrics (latest value)", MetricTable(d.latest_metrics), width);
  }

  out << "\ntags\n";
  if (d.tags.empty()) out << "  (none)\n";
  for (const auto& [key, value] : d.tags) {
    out << "  " << EscapeForTerminal(key) << " = " << EscapeForTerminal(value) << "\n";
  }

  // Last: the longest section, and the one least often needed at a glance.
  out << "\nconfig (effective TOML)\n";
  PrintBlock(out, r.config_toml, "  ");
}

JsonValue DetailsToJson(const store::RunDetails& d) {
  const store::RunRecord& r = d.run;
  const store::RunSummary& s = d.summary;
  JsonValue json;
  json.Set("run_id", r.run_id)
      .Set("name", r.name)
      .Set("experiment", r.experiment)
      .Set("status", store::RunStatusName(r.status))
      .Set("started_at", r.started_at)
      .Set("finished_at", r.finished_at)
      .Set("heartbeat_at", r.heartbeat_at)
      .Set("reaped_at", r.reaped_at)
      .Set("duration_seconds", s.duration_seconds)
      .Set("error", r.error)
      .Set("parent_run_id", r.parent_run_id)
      .Set("resume_count", r.resume_count);
  JsonValue summary;
  summary.Set("epochs", s.epochs)
      .Set("config_epochs", s.config_epochs)
      .Set("final_train_loss", s.final_train_loss)
      .Set("final_train_accuracy", s.final_train_accuracy)
      .Set("final_test_loss", s.final_test_loss)
      .Set("final_test_accuracy", s.final_test_accuracy)
      .Set("final_gap_accuracy", s.final_gap_accuracy)
      .Set("best_test_accuracy", s.best_test_accuracy)
      .Set("best_epoch", s.best_epoch)
      .Set("learning_rate", s.learning_rate)
      .Set("batch_size", s.batch_size);
  json.Set("summary", std::move(summary));

  JsonValue provenance;
  std::optional<JsonValue> environment;
  if (r.environment_json) environment = JsonValue::Parse(*r.environment_json);
  provenance.Set("git_commit", r.git_commit)
      .Set("git_dirty", r.git_dirty)
      .Set("runexp_version", r.runexp_version)
      .Set("host", r.host)
      .Set("pid", r.pid)
      .Set("command_line", r.command_line)
      .Set("working_dir", r.working_dir)
      .Set("threads", r.threads)
      .Set("seed", r.seed)
      .Set("config_sha256", r.config_sha256)
      .Set("environment", environment ? std::move(*environment) : JsonValue(r.environment_json));
  json.Set("provenance", std::move(provenance));
  json.Set("config_toml", r.config_toml);

  JsonValue params = JsonValue::EmptyObject();
  for (const store::Param& p : d.params) params.Set(p.key, ParamToJson(p.value));
  json.Set("params", std::move(params));
  json.Set("inputs", TableToJson(InputTable(d.inputs)));
  json.Set("epochs", TableToJson(EpochTable(d.epochs)));
  json.Set("checkpoints", TableToJson(CheckpointTable(d.checkpoints)));
  JsonValue tags = JsonValue::EmptyObject();
  for (const auto& [key, value] : d.tags) tags.Set(key, value);
  json.Set("tags", std::move(tags));
  json.Set("latest_metrics", TableToJson(MetricTable(d.latest_metrics)));
  return json;
}

int ShowRun(const ShowOptions& options) {
  Result<std::unique_ptr<store::RunStore>> opened =
      OpenResults(ResultsPath(options.results), StoreAccess::kRead);
  if (!opened.ok()) return Report(opened.status(), kExitUsage);
  store::RunStore& db = **opened;
  Result<std::string> id = db.ResolveRunId(options.run);
  if (!id.ok()) return Report(id.status(), ExitCodeFor(id.status()));
  Result<store::RunDetails> details = db.GetRun(*id);
  if (!details.ok()) return Report(details.status(), ExitCodeFor(details.status()));
  switch (options.format) {
    case OutputFormat::kJson: std::cout << DetailsToJson(*details).Dump() << "\n"; break;
    case OutputFormat::kCsv: std::cout << RenderCsv(EpochTable(details->epochs)); break;
    case OutputFormat::kTable: PrintDetailsText(std::cout, *details); break;
  }
  return kExitOk;
}

}  // namespace

void RegisterShowCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("show", "Everything recorded about one run");
  app->footer(
      "RUN is a run id or any unambiguous prefix of it (or of its random part, e.g. 7f3a).\n"
      "Prints the outcome, provenance (commit, version, host, command, threads, seed, config\n"
      "hash, environment), input files with their hashes, the per-epoch numbers, checkpoints\n"
      "(pruned ones marked), tags and the effective configuration. --format json prints all of\n"
      "it as one object; --format csv prints the per-epoch table only.");
  auto options = std::make_shared<ShowOptions>();
  app->add_option("run", options->run, "Run id or unambiguous prefix")->required();
  AddResultsOption(app, options->results);
  AddFormatOption(app, options->format);
  registry.Add(app, [options]() { return ShowRun(*options); });
}

}  // namespace runexp::cli
