// A sweep report's parameter charts: for each varied key, the final test
// accuracy and the final gap (train - test accuracy) of every completed
// point against that key's value. With other varied keys, one line per
// combination of their values — "gap vs hidden units, one line per learning
// rate" — so the effect of one key reads with the others held fixed.
//
// The x axis is the key's values: linear for numbers, logarithmic when they
// are all positive and span more than a factor of 20 (learning rates),
// categories in point order for text, booleans and mixtures. A point whose
// run is pending, running, failed or interrupted has no final result: its
// line breaks there. When the points do not form lines — more than ten
// combinations of the other keys, or two points of one line at the same
// value (random sweeps) — every point is one marker of one colour, unjoined.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>

#include "report/report_runs.h"
#include "report/svg_chart.h"

namespace runexp::cli::report {

enum class SweepMeasure { kTestAccuracy, kGap };

// The chart of `measure` against sweep.table.keys[key]. Its series' `run`
// is the line's description ("model.optimizer.learning_rate=0.001"; "all
// points" when there is one line), for a legend.
LineChart SweepParameterChart(const ReportSweep& sweep, size_t key, SweepMeasure measure);

// True when the key's values are all numbers (integers or floats).
bool NumericKey(const SweepTable& table, size_t key);

}  // namespace runexp::cli::report
