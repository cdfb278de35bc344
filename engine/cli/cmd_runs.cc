// `runexp runs`: the runs in results.db, one line each, newest first —
// filtered by experiment, status, tag or sweep, sorted by any run_summary
// column or parameter, as a table, CSV or JSON.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "exit_codes.h"
#include "output_format.h"
#include "results_location.h"
#include "store_command_support.h"

namespace runexp::cli {

namespace {

constexpr std::string_view kParamSortPrefix = "param:";

struct RunsOptions {
  std::string results;
  std::string experiment;
  std::string status;
  std::string sort = "started_at";
  bool reverse = false;
  int64_t limit = 0;
  std::string tag;
  std::string sweep;  // an id or prefix, resolved once results.db is open
  OutputFormat format = OutputFormat::kTable;
};

// "Best first": newest, most epochs and highest accuracies first; lowest
// losses, shortest durations, smallest gaps and parameters, and text in
// alphabetical order.
bool RunsColumnSortsDescending(const std::string& column) {
  static constexpr std::string_view kDescending[] = {
      "started_at", "finished_at", "epochs", "final_train_accuracy", "final_test_accuracy",
      "best_test_accuracy"};
  return std::find(std::begin(kDescending), std::end(kDescending), column) != std::end(kDescending);
}

Status CheckSortColumn(const std::string& sort) {
  if (sort.starts_with(kParamSortPrefix)) {
    if (sort.size() > kParamSortPrefix.size()) return Status::OK();
    return Status::InvalidArgument("--sort param:KEY needs a parameter key, e.g. param:model.epochs");
  }
  std::span<const std::string_view> columns = store::RunStore::SortableColumns();
  if (std::find(columns.begin(), columns.end(), sort) != columns.end()) return Status::OK();
  std::string valid;
  for (std::string_view c : columns) valid += (valid.empty() ? "" : ", ") + std::string(c);
  return Status::InvalidArgument("cannot sort runs by '" + sort + "'; use one of " + valid +
                                 ", or param:KEY");
}

Result<store::RunFilter> MakeFilter(const RunsOptions& options) {
  store::RunFilter filter;
  if (!options.experiment.empty()) filter.experiment = options.experiment;
  if (!options.status.empty()) {
    Result<store::RunStatus> status = store::ParseRunStatus(options.status);
    if (!status.ok()) return status.status();
    filter.status = *status;
  }
  if (!options.tag.empty()) {
    size_t equals = options.tag.find('=');
    filter.tag_key = options.tag.substr(0, equals);
    if (equals != std::string::npos) filter.tag_value = options.tag.substr(equals + 1);
    if (filter.tag_key->empty()) {
      return Status::InvalidArgument("--tag needs KEY or KEY=VALUE, got '" + options.tag + "'");
    }
  }
  if (Status ok = CheckSortColumn(options.sort); !ok.ok()) return ok;
  filter.sort_by = options.sort;
  filter.descending = RunsColumnSortsDescending(options.sort) != options.reverse;
  filter.limit = options.limit;
  return filter;
}

Table RunsTable(const std::vector<store::RunSummary>& runs) {
  Table table;
  table.columns = {
      {"run_id", "run", Align::kLeft, false, true},
      {"name", "name", Align::kLeft, true, true},
      {"experiment", "experiment", Align::kLeft, true, true, 1},
      {"status", "status", Align::kLeft, false, true},
      {"started_at", "started (UTC)", Align::kLeft, false, true, 4},
      {"finished_at", "finished", Align::kLeft, false, false},
      {"duration_seconds", "duration", Align::kRight, false, true, 6},
      {"epochs", "epochs", Align::kRight, false, true, 3},
      {"final_train_accuracy", "train acc", Align::kRight, false, true, 5},
      {"final_test_accuracy", "test acc", Align::kRight, false, true},
      {"final_gap_accuracy", "gap", Align::kRight, false, true, 2},
      {"best_test_accuracy", "best test", Align::kRight, false, true},
      {"best_epoch", "best epoch", Align::kRight, false, false},
      {"final_train_loss", "train loss", Align::kRight, false, false},
      {"final_test_loss", "test loss", Align::kRight, false, false},
      {"learning_rate", "lr", Align::kRight, false, false},
      {"batch_size", "batch", Align::kRight, false, false},
      {"config_epochs", "configured epochs", Align::kRight, false, false},
      {"error", "error", Align::kLeft, true, false},
  };
  for (const store::RunSummary& run : runs) {
    table.rows.push_back({
        Cell::Text(run.run_id),
        Cell::OptText(run.name),
        Cell::Text(run.experiment),
        Cell::Text(std::string(store::RunStatusName(run.status))),
        Cell::Time(run.started_at),
        Cell::Time(run.finished_at),
        Cell::Duration(run.duration_seconds),
        Cell::Int(run.epochs),
        Cell::Real(run.final_train_accuracy, 4),
        Cell::Real(run.final_test_accuracy, 4),
        Cell::Real(run.final_gap_accuracy, 4),
        Cell::Real(run.best_test_accuracy, 4),
        Cell::Int(run.best_epoch),
        Cell::Real(run.final_train_loss, 4),
        Cell::Real(run.final_test_loss, 4),
        Cell::Real(run.learning_rate, 6),
        Cell::Int(run.batch_size),
        Cell::Int(run.config_epochs),
        Cell::OptText(run.error),
    });
  }
  return table;
}

int ListRuns(const RunsOptions& options) {
  Result<store::RunFilter> filter = MakeFilter(options);
  if (!filter.ok()) return Report(filter.status(), kExitUsage);
  std::filesystem::path path = ResultsPath(options.results);
  Result<std::unique_ptr<store::RunStore>> opened = OpenResults(path, StoreAccess::kRead);
  if (!opened.ok()) return Report(opened.status(), kExitUsage);
  if (!options.sweep.empty()) {
    Result<std::string> sweep = (*opened)->ResolveSweepId(options.sweep);
    if (!sweep.ok()) return Report(sweep.status(), ExitCodeFor(sweep.status()));
    filter->sweep_id = *sweep;
  }
  Result<std::vector<store::RunSummary>> runs = (*opened)->ListRuns(*filter);
  if (!runs.ok()) return Report(runs.status(), ExitCodeFor(runs.status()));
  if (runs->empty() && options.format == OutputFormat::kTable) {
    std::cout << "no runs" << (options.experiment.empty() && options.status.empty() && options.tag.empty() &&
                                       options.sweep.empty()
                                   ? " yet in " + EscapeForTerminal(path.string())
                                   : " match")
              << "\n";
    return kExitOk;
  }
  std::cout << Render(RunsTable(*runs), options.format);
  return kExitOk;
}

}  // namespace

void RegisterRunsCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("runs", "List the recorded runs, newest first");
  app->footer(
      "Columns: the final epoch's train and test accuracy and their gap (train - test), and the\n"
      "best test accuracy of any epoch. --format csv and json add finish time, losses, best\n"
      "epoch, learning rate, batch size, configured epochs and error.\n"
      "--sort takes a run_summary column (see docs/results-db.md) or param:KEY and lists the\n"
      "best first: newest, most epochs, highest accuracies first; lowest losses, durations, gaps\n"
      "and parameter values, and names in alphabetical order first. --reverse flips that.\n"
      "Tables fit the terminal width (or $COLUMNS): long names are cut with \"…\", and on a\n"
      "narrow terminal duration, train acc, started, epochs, gap and experiment are left out, in\n"
      "that order. csv and json are never cut.\n"
      "--sweep ID (an id or unambiguous prefix) lists the runs answering the sweep's points,\n"
      "including earlier runs it reused; `runexp compare --sweep ID` shows them point by point.");
  auto options = std::make_shared<RunsOptions>();
  AddResultsOption(app, options->results);
  app->add_option("--experiment", options->experiment, "Only runs of this experiment");
  app->add_option("--status", options->status, "Only runs with this status")
      ->option_text("running|completed|failed|interrupted");
  app->add_option("--sort", options->sort, "Order by this column or param:KEY (default started_at)")
      ->option_text("COLUMN");
  app->add_flag("--reverse", options->reverse, "Reverse the order");
  app->add_option("--limit", options->limit, "Show at most N runs (0: all)")
      ->check(NonNegative);
  app->add_option("--tag", options->tag, "Only runs carrying this tag (KEY, or KEY=VALUE)")
      ->option_text("KEY[=VALUE]");
  app->add_option("--sweep", options->sweep, "Only runs answering a point of this sweep")->option_text("ID");
  AddFormatOption(app, options->format);
  registry.Add(app, [options]() { return ListRuns(*options); });
}

}  // namespace runexp::cli
