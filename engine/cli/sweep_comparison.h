// `runexp compare --sweep ID`: one row per point of a sweep — its value of
// each varied key, the status of the run answering it, and that run's final
// train and test accuracy, their gap, test loss and duration — as a table,
// CSV or JSON, with the best point by test accuracy named after a table.
//
// cmd_compare.cc parses the options and opens results.db; this file turns a
// loaded SweepTable into text.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "output_format.h"
#include "runexp/status.h"
#include "sweep_table.h"

namespace runexp::cli {

struct SweepSort {
  // "point", a column of SweepComparisonColumns(), a varied key, or
  // "param:KEY" as `runexp runs --sort` takes it.
  std::string column = "point";
  bool reverse = false;
};

// The columns a sweep comparison can be sorted by besides the varied keys.
std::vector<std::string> SweepComparisonColumns();

// One row per point in the chosen order: accuracies highest first, other
// figures, values and text lowest first, missing values last; --reverse
// flips that. InvalidArgument for a column that is neither.
Result<Table> SweepComparisonTable(const SweepTable& sweep, const SweepSort& sort);

// What `runexp compare --sweep` prints in `format`: for a table, a line
// describing the sweep, the table, and a line naming the best point.
Result<std::string> RenderSweepComparison(const SweepTable& sweep, const SweepSort& sort, OutputFormat format,
                                          std::vector<std::string>* hidden_columns);

// "sweep 2026...-ab12cd of mnist (grid over 2 keys): 6 points — 4 completed, 1 failed, 1 pending".
std::string SweepHeadline(const SweepTable& sweep);

// "best test accuracy: point 4 (units=128, lr=0.001), run ..., 0.9512" or
// a sentence saying no point has completed yet.
std::string BestPointLine(const SweepTable& sweep);

}  // namespace runexp::cli
