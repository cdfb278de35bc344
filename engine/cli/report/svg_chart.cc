#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "report/axis_ticks.h"
#include "report/html_text.h"

namespace runexp::cli::report {

namespace {

constexpr double kWidth = 760, kHeight = 320;
constexpr double kLeft = 64, kRight = 16, kTop = 30, kBottom = 52;
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr double kPlotHeight = kHeight - kTop - kBottom;

bool Finite(const std::optional<double>& v) { return v && std::isfinite(*v); }

// Whether a point can be placed: a value, and an x the axis can show.
bool Drawable(const LineChart& chart, const ChartPoint& p) {
  return Finite(p.y) && std::isfinite(p.x) && (!chart.log_x || p.x > 0);
}

std::string Coord(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", value);
  return buffer;
}

// The data's extent: x over every point (so the axis spans all epochs even
// where a value is missing), y over the finite values only.
struct Extent {
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min;
  double y_min = x_min, y_max = -x_min;
  bool any_y = false;

  bool log_x = false;

  void AddX(double x) {
    if (!std::isfinite(x) || (log_x && x <= 0)) return;
    x_min = std::min(x_min, x);
    x_max = std::max(x_max, x);
  }
  void AddY(const std::optional<double>& y) {
    if (!Finite(y)) return;
    y_min = std::min(y_min, *y);
    y_max = std::max(y_max, *y);
    any_y = true;
  }
};

Extent MeasureExtent(const LineChart& chart) {
  Extent e;
  e.log_x = chart.log_x;
  for (const ChartSeries& s : chart.series) {
    for (const ChartPoint& p : s.points) {
      e.AddX(p.x);
      e.AddY(p.y);
    }
  }
  for (const ChartBand& band : chart.bands) {
    for (const ChartBand::Sample& s : band.samples) {
      e.AddX(s.x);
      e.AddY(s.a);
      e.AddY(s.b);
    }
  }
  if (e.x_min > e.x_max) e.x_min = e.x_max = 0;
  return e;
}

class Frame {
 public:
  Frame(Axis x, Axis y) : x_(std::move(x)), y_(std::move(y)) {}
  const Axis& x_axis() const { return x_; }
  const Axis& y_axis() const { return y_; }
  // A data value's position (on a log axis, the value's log).
  double X(double x) const { return AxisX(x_.log ? std::log10(x) : x); }
  // A position in the axis's own units: its ticks.
  double AxisX(double t) const { return kLeft + (t - x_.lo) / (x_.hi - x_.lo) * kPlotWidth; }
  double Y(double y) const { return kTop + (y_.hi - y) / (y_.hi - y_.lo) * kPlotHeight; }

