// The points of a sweep, in order:
//   grid   — the product of the axes, the first axis varying slowest (like
//            nested loops written in the file's order);
//   random — `samples` distinct grid points drawn without replacement from
//            the random stream "sweep/sample" of the sample seed, kept in
//            grid order;
//   list   — the listed points as written.
// A sweep of more than kMaxSweepPoints points is refused (a typo in a grid
// should not queue a million runs).
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "config/config_error.h"
#include "config/overrides.h"
#include "sweep/sweep_spec.h"

namespace runexp::sweep {

inline constexpr uint64_t kMaxSweepPoints = 100'000;

using SweepPointValues = std::vector<config::Assignment>;

// `seed` is used by random sampling unless the spec has a sample_seed.
std::vector<SweepPointValues> ExpandSweep(const SweepSpec& spec, int64_t seed, config::ErrorList& errors);

}  // namespace runexp::sweep
