// `runexp compare RUN RUN...`: what differs between runs and what it did —
// the parameters whose values differ (RunStore::DifferingParams), then the
// per-epoch numbers side by side, each run with its train/test gap.
// `runexp compare --sweep ID`: one row per point of a sweep instead
// (sweep_comparison.h).
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "output_format.h"
#include "results_location.h"
#include "store_command_support.h"
#include "sweep_comparison.h"
#include "sweep_table.h"

namespace runexp::cli {

namespace {

struct CompareOptions {
  std::string results;
  std::vector<std::string> runs;
  std::string metric = "accuracy";
  std::string sweep;
  SweepSort sweep_sort;
  OutputFormat format = OutputFormat::kTable;
};

struct ComparedRun {
  std::string label;  // A, B, ... in table headers
  store::RunSummary summary;
  std::map<int64_t, store::EpochMetrics> epochs;
};

// A, B, ..., Z, AA, AB, ...
std::string Label(size_t index) {
  std::string label;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    label.insert(label.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return label;
}

Cell ParamCell(const std::optional<store::ParamValue>& value) {
  if (!value) return Cell{std::monostate{}, "(unset)"};
  return std::visit([](const auto& v) { return Cell{v, store::ParamValueToString(v)}; }, *value);
}

Table LegendTable(const std::vector<ComparedRun>& runs) {
  Table table;
  table.columns = {{"label", "", Align::kLeft},
                   {"run_id", "run", Align::kLeft},
                   {"name", "name", Align::kLeft, true},
                   {"experiment", "experiment", Align::kLeft, true},
                   {"status", "status", Align::kLeft},
                   {"epochs", "epochs", Align::kRight, false, true, 2},
                   {"final_test_accuracy", "test acc", Align::kRight},
                   {"best_test_accuracy", "best test", Align::kRight, false, true, 1}};
  for (const ComparedRun& run : runs) {
    const store::RunSummary& s = run.summary;
    table.rows.push_back({Cell::Text(run.label), Cell::Text(s.run_id), Cell::OptText(s.name),
                          Cell::Text(s.experiment), Cell::Text(std::string(store::RunStatusName(s.status))),
                          Cell::Int(s.epochs), Cell::Real(s.final_test_accuracy, 4),
                          Cell::Real(s.best_test_accuracy, 4)});
  }
  return table;
}

Table ParamTable(const std::vector<ComparedRun>& runs, const std::vector<store::ParamDifference>& diffs) {
  Table table;
  table.columns.push_back({"key", "parameter", Align::kLeft, true});
  for (const ComparedRun& run : runs) table.columns.push_back({run.summary.run_id, run.label, Align::kLeft, true});
  for (const store::ParamDifference& diff : diffs) {
    std::vector<Cell> row = {Cell::Text(diff.key)};
    for (const auto& value : diff.values) row.push_back(ParamCell(value));
    table.rows.push_back(std::move(row));
  }
  return table;
}

// Side by side: epoch, then train / test / gap of each run.
Table SideBySideTable(const std::vector<ComparedRun>& runs, bool loss) {
  Table table;
  table.columns.push_back({"epoch", "epoch", Align::kRight});
  for (const ComparedRun& run : runs) {
    table.columns.push_back({"", run.label + " train", Align::kRight, false, true, 1});
    table.columns.push_back({"", run.label + " test", Align::kRight});
    table.columns.push_back({"", run.label + " gap", Align::kRight});
  }
  std::set<int64_t> epochs;
  for (const ComparedRun& run : runs) {
    for (const auto& entry : run.epochs) epochs.insert(entry.first);
  }
  for (int64_t epoch : epochs) {
    std::vector<Cell> row = {Cell::Int(epoch)};
    for (const ComparedRun& run : runs) {
      auto found = run.epochs.find(epoch);
      if (found == run.epochs.end()) {
        row.insert(row.end(), {Cell::Null(), Cell::Null(), Cell::Null()});
        continue;
      }
      const store::EpochMetrics& e = found->second;
      row.push_back(Cell::Real(loss ? e.train_loss : e.train_accuracy, 4));
      row.push_back(Cell::Real(loss ? e.test_loss : e.test_accuracy, 4));
      row.push_back(Cell::Real(loss ? e.gap_loss : e.gap_accuracy, 4));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<Cell> EpochCells(const store::EpochMetrics& e) {
  return {Cell::Int(e.epoch), Cell::Real(e.train_loss, 4), Cell::Real(e.train_accuracy, 4),
          Cell::Real(e.test_loss, 4), Cell::Real(e.test_accuracy, 4), Cell::Real(e.gap_accuracy, 4),
          Cell::Real(e.gap_loss, 4), Cell::Real(e.seconds, 2)};
}

const std::vector<Column>& EpochColumns() {
  static const std::vector<Column> kColumns = {
      {"epoch", "epoch"},         {"train_loss", "train loss"},     {"train_accuracy", "train acc"},
      {"test_loss", "test loss"}, {"test_accuracy", "test acc"},    {"gap_accuracy", "gap acc"},
      {"gap_loss", "gap loss"},   {"seconds", "seconds"}};
  return kColumns;
}

// Long ("tidy") form: one row per run and epoch, with the differing
// parameters as columns, ready for a data frame.
Table LongTable(const std::vector<ComparedRun>& runs, const std::vector<store::ParamDifference>& diffs) {
  Table table;
  table.columns.push_back({"run_id", "run"});
  for (const store::ParamDifference& diff : diffs) table.columns.push_back({diff.key, diff.key});
  for (const Column& column : EpochColumns()) table.columns.push_back(column);
  for (size_t i = 0; i < runs.size(); ++i) {
    std::vector<Cell> prefix = {Cell::Text(runs[i].summary.run_id)};
    for (const store::ParamDifference& diff : diffs) prefix.push_back(ParamCell(diff.values[i]));
    if (runs[i].epochs.empty()) {  // still a row, so its parameters show
      prefix.resize(table.columns.size(), Cell::Null());
      table.rows.push_back(prefix);
    }
    for (const auto& [epoch, metrics] : runs[i].epochs) {
      std::vector<Cell> row = prefix;
      for (Cell& cell : EpochCells(metrics)) row.push_back(std::move(cell));
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

JsonValue CompareJson(const std::vector<ComparedRun>& runs, const std::vector<store::ParamDifference>& diffs) {
  JsonValue json;
  JsonValue params = JsonValue::EmptyArray();
  for (const store::ParamDifference& diff : diffs) {
    JsonValue values = JsonValue::EmptyObject();
    for (size_t i = 0; i < runs.size(); ++i) values.Set(runs[i].summary.run_id, CellToJson(ParamCell(diff.values[i])));
    params.Append(JsonValue().Set("key", diff.key).Set("values", std::move(values)));
  }
  JsonValue run_list = JsonValue::EmptyArray();
  Table legend = LegendTable(runs);
  for (size_t i = 0; i < runs.size(); ++i) {
    JsonValue run;
    for (size_t c = 1; c < legend.columns.size(); ++c) run.Set(legend.columns[c].key, CellToJson(legend.rows[i][c]));
    Table epochs{EpochColumns(), {}};
    for (const auto& entry : runs[i].epochs) epochs.rows.push_back(EpochCells(entry.second));
    run.Set("epochs", TableToJson(epochs));
    run_list.Append(std::move(run));
  }
  json.Set("runs", std::move(run_list)).Set("differing_params", std::move(params));
  return json;
}

void PrintCompareText(const std::vector<ComparedRun>& runs, const std::vector<store::ParamDifference>& diffs,
                      bool loss) {
  std::optional<size_t> width = TerminalWidth();
  std::vector<std::string> hidden;
  std::cout << RenderTable(LegendTable(runs), width, &hidden);
  std::cout << "\nparameters that differ\n";
  if (diffs.empty()) std::cout << "(none: the runs have the same parameters)\n";
  else std::cout << RenderTable(ParamTable(runs, diffs), width, &hidden);
  std::cout << (loss ? "\nloss per epoch (gap = test - train)\n" : "\naccuracy per epoch (gap = train - test)\n");
  Table side = SideBySideTable(runs, loss);
  if (side.rows.empty()) std::cout << "(no epochs recorded)\n";
  else std::cout << RenderTable(side, width, &hidden);
  if (!hidden.empty()) std::cerr << HiddenColumnsNote(hidden, width) << "\n";
}

int CompareSweep(const CompareOptions& options) {
  Result<std::unique_ptr<store::RunStore>> opened =
      OpenResults(ResultsPath(options.results), StoreAccess::kRead);
  if (!opened.ok()) return Report(opened.status(), kExitUsage);
  store::RunStore& db = **opened;
  Result<std::string> id = db.ResolveSweepId(options.sweep);
  if (!id.ok()) return Report(id.status(), ExitCodeFor(id.status()));
  Result<SweepTable> sweep = LoadSweepTable(db, *id);
  if (!sweep.ok()) return Report(sweep.status(), ExitCodeFor(sweep.status()));
  std::vector<std::string> hidden;
  Result<std::string> text = RenderSweepComparison(*sweep, options.sweep_sort, options.format, &hidden);
  if (!text.ok()) return Report(text.status(), ExitCodeFor(text.status()));
  std::cout << *text;
  if (!hidden.empty()) std::cerr << HiddenColumnsNote(hidden, TerminalWidth()) << "\n";
  return kExitOk;
}

int Compare(const CompareOptions& options) {
  if (!options.sweep.empty()) {
    if (!options.runs.empty()) {
      return Report(Status::InvalidArgument("compare takes run ids or --sweep ID, not both"), kExitUsage);
    }
    return CompareSweep(options);
  }
  if (options.runs.size() < 2) {
    return Report(Status::InvalidArgument("compare needs at least two runs, or --sweep ID"), kExitUsage);
  }
  if (options.metric != "accuracy" && options.metric != "loss") {
    return Report(Status::InvalidArgument("--metric must be accuracy or loss, not '" + options.metric + "'"),
                  kExitUsage);
  }
  Result<std::unique_ptr<store::RunStore>> opened =
      OpenResults(ResultsPath(options.results), StoreAccess::kRead);
  if (!opened.ok()) return Report(opened.status(), kExitUsage);
  store::RunStore& db = **opened;
  Result<std::vector<std::string>> ids = ResolveRunIds(db, options.runs);
  if (!ids.ok()) return Report(ids.status(), ExitCodeFor(ids.status()));

  std::vector<ComparedRun> runs;
  for (size_t i = 0; i < ids->size(); ++i) {
    const std::string& id = (*ids)[i];
    Result<store::RunSummary> summary = db.GetSummary(id);
    if (!summary.ok()) return Report(summary.status(), ExitCodeFor(summary.status()));
    Result<std::vector<store::EpochMetrics>> epochs = db.ListEpochs(id);
    if (!epochs.ok()) return Report(epochs.status(), ExitCodeFor(epochs.status()));
    ComparedRun run{Label(i), std::move(summary).value(), {}};
    for (const store::EpochMetrics& e : *epochs) run.epochs[e.epoch] = e;
    runs.push_back(std::move(run));
  }
  Result<std::vector<store::ParamDifference>> diffs = db.DifferingParams(*ids);
  if (!diffs.ok()) return Report(diffs.status(), ExitCodeFor(diffs.status()));

  switch (options.format) {
    case OutputFormat::kJson: std::cout << CompareJson(runs, *diffs).Dump() << "\n"; break;
    case OutputFormat::kCsv: std::cout << RenderCsv(LongTable(runs, *diffs)); break;
    case OutputFormat::kTable: PrintCompareText(runs, *diffs, options.metric == "loss"); break;
  }
  return kExitOk;
}

}  // namespace

void RegisterCompareCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app =
      root.add_subcommand("compare", "What differs between runs and how they did per epoch, or a sweep's points");
  app->footer(
      "Each RUN is a run id or an unambiguous prefix. Prints the runs (labelled A, B, ...), only\n"
      "the parameters whose values differ (or that some runs lack), then each epoch's train and\n"
      "test accuracy (--metric loss: loss) of every run side by side, with the gap between them.\n"
      "--format csv prints one row per run and epoch with the differing parameters as columns;\n"
      "--format json prints the runs with all their epochs and the differing parameters.\n"
      "\n"
      "--sweep ID (an id or unambiguous prefix) prints one row per point of the sweep instead, in\n"
      "point order: the point's value of each varied key, its status (pending while no run answers\n"
      "it; \"(reused)\" when an earlier run with the same configuration does), the run, and that\n"
      "run's final train and test accuracy, gap (train - test), test loss and duration; then the\n"
      "best point by test accuracy (completed points only). --sort takes point, a varied key (or\n"
      "param:KEY), or one of status, run_id, epochs, final_train_accuracy, final_test_accuracy,\n"
      "final_gap_accuracy, final_test_loss, duration_seconds: accuracies and epochs highest first,\n"
      "the rest lowest first, missing values last; --reverse flips that. csv and json add\n"
      "the reused flag and the final train loss; json nests each point's values under\n"
      "\"assignments\" and names the best point.");
  auto options = std::make_shared<CompareOptions>();
  app->add_option("runs", options->runs, "Two or more run ids or prefixes");
  CLI::Option* sweep = app->add_option("--sweep", options->sweep, "Compare the points of this sweep instead")
                           ->option_text("ID");
  app->add_option("--metric", options->metric, "accuracy (default) or loss, for the per-epoch table")
      ->option_text("accuracy|loss")
      ->excludes(sweep);
  app->add_option("--sort", options->sweep_sort.column, "With --sweep: order the points by this column or key")
      ->option_text("COLUMN")
      ->needs(sweep);
  app->add_flag("--reverse", options->sweep_sort.reverse, "With --sweep: reverse the order")->needs(sweep);
  AddResultsOption(app, options->results);
  AddFormatOption(app, options->format);
  registry.Add(app, [options]() { return Compare(*options); });
}

}  // namespace runexp::cli
