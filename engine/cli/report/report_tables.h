// The report's HTML sections other than the charts: the runs (who, status,
// tags), their results (final epoch and best epoch), the parameters that
// differ between them, and the provenance of each run in a collapsible
// <details> block. Every value from results.db goes through EscapeHtml.
// Also the pieces other sections share: line swatches and lists of notes.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "report/report_runs.h"

namespace runexp::cli::report {

std::string RunsSection(const ReportInput& input);
std::string ResultsSection(const ReportInput& input);
std::string ParamsSection(const ReportInput& input);
std::string ProvenanceSection(const ReportInput& input);

// A short inline SVG line sample in `colour` and the given SVG dash
// pattern ("" for solid), for legends and table rows.
std::string LineSwatch(const std::string& colour, const std::string& dasharray = "");

// Plain-text notes (escaped here) as a bulleted list; "" when there are none.
std::string NoteList(const std::vector<std::string>& notes);

}  // namespace runexp::cli::report
