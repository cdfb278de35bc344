#include "sweep/local_points.h"

#include <iostream>

#include "run/execute_run.h"
#include "sweep/child_process.h"
#include "sweep/node_text.h"
#include "sweep/run_outcome.h"

namespace runexp::sweep {

namespace {

std::string ExitDescription(int exit_code) {
  if (exit_code > 128) return "killed by signal " + std::to_string(exit_code - 128);
  return "exit code " + std::to_string(exit_code);
}

}  // namespace

int RunPointsHere(store::RunStore& db, const SweepPlan& plan, const store::SweepRecord& sweep,
                  const std::vector<PointJob>& work, const std::map<int64_t, PointState>& states, int jobs,
                  const InterruptFlag& interrupt, const std::function<void(const std::string&)>& say) {
  int finished = 0, failed = 0;
  bool complete = RunPointJobs(work, jobs, interrupt, [&](const PointJob& job, int exit_code) {
    ++finished;
    // A child killed outright left its run `running`: mark it interrupted now.
    (void)db.ReapDeadRuns();
    Result<std::vector<store::SweepPoint>> now = db.ListSweepPoints(sweep.sweep_id);
    std::optional<std::string> run_id;
    if (now.ok()) run_id = (*now)[static_cast<size_t>(job.point)].run_id;
    // A fresh run that failed before its BeginRun left the point's old link (--force).
    if (states.at(job.point).action == PointAction::kRun && run_id == states.at(job.point).run_id) run_id.reset();
    std::string outcome = run_id ? RunOutcome(db, *run_id)
                                 : "failed before its run started (" + ExitDescription(exit_code) +
                                       "): " + LastLogLine(job.log) + " (" + job.log.string() + ")";
    if (exit_code != 0) ++failed;
    std::string line = std::string("[") + std::to_string(finished) + "/" + std::to_string(work.size()) + "] point ";
    line += std::to_string(job.point) + " [" + AssignmentsText(plan.points[static_cast<size_t>(job.point)].values);
    line += states.at(job.point).action == PointAction::kResume ? "] resumed, " : "] ";
    say(line + outcome);
    if (exit_code != 0 && exit_code != kExitInterrupted && run_id) say("    log: " + job.log.string());
  });

  if (!complete) {
    std::cerr << "runexp: sweep " << sweep.sweep_id << " interrupted; run the same command again to continue it\n";
    return kExitInterrupted;
  }
  size_t completed = 0;
  if (Result<std::vector<store::SweepPoint>> now = db.ListSweepPoints(sweep.sweep_id); now.ok()) {
    for (const store::SweepPoint& point : *now) completed += point.run_status == store::RunStatus::kCompleted;
  }
  say("sweep " + sweep.sweep_id + ": " + std::to_string(completed) + " of " + std::to_string(plan.points.size()) +
      " points completed; `runexp compare --sweep " + sweep.sweep_id + "` shows them side by side");
  if (failed > 0 || completed < plan.points.size()) return kExitRunFailed;
  return kExitOk;
}

}  // namespace runexp::sweep
