// Axis geometry for the report's charts: a data range widened to "nice"
// round bounds with evenly spaced tick values (1, 2 or 5 times a power of
// ten), and the labels for those ticks.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace runexp::cli::report {

struct Axis {
  double lo = 0;  // the axis starts here (a tick)...
  double hi = 1;  // ...and ends here (a tick), hi > lo
  double step = 1;
  std::vector<double> ticks;  // lo, lo + step, ..., hi
  int decimals = 0;           // digits after the point that tell ticks apart
};

// An axis covering [min, max] with about `target_ticks` ticks (at least 2).
// A degenerate range (min == max, e.g. a run with one epoch or a constant
// metric) is widened around the value; non-finite bounds give [0, 1].
// `integer_steps` keeps the step a whole number (epochs).
Axis NiceAxis(double min, double max, int target_ticks, bool integer_steps = false);

// A tick's label with the axis's decimals ("0.95", "12"); "-0" prints "0".
std::string TickLabel(const Axis& axis, double value);

}  // namespace runexp::cli::report
