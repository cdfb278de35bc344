// A sweep's points run here: child processes, --jobs at a time
// (point_jobs.h), a line per finished point with its run's result, and the
// sweep's summary. Returns the exit code: 0 when every point completed, 1
// when some did not, 130 when interrupted.
//
// Thread-safety: one call per process at a time (it reaps child processes).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "run/interrupt.h"
#include "store/run_store.h"
#include "sweep/point_decision.h"
#include "sweep/point_jobs.h"
#include "sweep/sweep_plan.h"

namespace runexp::sweep {

int RunPointsHere(store::RunStore& db, const SweepPlan& plan, const store::SweepRecord& sweep,
                  const std::vector<PointJob>& work, const std::map<int64_t, PointState>& states, int jobs,
                  const InterruptFlag& interrupt, const std::function<void(const std::string&)>& say);

}  // namespace runexp::sweep
