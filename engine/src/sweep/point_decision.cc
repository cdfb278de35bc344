#include "sweep/point_decision.h"

#include "run/stored_run.h"

namespace runexp::sweep {

namespace {

// An earlier completed run of exactly this configuration whose inputs are
// unchanged (its data files still hash as recorded).
std::optional<std::string> ReusableRun(store::RunStore& db, const std::string& config_sha256) {
  Result<std::optional<std::string>> found = db.FindCompletedRun(config_sha256);
  if (!found.ok() || !*found) return std::nullopt;
  Result<store::RunDetails> details = db.GetRun(**found);
  if (!details.ok() || !CheckRecordedInputs(*details).ok()) return std::nullopt;
  return **found;
}

}  // namespace

PointState Decide(store::RunStore& db, const store::SweepPoint& point, bool force) {
  const std::optional<store::RunStatus> status = point.run_id ? point.run_status : std::nullopt;
  if (status == store::RunStatus::kRunning) return {PointAction::kRunningElsewhere, point.run_id};
  if (force) return {PointAction::kRun, point.run_id};
  if (status == store::RunStatus::kCompleted) return {PointAction::kDone, point.run_id};
  if ((status == store::RunStatus::kInterrupted || status == store::RunStatus::kFailed) && !point.reused) {
    return {PointAction::kResume, point.run_id};
  }
  if (std::optional<std::string> earlier = ReusableRun(db, point.config_sha256)) {
    return {PointAction::kReuse, earlier};
  }
  return {PointAction::kRun, std::nullopt};
}


}  // namespace runexp::sweep
