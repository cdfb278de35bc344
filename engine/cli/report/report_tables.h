// The report's HTML sections other than the charts: the runs (who, status,
// tags), their results (final epoch and best epoch), the parameters that
// differ between them, and the provenance of each run in a collapsible
// <details> block. Every value from results.db goes through EscapeHtml.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "report/report_runs.h"

namespace runexp::cli::report {

std::string RunsSection(const ReportInput& input);
std::string ResultsSection(const ReportInput& input);
std::string ParamsSection(const ReportInput& input);
std::string ProvenanceSection(const ReportInput& input);

// A short inline SVG line sample in `colour` and the given SVG dash
// pattern ("" for solid), for legends and table rows.
std::string LineSwatch(const std::string& colour, const std::string& dasharray = "");

}  // namespace runexp::cli::report
