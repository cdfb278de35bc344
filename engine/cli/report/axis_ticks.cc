#include "report/axis_ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace runexp::cli::report {

namespace {

// The smallest of 1, 2, 5 × 10^k that is at least `raw`.
double NiceStep(double raw) {
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (factor * magnitude >= raw * (1 - 1e-9)) return factor * magnitude;
  }
  return 10.0 * magnitude;
}

}  // namespace

Axis NiceAxis(double min, double max, int target_ticks, bool integer_steps) {
  if (!std::isfinite(min) || !std::isfinite(max)) min = 0, max = 1;
  if (min > max) std::swap(min, max);
  if (min == max) {
    // One value: centre it with room around it, so its point is not on an edge.
    double pad = integer_steps ? 1.0 : (min == 0 ? 1.0 : std::abs(min) * 0.1);
    min -= pad;
    max += pad;
  }
  // A range wider than doubles can step through (e.g. a loss of 1e308)
  // would give infinite steps; such an axis is only useful as an outline.
  if (!std::isfinite(max - min)) min = -1e300, max = 1e300;
  target_ticks = std::max(target_ticks, 2);

  Axis axis;
  axis.step = NiceStep((max - min) / (target_ticks - 1));
  if (integer_steps) axis.step = std::max(1.0, std::round(axis.step));
  axis.lo = std::floor(min / axis.step + 1e-9) * axis.step;
  axis.hi = std::ceil(max / axis.step - 1e-9) * axis.step;
  if (axis.hi <= axis.lo) axis.hi = axis.lo + axis.step;
  // Generated from an index rather than by repeated addition, so 0.1 steps
  // do not drift to 0.30000000000000004; capped for safety.
  int count = static_cast<int>(std::llround((axis.hi - axis.lo) / axis.step));
  count = std::min(count, 1000);
  for (int i = 0; i <= count; ++i) axis.ticks.push_back(axis.lo + i * axis.step);
  axis.decimals = std::clamp(static_cast<int>(-std::floor(std::log10(axis.step) + 1e-9)), 0, 12);
  return axis;
}

Axis LogAxis(double min, double max) {
  if (!(min > 0) || !(max > 0) || !std::isfinite(min) || !std::isfinite(max)) min = 1, max = 10;
  if (min > max) std::swap(min, max);
  const double low = std::log10(min), high = std::log10(max), span = high - low;
  Axis axis;
  axis.log = true;
  axis.step = 1;  // a decade
  // Room on either side, so points at the ends (a sweep's 0.001 and 0.1)
  // sit inside the frame rather than on it.
  const double pad = std::max(0.05 * span, 0.1);
  axis.lo = low - pad;
  axis.hi = high + pad;
  const bool few_decades = span <= 2 + 1e-9;
  for (double decade = std::floor(axis.lo); decade <= std::ceil(axis.hi); ++decade) {
    for (double multiple : {1.0, 2.0, 5.0}) {
      if (multiple != 1 && !few_decades) break;
      double tick = decade + std::log10(multiple);
      if (tick >= axis.lo && tick <= axis.hi) axis.ticks.push_back(tick);
    }
  }
  return axis;
}

Axis CategoryAxis(size_t count) {
  Axis axis;
  axis.lo = -0.5;
  axis.hi = std::max<double>(static_cast<double>(count), 1.0) - 0.5;
  axis.step = 1;
  for (size_t i = 0; i < count; ++i) axis.ticks.push_back(static_cast<double>(i));
  return axis;
}

std::string TickLabel(const Axis& axis, double value) {
  char buffer[64];
  if (axis.log) {
    std::snprintf(buffer, sizeof(buffer), "%.3g", std::pow(10.0, value));
    return buffer;
  }
  if (std::abs(value) < axis.step * 1e-6) value = 0;  // no "-0.00"
  if (std::abs(value) >= 1e7 || (axis.step < 1e-6 && value != 0)) {
    std::snprintf(buffer, sizeof(buffer), "%.3g", value);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.*f", axis.decimals, value);
  }
  return buffer;
}

}  // namespace runexp::cli::report
