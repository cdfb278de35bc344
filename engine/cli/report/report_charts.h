// The report's two charts — accuracy and loss per epoch, every run in its
// colour: train solid with filled markers, test dashed with hollow markers,
// validation (when recorded) dotted, and on the accuracy chart the gap
// between train and test accuracy shaded — plus the notes that explain what
// a chart cannot show (values missing because they were NaN, runs with no
// epochs, runs still running or failed).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "report/report_runs.h"
#include "report/svg_chart.h"

namespace runexp::cli::report {

enum class Measure { kAccuracy, kLoss };

LineChart MeasureChart(const ReportInput& input, Measure measure);

// Plain-text sentences (not yet escaped), one per fact worth knowing.
std::vector<std::string> ChartNotes(const ReportInput& input);

}  // namespace runexp::cli::report
