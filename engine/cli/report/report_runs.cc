#include "report/report_runs.h"

#include <algorithm>
#include <map>

namespace runexp::cli::report {

namespace {

// The trainer records these per epoch (plugins/mlp_trainer/README.md). A
// resumed epoch may be recorded twice; the last value wins, as in the table.
Result<std::vector<ValidationEpoch>> LoadValidation(store::RunStore& db, const std::string& run_id) {
  std::map<int64_t, ValidationEpoch> by_epoch;
  for (const char* name : {"val_loss", "val_accuracy"}) {
    Result<std::vector<store::MetricPoint>> points = db.ListMetrics(run_id, std::string(name));
    if (!points.ok()) return points.status();
    for (const store::MetricPoint& point : *points) {
      if (!point.epoch) continue;  // not per epoch: nothing to plot it against
      ValidationEpoch& entry = by_epoch[*point.epoch];
      entry.epoch = *point.epoch;
      (std::string_view(name) == "val_loss" ? entry.loss : entry.accuracy) = point.value;
    }
  }
  std::vector<ValidationEpoch> epochs;
  for (auto& [epoch, entry] : by_epoch) epochs.push_back(entry);
  return epochs;
}

}  // namespace

Result<ReportInput> LoadReportInput(store::RunStore& db, const std::vector<std::string>& run_ids) {
  ReportInput input;
  for (const std::string& id : run_ids) {
    Result<store::RunDetails> details = db.GetRun(id);
    if (!details.ok()) return details.status();
    Result<std::vector<ValidationEpoch>> validation = LoadValidation(db, id);
    if (!validation.ok()) return validation.status();
    input.runs.push_back({std::move(details).value(), std::move(validation).value()});
  }
  Result<std::vector<store::ParamDifference>> diffs = db.DifferingParams(run_ids);
  if (!diffs.ok()) return diffs.status();
  input.differing_params = std::move(diffs).value();
  return input;
}

Result<ReportInput> LoadSweepReportInput(store::RunStore& db, SweepTable sweep) {
  std::vector<std::string> run_ids;
  ReportSweep points;
  for (const SweepRow& row : sweep.rows) {
    if (!row.run_id) {
      points.run_index.push_back(std::nullopt);
      continue;
    }
    auto found = std::find(run_ids.begin(), run_ids.end(), *row.run_id);
    points.run_index.push_back(static_cast<size_t>(found - run_ids.begin()));
    if (found == run_ids.end()) run_ids.push_back(*row.run_id);
  }
  Result<ReportInput> input = LoadReportInput(db, run_ids);
  if (!input.ok()) return input.status();
  points.table = std::move(sweep);
  input->sweep = std::move(points);
  return input;
}

}  // namespace runexp::cli::report
