// `runexp report RUN... -o report.html` / `runexp report --experiment NAME`
// / `runexp report --sweep ID`: learning curves, results, differing
// parameters and provenance of runs as one self-contained HTML file
// (engine/cli/report/ renders it); for a sweep, also its points and charts
// of their results against each varied key.
//
// This file only chooses the runs and writes the file. Each way of choosing
// runs is one function returning run ids; a sweep brings its points too.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "report/report_page.h"
#include "report/report_runs.h"
#include "results_location.h"
#include "store/timestamps.h"
#include "store_command_support.h"
#include "sweep_table.h"

namespace runexp::cli {

namespace {

struct ReportOptions {
  std::string results;
  std::vector<std::string> runs;
  std::string experiment;
  std::string sweep;
  std::string output = "report.html";
};

// Every completed run of the experiment, oldest first (so A is the first run).
Result<std::vector<std::string>> CompletedRunsOf(store::RunStore& db, const std::string& experiment) {
  store::RunFilter filter;
  filter.experiment = experiment;
  filter.status = store::RunStatus::kCompleted;
  filter.sort_by = "started_at";
  filter.descending = false;
  Result<std::vector<store::RunSummary>> runs = db.ListRuns(filter);
  if (!runs.ok()) return runs.status();
  if (runs->empty()) {
    return Status::NotFound("no completed runs of experiment '" + experiment + "' in " + db.path());
  }
  std::vector<std::string> ids;
  for (const store::RunSummary& run : *runs) ids.push_back(run.run_id);
  return ids;
}

Result<std::vector<std::string>> ChooseRuns(store::RunStore& db, const ReportOptions& options) {
  if (!options.experiment.empty()) return CompletedRunsOf(db, options.experiment);
  return ResolveRunIds(db, options.runs);
}

// Every point of the sweep, pending ones included, with the runs answering them.
Result<report::ReportInput> LoadSweep(store::RunStore& db, const std::string& typed_id) {
  Result<std::string> id = db.ResolveSweepId(typed_id);
  if (!id.ok()) return id.status();
  Result<SweepTable> sweep = LoadSweepTable(db, *id);
  if (!sweep.ok()) return sweep.status();
  return report::LoadSweepReportInput(db, std::move(sweep).value());
}

Result<report::ReportInput> LoadInput(store::RunStore& db, const ReportOptions& options) {
  if (!options.sweep.empty()) return LoadSweep(db, options.sweep);
  Result<std::vector<std::string>> ids = ChooseRuns(db, options);
  if (!ids.ok()) return ids.status();
  return report::LoadReportInput(db, *ids);
}

// "report of 3 runs" / "report of sweep ID (6 points, 5 runs)".
std::string WhatWasReported(const report::ReportInput& input) {
  if (!input.sweep) return "report of " + RunCount(input.runs.size());
  const size_t points = input.sweep->table.rows.size();
  return "report of sweep " + input.sweep->table.sweep.sweep_id + " (" + std::to_string(points) +
         (points == 1 ? " point, " : " points, ") + RunCount(input.runs.size()) + ")";
}

// Written beside the target and renamed over it, so a reader never sees half
// a report and a failure leaves any previous report in place.
Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path temp = path;
  temp += ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("cannot write " + temp.string() + ": " + std::strerror(errno));
    out << text;
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      return Status::IOError("cannot write " + temp.string() + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return Status::IOError("cannot write " + path.string() + ": " + ec.message());
  }
  return Status::OK();
}

int WriteReport(const ReportOptions& options) {
  const int choices = !options.runs.empty() + !options.experiment.empty() + !options.sweep.empty();
  if (choices == 0) {
    return Report(Status::InvalidArgument("report needs run ids, --experiment NAME or --sweep ID"), kExitUsage);
  }
  if (choices > 1) {
    return Report(Status::InvalidArgument("report takes run ids, --experiment NAME or --sweep ID, not several"),
                  kExitUsage);
  }
  if (options.output.empty()) return Report(Status::InvalidArgument("-o needs a file name, or - for stdout"), kExitUsage);
  Result<std::unique_ptr<store::RunStore>> opened = OpenResults(ResultsPath(options.results), StoreAccess::kRead);
  if (!opened.ok()) return Report(opened.status(), kExitUsage);
  store::RunStore& db = **opened;
  Result<report::ReportInput> input = LoadInput(db, options);
  if (!input.ok()) return Report(input.status(), ExitCodeFor(input.status()));
  input->generated_at = store::NowTimestamp();
  const std::string page = report::RenderReportPage(*input);

  if (options.output == "-") {
    std::cout << page << std::flush;
    return std::cout ? kExitOk : Report(Status::IOError("cannot write the report to stdout"), kExitRunFailed);
  }
  if (Status written = WriteFileAtomically(options.output, page); !written.ok()) {
    return Report(written, kExitRunFailed);
  }
  std::cout << WhatWasReported(*input) << ": " << options.output << "\n";
  return kExitOk;
}

}  // namespace

void RegisterReportCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("report", "Learning curves and results of runs as one HTML file");
  app->footer(
      "Each RUN is a run id or an unambiguous prefix; --experiment NAME takes every completed run of\n"
      "that experiment instead, oldest first. The page holds, for every run in its own colour,\n"
      "train and test (and validation, when recorded) accuracy and loss per epoch with the\n"
      "train/test accuracy gap shaded, the final and best-epoch results, the parameters that\n"
      "differ between the runs and each run's provenance (config and input hashes, commit,\n"
      "environment). It is self-contained — inline SVG and CSS, no scripts, nothing fetched —\n"
      "so it opens offline and can be archived or mailed.\n"
      "--sweep ID (an id or unambiguous prefix) reports a sweep: every point's run as above, plus\n"
      "a table of all points (pending ones too) and, for each varied key, charts of the final test\n"
      "accuracy and gap against its values, one line per value of the other keys. See\n"
      "docs/report.md.");
  auto options = std::make_shared<ReportOptions>();
  app->add_option("runs", options->runs, "Run ids or prefixes");
  app->add_option("--experiment", options->experiment, "Report every completed run of this experiment")
      ->option_text("NAME");
  app->add_option("--sweep", options->sweep, "Report every point of this sweep")->option_text("ID");
  app->add_option("-o,--output", options->output, "The HTML file to write (default report.html; - for stdout)")
      ->option_text("FILE");
  AddResultsOption(app, options->results);
  registry.Add(app, [options]() { return WriteReport(*options); });
}

}  // namespace runexp::cli
