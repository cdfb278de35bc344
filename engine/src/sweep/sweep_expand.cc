#include "sweep/sweep_expand.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string>

#include "runexp/nn/random.h"

namespace runexp::sweep {

namespace {

// The grid point with mixed-radix number `index` (last axis fastest).
SweepPointValues GridPoint(const std::vector<SweepAxis>& axes, uint64_t index) {
  SweepPointValues point(axes.size());
  for (size_t a = axes.size(); a-- > 0;) {
    const uint64_t radix = axes[a].values.size();
    point[a] = config::Assignment{axes[a].key, axes[a].values[index % radix], axes[a].key_origin};
    index /= radix;
  }
  return point;
}

}  // namespace

std::vector<SweepPointValues> ExpandSweep(const SweepSpec& spec, int64_t seed, config::ErrorList& errors) {
  if (spec.mode == "list") return spec.listed_points;

  // The exact size, so a sample draws uniformly from all of it; 128 bits
  // cannot overflow for any grid a file can hold below 2^64 points.
  unsigned __int128 exact_size = 1;
  for (const SweepAxis& axis : spec.axes) {
    exact_size *= axis.values.size();
    if (exact_size > std::numeric_limits<uint64_t>::max()) break;
  }
  if (exact_size > std::numeric_limits<uint64_t>::max()) {
    errors.Add(spec.origin, "this sweep's grid has more than 2^64 points; it cannot be run or sampled");
    return {};
  }
  const uint64_t grid_size = static_cast<uint64_t>(exact_size);
  const uint64_t wanted = spec.mode == "random" ? static_cast<uint64_t>(spec.samples) : grid_size;
  if (spec.mode == "random" && wanted > grid_size) {
    errors.Add(spec.origin, "samples = " + std::to_string(spec.samples) + " but the grid has only " +
                                std::to_string(grid_size) + " points");
    return {};
  }
  if (wanted > kMaxSweepPoints) {
    errors.Add(spec.origin, "this sweep has " + std::to_string(wanted) + " points; at most " +
                                std::to_string(kMaxSweepPoints) +
                                " are allowed (use `samples = N` to draw some of them)");
    return {};
  }

  std::vector<SweepPointValues> points;
  if (spec.mode == "random") {
    nn::RandomStream stream(static_cast<uint64_t>(spec.sample_seed.value_or(seed)), "sweep/sample");
    std::set<uint64_t> chosen;
    while (chosen.size() < wanted) chosen.insert(stream.UniformInt(grid_size));
    for (uint64_t index : chosen) points.push_back(GridPoint(spec.axes, index));
  } else {
    for (uint64_t index = 0; index < grid_size; ++index) points.push_back(GridPoint(spec.axes, index));
  }
  return points;
}

}  // namespace runexp::sweep