 private:
  Axis x_, y_;
};

void AppendAxes(std::string& out, const LineChart& chart, const Frame& f) {
  const double bottom = kTop + kPlotHeight, right = kLeft + kPlotWidth;
  out += "<g class=\"grid\">";
  for (double t : f.y_axis().ticks) {
    out += "<line x1=\"" + Coord(kLeft) + "\" x2=\"" + Coord(right) + "\" y1=\"" + Coord(f.Y(t)) + "\" y2=\"" +
           Coord(f.Y(t)) + "\"/>";
  }
  out += "</g><g class=\"axis\">";
  out += "<line x1=\"" + Coord(kLeft) + "\" x2=\"" + Coord(right) + "\" y1=\"" + Coord(bottom) + "\" y2=\"" +
         Coord(bottom) + "\"/>";
  out += "<line x1=\"" + Coord(kLeft) + "\" x2=\"" + Coord(kLeft) + "\" y1=\"" + Coord(kTop) + "\" y2=\"" +
         Coord(bottom) + "\"/>";
  const std::vector<double>& x_ticks = f.x_axis().ticks;
  for (size_t i = 0; i < x_ticks.size(); ++i) {
    std::string x = Coord(f.AxisX(x_ticks[i]));
    std::string label = i < chart.x_categories.size() ? chart.x_categories[i] : TickLabel(f.x_axis(), x_ticks[i]);
    out += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + Coord(bottom) + "\" y2=\"" + Coord(bottom + 5) + "\"/>";
    out += "<text class=\"tick x\" x=\"" + x + "\" y=\"" + Coord(bottom + 18) + "\">" + EscapeHtml(label) + "</text>";
  }
  for (double t : f.y_axis().ticks) {
    std::string y = Coord(f.Y(t));
    out += "<line x1=\"" + Coord(kLeft - 5) + "\" x2=\"" + Coord(kLeft) + "\" y1=\"" + y + "\" y2=\"" + y + "\"/>";
    out += "<text class=\"tick y\" x=\"" + Coord(kLeft - 8) + "\" y=\"" + y + "\">" +
           EscapeHtml(TickLabel(f.y_axis(), t)) + "</text>";
  }
  out += "</g>";
  out += "<text class=\"label x\" x=\"" + Coord(kLeft + kPlotWidth / 2) + "\" y=\"" + Coord(kHeight - 8) + "\">" +
         EscapeHtml(chart.x_label) + "</text>";
  out += "<text class=\"label y\" transform=\"translate(16 " + Coord(kTop + kPlotHeight / 2) +
         ") rotate(-90)\">" + EscapeHtml(chart.y_label) + "</text>";
  out += "<text class=\"title\" x=\"" + Coord(kLeft) + "\" y=\"18\">" + EscapeHtml(chart.title) + "</text>";
}

// One polygon per run of consecutive samples where both curves have a value.
void AppendBand(std::string& out, const ChartBand& band, const Frame& f) {
  std::vector<const ChartBand::Sample*> stretch;
  auto flush = [&]() {
    if (stretch.size() >= 2) {
      std::string points;
      for (const ChartBand::Sample* s : stretch) points += Coord(f.X(s->x)) + "," + Coord(f.Y(*s->a)) + " ";
      for (auto it = stretch.rbegin(); it != stretch.rend(); ++it) {
        points += Coord(f.X((*it)->x)) + "," + Coord(f.Y(*(*it)->b)) + " ";
      }
      points.pop_back();
      out += "<polygon class=\"band\" data-run=\"" + EscapeHtml(band.run) + "\" fill=\"" +
             EscapeHtml(band.colour) + "\" points=\"" + points + "\"><title>" + EscapeHtml(band.title) +
             "</title></polygon>";
    }
    stretch.clear();
  };
  for (const ChartBand::Sample& s : band.samples) {
    if (Finite(s.a) && Finite(s.b)) stretch.push_back(&s);
    else flush();
  }
  flush();
}

const char* DashArray(LineStyle style) {
  switch (style) {
    case LineStyle::kDashed: return " stroke-dasharray=\"7 4\"";
    case LineStyle::kDotted: return " stroke-dasharray=\"2 3\"";
    case LineStyle::kSolid: break;
  }
  return "";
}

// A point's x as data-x and its tooltip show it: the category's name, or
// the value itself (a tick label would round 0.0015 to 0.002).
std::string XText(const LineChart& chart, const Frame& f, double x) {
  if (!chart.x_categories.empty()) {
    long long index = std::llround(x);
    bool known = index >= 0 && static_cast<size_t>(index) < chart.x_categories.size();
    return known ? chart.x_categories[static_cast<size_t>(index)] : std::string();
  }
  if (chart.integer_x) return TickLabel(f.x_axis(), x);
  return FormatSignificant(x, 6);
}

void AppendSeries(std::string& out, const LineChart& chart, const ChartSeries& s, const Frame& f) {
  size_t drawn = 0;
  for (const ChartPoint& p : s.points) drawn += Drawable(chart, p);
  if (drawn == 0) return;  // nothing to show; an empty group would only confuse counts
  const std::string run = EscapeHtml(s.run), name = EscapeHtml(s.name), colour = EscapeHtml(s.colour);
  out += "<g class=\"series\" data-run=\"" + run + "\" data-series=\"" + name + "\">";
  // The line, one subpath per stretch of consecutive values: broken wherever
  // a value is missing, and absent for a lone value (its marker shows it).
  std::string d, stretch;
  size_t in_stretch = 0;
  auto flush = [&]() {
    if (in_stretch >= 2) d += (d.empty() ? "" : " ") + stretch;
    stretch.clear();
    in_stretch = 0;
  };
  for (const ChartPoint& p : s.points) {
    if (!Drawable(chart, p)) {
      flush();
      continue;
    }
    stretch += (in_stretch++ == 0 ? "M" : " L") + Coord(f.X(p.x)) + " " + Coord(f.Y(*p.y));
  }
  flush();
  if (!d.empty() && chart.connect_points) {
    out += "<path class=\"line\" fill=\"none\" stroke=\"" + colour + "\"" + DashArray(s.style) + " d=\"" + d +
           "\"/>";
  }
  for (const ChartPoint& p : s.points) {
    if (!Drawable(chart, p)) continue;
    std::string x_text = XText(chart, f, p.x);
    std::string y_text = FormatSignificant(*p.y, 4);
    out += "<circle class=\"point\" cx=\"" + Coord(f.X(p.x)) + "\" cy=\"" + Coord(f.Y(*p.y)) + "\" r=\"3\"" +
           " stroke=\"" + colour + "\" fill=\"" + (s.hollow ? std::string("#fff") : colour) + "\"" +
           " data-run=\"" + run + "\" data-series=\"" + name + "\" data-x=\"" + EscapeHtml(x_text) +
           "\" data-value=\"" + EscapeHtml(y_text) + "\"><title>" +
           EscapeHtml(s.title + ", " + chart.x_label + " " + x_text + ": " + y_text) + "</title></circle>";
  }
  out += "</g>";
}

}  // namespace

std::string RenderSvgChart(const LineChart& chart) {
  Extent e = MeasureExtent(chart);
  Axis x_axis = !chart.x_categories.empty() ? CategoryAxis(chart.x_categories.size())
                : chart.log_x                  ? LogAxis(e.x_min, e.x_max)
                                               : NiceAxis(e.x_min, e.x_max, 8, chart.integer_x);
  Axis y_axis = e.any_y ? NiceAxis(e.y_min, e.y_max, 6) : NiceAxis(0, 1, 6);
  Frame frame(std::move(x_axis), std::move(y_axis));

  const std::string id = EscapeHtml(chart.id);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"" + id +
                    "\" viewBox=\"0 0 760 320\" width=\"760\" height=\"320\" role=\"img\" aria-labelledby=\"" +
                    id + "-title\"><title id=\"" + id + "-title\">" + EscapeHtml(chart.title) + "</title>";
  AppendAxes(out, chart, frame);
  for (const ChartBand& band : chart.bands) AppendBand(out, band, frame);
  for (const ChartSeries& s : chart.series) AppendSeries(out, chart, s, frame);
  if (!e.any_y) {
    out += "<text class=\"empty\" x=\"" + Coord(kLeft + kPlotWidth / 2) + "\" y=\"" + Coord(kTop + kPlotHeight / 2) +
           "\">no values recorded</text>";
  }
  out += "</svg>";
  return out;
}

}  // namespace runexp::cli::report
