// What a report shows, read from results.db: each run's record, summary,
// parameters, inputs, epochs and tags (RunDetails), its validation curve
// when the trainer held out a validation split (`val_loss`/`val_accuracy`
// in the metrics table), and the parameters that differ between the runs.
//
// Choosing which runs to report (ids typed, an experiment's completed runs)
// is the command's job; this file only loads a given list. A sweep report
// also carries the sweep's points (sweep_table.h), each pointing at the run
// that answers it.
//
// Thread-safety: functions on a RunStore, which serialises its own calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runexp/status.h"
#include "store/records.h"
#include "store/run_store.h"
#include "sweep_table.h"

namespace runexp::cli::report {

// One epoch of the validation split (both recorded by the trainer).
struct ValidationEpoch {
  int64_t epoch = 0;
  std::optional<double> loss;
  std::optional<double> accuracy;
};

struct ReportRun {
  store::RunDetails details;
  std::vector<ValidationEpoch> validation;  // by epoch; empty without a validation split
};

// The points of the sweep a report is about.
struct ReportSweep {
  SweepTable table;
  // run_index[i]: the index in ReportInput::runs of the run answering
  // table.rows[i]; nullopt for a pending point.
  std::vector<std::optional<size_t>> run_index;
};

struct ReportInput {
  std::vector<ReportRun> runs;  // in the order they are drawn and labelled (A, B, ...)
  std::vector<store::ParamDifference> differing_params;  // values[i] belongs to runs[i]
  std::string generated_at;  // ISO-8601 UTC, shown in the page header
  std::optional<ReportSweep> sweep;  // set for `runexp report --sweep`
};

// Loads `run_ids` (already resolved, each once) in that order.
Result<ReportInput> LoadReportInput(store::RunStore& db, const std::vector<std::string>& run_ids);

// The runs answering the sweep's points, in point order (a run answering
// two points once), and the sweep itself.
Result<ReportInput> LoadSweepReportInput(store::RunStore& db, SweepTable sweep);

}  // namespace runexp::cli::report
