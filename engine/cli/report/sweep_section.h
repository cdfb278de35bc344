// A sweep report's own section, above the learning curves: what the sweep
// varied and how far it got, the best point, for each varied key the charts
// of final test accuracy and gap against it (sweep_charts.h) with a legend
// of their lines, and a table of every point — its values, status (pending
// ones included), the label of its run in the curves below, and its final
// figures. Every value from results.db goes through EscapeHtml.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "report/report_runs.h"

namespace runexp::cli::report {

// Empty unless input.sweep is set.
std::string SweepSection(const ReportInput& input);

}  // namespace runexp::cli::report
