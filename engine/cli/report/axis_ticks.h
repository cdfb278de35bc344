// Axis geometry for the report's charts: a data range widened to "nice"
// round bounds with evenly spaced tick values (1, 2 or 5 times a power of
// ten), and the labels for those ticks. Also a logarithmic axis (a sweep's
// learning rates from 0.0001 to 0.1) and a categorical one (a sweep's
// optimizer names).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace runexp::cli::report {

struct Axis {
  double lo = 0;  // the axis starts here (a tick, but see LogAxis)...
  double hi = 1;  // ...and ends here (a tick, but see LogAxis), hi > lo
  double step = 1;
  std::vector<double> ticks;  // lo, lo + step, ..., hi
  int decimals = 0;           // digits after the point that tell ticks apart
  // lo, hi and ticks are powers of ten (log10 of the values), so positions
  // are linear in them; TickLabel shows the value itself.
  bool log = false;
};

// An axis covering [min, max] with about `target_ticks` ticks (at least 2).
// A degenerate range (min == max, e.g. a run with one epoch or a constant
// metric) is widened around the value; non-finite bounds give [0, 1].
// `integer_steps` keeps the step a whole number (epochs).
Axis NiceAxis(double min, double max, int target_ticks, bool integer_steps = false);

// A log axis over [min, max] (both > 0), a little wider than the range so
// no value sits on the frame (its bounds are not ticks): ticks at each power
// of ten inside it, and at 2 and 5 times it when the range spans no more
// than two decades. Bounds that are not positive and finite give [1, 10].
Axis LogAxis(double min, double max);

// Categories 0 .. count-1, each a tick, with half a step of room at either end.
Axis CategoryAxis(size_t count);

// A tick's label with the axis's decimals ("0.95", "12"); "-0" prints "0".
// On a log axis, the value 10^tick in at most three significant digits
// ("0.001", "0.02", "1e+06").
std::string TickLabel(const Axis& axis, double value);

}  // namespace runexp::cli::report
