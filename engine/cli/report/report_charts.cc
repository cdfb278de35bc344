#include "report/report_charts.h"

#include <cmath>
#include <optional>

#include "report/run_style.h"

namespace runexp::cli::report {

namespace {

using Getter = std::optional<double> store::EpochMetrics::*;

ChartSeries EpochSeries(const std::string& label, size_t index, const ReportRun& run, Getter field,
                        const std::string& name, const std::string& what, LineStyle style, bool hollow) {
  ChartSeries series{label, name, label + " " + what, RunColour(index), style, hollow, {}};
  for (const store::EpochMetrics& e : run.details.epochs) {
    series.points.push_back({static_cast<double>(e.epoch), e.*field});
  }
  return series;
}

ChartSeries ValidationSeries(const std::string& label, size_t index, const ReportRun& run, Measure measure) {
  bool accuracy = measure == Measure::kAccuracy;
  ChartSeries series{label, accuracy ? "val_accuracy" : "val_loss",
                     label + (accuracy ? " validation accuracy" : " validation loss"), RunColour(index),
                     LineStyle::kDotted, true, {}};
  for (const ValidationEpoch& v : run.validation) {
    series.points.push_back({static_cast<double>(v.epoch), accuracy ? v.accuracy : v.loss});
  }
  return series;
}

bool Missing(const std::optional<double>& value) { return !value || !std::isfinite(*value); }

std::string DisplayName(const ReportRun& run, const std::string& label) {
  const store::RunRecord& r = run.details.run;
  return label + " (" + (r.name ? *r.name + ", " : std::string()) + r.run_id + ")";
}

// "test loss at epochs 3, 4, 5" for the epochs whose value is missing.
std::optional<std::string> MissingEpochs(const ReportRun& run, Getter field, const std::string& what) {
  std::string epochs;
  size_t count = 0;
  for (const store::EpochMetrics& e : run.details.epochs) {
    if (!Missing(e.*field)) continue;
    epochs += (count++ == 0 ? "" : ", ") + std::to_string(e.epoch);
  }
  if (count == 0) return std::nullopt;
  return what + " at epoch" + (count == 1 ? " " : "s ") + epochs;
}

}  // namespace

LineChart MeasureChart(const ReportInput& input, Measure measure) {
  bool accuracy = measure == Measure::kAccuracy;
  LineChart chart;
  chart.id = accuracy ? "accuracy" : "loss";
  chart.title = accuracy ? "Accuracy per epoch" : "Loss per epoch";
  chart.x_label = "epoch";
  chart.y_label = accuracy ? "accuracy" : "loss";
  chart.integer_x = true;
  for (size_t i = 0; i < input.runs.size(); ++i) {
    const ReportRun& run = input.runs[i];
    const std::string label = RunLabel(i);
    if (accuracy) {
      ChartBand gap{label, label + ": gap between train and test accuracy", RunColour(i), {}};
      for (const store::EpochMetrics& e : run.details.epochs) {
        gap.samples.push_back({static_cast<double>(e.epoch), e.train_accuracy, e.test_accuracy});
      }
      chart.bands.push_back(std::move(gap));
    }
    Getter train = accuracy ? &store::EpochMetrics::train_accuracy : &store::EpochMetrics::train_loss;
    Getter test = accuracy ? &store::EpochMetrics::test_accuracy : &store::EpochMetrics::test_loss;
    chart.series.push_back(EpochSeries(label, i, run, train, accuracy ? "train_accuracy" : "train_loss",
                                       accuracy ? "train accuracy" : "train loss", LineStyle::kSolid, false));
    chart.series.push_back(EpochSeries(label, i, run, test, accuracy ? "test_accuracy" : "test_loss",
                                       accuracy ? "test accuracy" : "test loss", LineStyle::kDashed, true));
    if (!run.validation.empty()) chart.series.push_back(ValidationSeries(label, i, run, measure));
  }
  return chart;
}

std::vector<std::string> ChartNotes(const ReportInput& input) {
  std::vector<std::string> notes;
  for (size_t i = 0; i < input.runs.size(); ++i) {
    const ReportRun& run = input.runs[i];
    const store::RunRecord& r = run.details.run;
    const store::RunSummary& s = run.details.summary;
    const std::string who = DisplayName(run, RunLabel(i));
    const std::string epochs = std::to_string(s.epochs) + (s.epochs == 1 ? " epoch" : " epochs");
    switch (r.status) {
      case store::RunStatus::kRunning:
        notes.push_back(who + " is still running: " + epochs +
                        (s.config_epochs ? " of " + std::to_string(*s.config_epochs) : std::string()) +
                        " recorded when this report was written.");
        break;
      case store::RunStatus::kFailed:
      case store::RunStatus::kInterrupted:
        notes.push_back(who + " " + std::string(store::RunStatusName(r.status)) +
                        (s.epochs == 0 ? " before recording an epoch" : " after " + epochs) +
                        (r.error ? ": " + *r.error : std::string(".")));
        break;
      case store::RunStatus::kCompleted: break;
    }
    if (run.details.epochs.empty()) {
      notes.push_back(who + " recorded no epochs, so it has no curves; it is listed in the tables.");
    } else if (run.details.epochs.size() == 1) {
      notes.push_back(who + " recorded one epoch: its values are single points.");
    }
    std::vector<std::string> gaps;
    const std::pair<Getter, const char*> fields[] = {{&store::EpochMetrics::train_accuracy, "train accuracy"},
                                                     {&store::EpochMetrics::test_accuracy, "test accuracy"},
                                                     {&store::EpochMetrics::train_loss, "train loss"},
                                                     {&store::EpochMetrics::test_loss, "test loss"}};
    for (const auto& [field, what] : fields) {
      if (std::optional<std::string> gap = MissingEpochs(run, field, what)) gaps.push_back(*gap);
    }
    if (!gaps.empty()) {
      std::string text = who + " has no value (NaN, infinite or not recorded) for ";
      for (size_t g = 0; g < gaps.size(); ++g) text += (g == 0 ? "" : "; ") + gaps[g];
      notes.push_back(text + ": its lines break there.");
    }
  }
  if (input.runs.size() > kRunColours.size()) {
    notes.push_back("More than " + std::to_string(kRunColours.size()) +
                    " runs: colours repeat; the labels tell the runs apart.");
  }
  return notes;
}

}  // namespace runexp::cli::report
