// What one point of a sweep needs when the sweep (re)starts: nothing (its
// run completed), nothing here (its run is running in another process),
// linking an earlier completed run of the same configuration and unchanged
// inputs (deduplication), resuming its interrupted or failed run, or a run.
//
// Thread-safety: as RunStore.
#pragma once

#include <optional>
#include <string>

#include "store/run_store.h"

namespace runexp::sweep {

enum class PointAction { kDone, kRunningElsewhere, kReuse, kResume, kRun };

struct PointState {
  PointAction action = PointAction::kRun;
  // kDone, kRunningElsewhere, kResume: the point's run; kReuse: the earlier
  // run; kRun: the run the point linked before (--force), if any.
  std::optional<std::string> run_id;
};

// `force`: run the point anew whatever is on record (unless it is running).
PointState Decide(store::RunStore& db, const store::SweepPoint& point, bool force);

}  // namespace runexp::sweep
