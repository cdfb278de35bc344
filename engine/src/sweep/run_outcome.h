// A run's result in one line, for a sweep's progress:
// "completed: train 0.9901, test 0.9790, gap 0.0111 (run ID)".
//
// Thread-safety: as RunStore.
#pragma once

#include <string>

#include "store/run_store.h"

namespace runexp::sweep {

std::string RunOutcome(store::RunStore& db, const std::string& run_id);

}  // namespace runexp::sweep
