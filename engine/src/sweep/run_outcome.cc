#include "sweep/run_outcome.h"

#include <cstdio>
#include <optional>

namespace runexp::sweep {

namespace {

std::string Figure(const std::optional<double>& value) {
  if (!value) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", *value);
  return text;
}

}  // namespace

std::string RunOutcome(store::RunStore& db, const std::string& run_id) {
  Result<store::RunSummary> summary = db.GetSummary(run_id);
  if (!summary.ok()) return "run " + run_id + " (" + summary.status().message() + ")";
  const store::RunSummary& s = *summary;
  std::string text = std::string(store::RunStatusName(s.status));
  if (s.status == store::RunStatus::kCompleted) {
    text += ": train " + Figure(s.final_train_accuracy) + ", test " + Figure(s.final_test_accuracy) + ", gap " +
            Figure(s.final_gap_accuracy);
  } else if (s.error) {
    text += ": " + *s.error;
  }
  return text + " (run " + run_id + ")";
}

}  // namespace runexp::sweep
