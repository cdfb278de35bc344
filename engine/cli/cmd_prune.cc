// `runexp prune [--status failed|interrupted] [--older-than DAYS] [--yes]`:
// clear away runs that did not finish. Lists what it would delete; deletes
// (rows and folders, as `runexp rm`) only when confirmed.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "output_format.h"
#include "results_location.h"
#include "run_removal.h"
#include "store/timestamps.h"
#include "store_command_support.h"

namespace runexp::cli {

namespace {

struct PruneOptions {
  std::string results;
  std::vector<std::string> statuses;  // default: failed and interrupted
  double older_than_days = -1;        // < 0: any age
  bool yes = false;
  OutputFormat format = OutputFormat::kTable;
};

Result<std::vector<store::RunStatus>> PrunableStatuses(const std::vector<std::string>& names) {
  if (names.empty()) return std::vector<store::RunStatus>{store::RunStatus::kFailed, store::RunStatus::kInterrupted};
  std::vector<store::RunStatus> statuses;
  for (const std::string& name : names) {
    Result<store::RunStatus> status = store::ParseRunStatus(name);
    if (status.ok() && (*status == store::RunStatus::kFailed || *status == store::RunStatus::kInterrupted)) {
      if (std::find(statuses.begin(), statuses.end(), *status) == statuses.end()) statuses.push_back(*status);
      continue;
    }
    return Status::InvalidArgument("prune removes failed or interrupted runs, not '" + name +
                                   "' ones (use `runexp rm` for any run)");
  }
  return statuses;
}

bool OldEnough(const store::RunSummary& run, double days, store::Clock::time_point now) {
  if (days < 0) return true;
  std::optional<store::Clock::time_point> started = store::ParseTimestamp(run.started_at);
  if (!started) return false;  // unreadable: keep it
  std::chrono::duration<double> age = now - *started;
  return age.count() > days * 86400.0;
}

Table CandidateTable(const std::vector<store::RunSummary>& runs, const std::filesystem::path& results) {
  Table table;
  table.columns = {{"run_id", "run", Align::kLeft},
                   {"name", "name", Align::kLeft, true},
                   {"experiment", "experiment", Align::kLeft, true},
                   {"status", "status", Align::kLeft},
                   {"started_at", "started (UTC)", Align::kLeft},
                   {"epochs", "epochs", Align::kRight},
                   {"error", "error", Align::kLeft, true},
                   {"folder", "folder", Align::kLeft, true, false}};
  for (const store::RunSummary& run : runs) {
    table.rows.push_back({Cell::Text(run.run_id), Cell::OptText(run.name), Cell::Text(run.experiment),
                          Cell::Text(std::string(store::RunStatusName(run.status))), Cell::Time(run.started_at),
                          Cell::Int(run.epochs), Cell::OptText(run.error),
                          Cell::Text(RunFolder(results, run.run_id).string())});
  }
  return table;
}

int Prune(const PruneOptions& options) {
  Result<std::vector<store::RunStatus>> statuses = PrunableStatuses(options.statuses);
  if (!statuses.ok()) return Report(statuses.status(), kExitUsage);
  bool may_delete = options.yes || StdinIsTerminal();
  std::filesystem::path path = ResultsPath(options.results);
  Result<std::unique_ptr<store::RunStore>> opened =
      OpenResults(path, may_delete ? StoreAccess::kWrite : StoreAccess::kRead);
  if (!opened.ok()) return Report(opened.status(), kExitUsage);
  store::RunStore& db = **opened;

  std::vector<store::RunSummary> candidates;
  store::Clock::time_point now = store::Clock::now();
  for (store::RunStatus status : *statuses) {
    store::RunFilter filter;
    filter.status = status;
    Result<std::vector<store::RunSummary>> runs = db.ListRuns(filter);
    if (!runs.ok()) return Report(runs.status(), ExitCodeFor(runs.status()));
    for (store::RunSummary& run : *runs) {
      if (OldEnough(run, options.older_than_days, now)) candidates.push_back(std::move(run));
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return a.started_at != b.started_at ? a.started_at > b.started_at : a.run_id > b.run_id;
  });

  // Messages go beside the listing on a terminal, to stderr when the
  // listing is data for another program.
  std::ostream& notes = options.format == OutputFormat::kTable ? std::cout : std::cerr;
  if (candidates.empty()) {
    if (options.format == OutputFormat::kTable) std::cout << "nothing to prune\n";
    else std::cout << Render(CandidateTable(candidates, path), options.format);
    return kExitOk;
  }
  std::cout << Render(CandidateTable(candidates, path), options.format);
  if (!options.yes) {
    if (!StdinIsTerminal()) {
      notes << RunCount(candidates.size()) << " would be removed with their folders; pass --yes to remove them\n";
      return kExitOk;
    }
    if (!AskYesNo("Delete " + RunCount(candidates.size()) + " and their folders?")) {
      notes << "nothing deleted\n";
      return kExitOk;
    }
  }
  for (const store::RunSummary& run : candidates) {
    Result<RemovedRun> removed = RemoveRun(db, path, run.run_id, /*even_if_running=*/false);
    if (!removed.ok()) return Report(removed.status(), kExitRunFailed);
    notes << DescribeRemoval(*removed) << "\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterPruneCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("prune", "List, and with --yes delete, failed and interrupted runs");
  app->footer(
      "Without --yes it only lists the runs it would delete (on a terminal it then asks).\n"
      "Deleting a run removes its rows and its folder beside the results database, as\n"
      "`runexp rm` does. --older-than counts from the run's start. Completed and running runs\n"
      "are never pruned.");
  auto options = std::make_shared<PruneOptions>();
  app->add_option("--status", options->statuses, "Only runs with this status (default: both; repeatable)")
      ->allow_extra_args(false)
      ->option_text("failed|interrupted");
  app->add_option("--older-than", options->older_than_days, "Only runs started more than DAYS days ago")
      ->check(NonNegative)
      ->option_text("DAYS");
  app->add_flag("-y,--yes", options->yes, "Delete them without asking");
  AddResultsOption(app, options->results);
  AddFormatOption(app, options->format);
  registry.Add(app, [options]() { return Prune(*options); });
}

}  // namespace runexp::cli
