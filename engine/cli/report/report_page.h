// The whole report as one self-contained HTML document: inline CSS and
// inline SVG only — no scripts, fonts, images or links to fetch — so the
// file can be mailed, archived or opened offline and shows the same thing.
// It is also well-formed XHTML (see html_text.h), which the browser test
// checks with Chromium's XML parser.
//
// Layout, top to bottom: title; for a sweep, its section (sweep_section.h);
// legend (run colours, line styles); accuracy chart with the train/test gap
// shaded; loss chart; notes on what the charts cannot show; runs; results
// (final and best epoch); parameters that differ; provenance (collapsed).
// Readable from 800 px wide: the charts scale with the page and wide tables
// scroll sideways.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "report/report_runs.h"

namespace runexp::cli::report {

std::string RenderReportPage(const ReportInput& input);

}  // namespace runexp::cli::report
