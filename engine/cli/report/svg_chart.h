// One line chart as inline SVG, for the HTML report: series of (x, y)
// points drawn as lines with a marker per point, shaded bands between two
// curves, axes with ticks, tick labels and axis titles, horizontal grid.
// The x axis is linear, logarithmic or a list of named categories.
// It knows nothing about runs or metrics; report_page.cc decides what to
// draw.
//
// Every point marker is a <circle class="point"> carrying data-run,
// data-series, data-x and data-value attributes and a <title> (the
// browser's tooltip), so tests — and users' scripts — can find and count
// the points of a rendered page. A missing or non-finite y (a NaN metric,
// an epoch not recorded) draws no marker and breaks the line there, rather
// than drawing a fake value. The output is well-formed XML.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace runexp::cli::report {

enum class LineStyle { kSolid, kDashed, kDotted };

struct ChartPoint {
  double x = 0;
  std::optional<double> y;  // nullopt (or NaN, ±inf): no value here
};

struct ChartSeries {
  std::string run;     // data-run, e.g. "A"
  std::string name;    // data-series, e.g. "test_accuracy"
  std::string title;   // tooltip, e.g. "A test accuracy"; the point's x and y are appended
  std::string colour;  // a CSS colour
  LineStyle style = LineStyle::kSolid;
  bool hollow = false;  // markers as rings rather than discs
  std::vector<ChartPoint> points;  // in increasing x
};

// The area between two curves sampled at the same x values, shaded where
// both have a value; e.g. the train/test accuracy gap of one run.
struct ChartBand {
  struct Sample {
    double x = 0;
    std::optional<double> a, b;
  };
  std::string run;  // data-run
  std::string title;
  std::string colour;
  std::vector<Sample> samples;  // in increasing x
};

struct LineChart {
  std::string id;  // data-chart attribute and the prefix of element ids
  std::string title;
  std::string x_label, y_label;
  bool integer_x = false;  // x ticks at whole numbers only (epochs)
  bool log_x = false;      // x on a log scale; points with x <= 0 are not drawn
  // Non-empty: x is an index into these, and each is a tick labelled with
  // its name (and the data-x of its points).
  std::vector<std::string> x_categories;
  // false: markers only, for points whose order along x means nothing.
  bool connect_points = true;
  std::vector<ChartBand> bands;  // drawn first, under the lines
  std::vector<ChartSeries> series;
};

// Drawn at 760 × 320 user units; the SVG scales with its container (CSS
// width: 100%), keeping its aspect ratio.
std::string RenderSvgChart(const LineChart& chart);

}  // namespace runexp::cli::report
