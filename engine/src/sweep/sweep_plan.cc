#include "sweep/sweep_plan.h"

#include <fstream>
#include <map>
#include <sstream>

#include "config/document_parse.h"
#include "config/loader.h"
#include "runexp/sha256.h"
#include "sweep/node_text.h"

namespace runexp::sweep {

namespace {

using config::ConfigError;
using config::ErrorList;

void AddAll(const std::vector<ConfigError>& found, ErrorList& errors) {
  for (const ConfigError& error : found) errors.Add(error);
}

std::string KeysJson(const std::vector<std::string>& keys) {
  std::string out = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    config::Node key;
    key.kind = config::Node::Kind::kString;
    key.text = keys[i];
    out += (i ? ", " : "") + NodeJson(key);
  }
  return out + "]";
}

// The sweep as the file and the options declare it.
SweepSpec ReadSpec(const config::Node& root, const SweepRequest& request, const std::string& display,
                   ErrorList& errors) {
  SweepSpec spec;
  spec.origin = config::Origin{display, 0, 0};
  if (const config::Entry* table = root.Find("sweep")) spec = ParseSweepTable(table->value, errors);
  for (const std::string& grid : request.grid) AddGridOption(grid, spec, errors);
  CheckSweepComplete(spec, request.overrides, display, errors);
  return spec;
}

std::optional<std::string> ReadText(const std::filesystem::path& file) {
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return std::nullopt;
  return text.str();
}

}  // namespace

std::vector<std::string> SweepPlan::PointOverrides(int64_t index) const {
  std::vector<std::string> all = overrides;
  for (const config::Assignment& value : points.at(static_cast<size_t>(index)).values) {
    all.push_back(value.key + "=" + NodeText(value.value));
  }
  return all;
}

bool DeclaresSweep(const std::filesystem::path& file) {
  std::optional<std::string> text = ReadText(file);
  if (!text) return false;
  config::ParsedDocument parsed = config::ParseDocument(*text, file.string());
  return !parsed.error && parsed.root.Find("sweep") != nullptr;
}

SweepCheck PlanSweep(const SweepRequest& request, const PluginCatalog& catalog) {
  SweepCheck check;
  const std::string display = request.experiment_file.string();
  std::optional<std::string> read = ReadText(request.experiment_file);
  if (!read) {
    check.errors.push_back(ConfigError{display, 0, 0, "cannot read the experiment file"});
    return check;
  }
  const std::string& text = *read;
  config::ParsedDocument parsed = config::ParseDocument(text, display);
  if (parsed.error) {
    check.errors.push_back(*parsed.error);
    return check;
  }

  ErrorList errors;
  SweepSpec spec = ReadSpec(parsed.root, request, display, errors);
  config::LoadOptions options;
  options.overrides = request.overrides;
  options.sweep_table_allowed = true;
  options.check_results_writable = request.check_results_writable;
  // The file without its sweep first: its errors would otherwise repeat for every point.
  config::CheckResult base = config::CheckExperimentText(text, request.experiment_file, catalog, options);
  AddAll(base.errors, errors);
  // A mistake in one axis still lets the others' values be checked, so one
  // `runexp sweep` reports every problem; the file's own errors would only repeat.
  if (!base.ok() || (spec.axes.empty() && spec.listed_points.empty())) {
    check.errors = errors.Sorted();
    return check;
  }
  SweepPlan& plan = check.plan;
  plan.experiment = base.config.name;
  plan.experiment_file = base.config.file;
  plan.results_path = base.config.results_path;
  plan.mode = spec.mode;
  plan.keys = spec.Keys();
  if (base.config.seed_was_drawn) {
    plan.drawn_seed = base.config.seed;
    options.overrides.push_back("experiment.seed=" + std::to_string(base.config.seed));
  }
  plan.overrides = options.overrides;

  std::vector<SweepPointValues> points = ExpandSweep(spec, base.config.seed, errors);
  std::map<std::string, int64_t> point_of_config;
  std::string spec_text = KeysJson(plan.keys) + "\n";
  for (size_t i = 0; i < points.size(); ++i) {
    options.assignments = points[i];
    config::CheckResult checked = config::CheckExperimentText(text, request.experiment_file, catalog, options);
    if (!checked.ok()) {
      AddAll(checked.errors, errors);
      continue;
    }
    const int64_t index = static_cast<int64_t>(i);
    if (checked.config.results_path != plan.results_path) {
      errors.Add(points[i].front().key_origin, "experiment.results cannot vary within a sweep");
    }
    auto [same, inserted] = point_of_config.emplace(checked.config.config_sha256, index);
    if (!inserted) {
      errors.Add(config::Origin{display, 0, 0},
                 "sweep points " + std::to_string(same->second) + " (" + AssignmentsText(points[same->second]) +
                     ") and " + std::to_string(index) + " (" + AssignmentsText(points[i]) +
                     ") give the same configuration");
    }
    spec_text += checked.config.config_sha256 + "\n";
    plan.points.push_back(PlannedPoint{index, points[i], std::move(checked.config)});
  }
  if (!errors.empty()) {
    check.errors = errors.Sorted();
    check.plan.points.clear();
    return check;
  }
  plan.spec_sha256 = Sha256Hex(spec_text);
  return check;
}

}  // namespace runexp::sweep
