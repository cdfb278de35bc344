#include "config/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>

#include "config/canonical.h"
#include "config/document_parse.h"
#include "config/experiment_section.h"
#include "config/overrides.h"
#include "config/param_validation.h"
#include "config/results_location.h"
#include "config/stage_graph.h"
#include "config/suggest.h"

namespace runexp::config {

namespace {

struct Location {
  std::string display;         // as the user named it
  std::filesystem::path file;  // absolute
  std::filesystem::path dir;
};

Location LocationOf(const std::filesystem::path& file) {
  Location where;
  where.display = file.string();
  where.file = std::filesystem::absolute(file).lexically_normal();
  where.dir = where.file.parent_path();
  return where;
}

std::optional<std::string> ReadText(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

void CheckTopLevel(const Node& root, const Location& where, bool sweep_allowed, ErrorList& errors) {
  static const std::vector<std::string> kKnown = {"experiment", "stages", "sweep"};
  for (const Entry& entry : root.entries) {
    if (entry.key == "experiment" || entry.key == "stages" || (entry.key == "sweep" && sweep_allowed)) continue;
    if (entry.key == "sweep") {
      errors.Add(entry.key_origin, "this file declares a [sweep] of several runs: run it with `runexp sweep " +
                                       where.display + "` (`runexp run` runs one experiment)");
      continue;
    }
    std::string message = "unknown top-level key '" + entry.key + "'";
    if (std::optional<std::string> match = ClosestMatch(entry.key, kKnown)) {
      message += "; did you mean '" + *match + "'?";
    }
    errors.Add(
        entry.key_origin,
        message + " (an experiment file has an [experiment] table and [stages.<id>] tables)");
  }
}

// Plugin lookup and parameter validation of one [stages.<id>] table.
std::optional<StageDraft> ReadStage(const Entry& entry, const PluginCatalog& catalog,
                                    const std::filesystem::path& dir, ParamValue::Table& params,
                                    ErrorList& errors) {
  if (!IsBareKey(entry.key)) {
    errors.Add(entry.key_origin, "stage id '" + entry.key +
                                     "' may use only letters, digits, '_' and '-' (it is used "
                                     "in references like \"stage.port\" and in --set keys)");
  } else if (entry.key == "experiment") {
    errors.Add(entry.key_origin,
               "stage id 'experiment' is reserved (--set experiment.* "
               "changes the [experiment] table)");
  }
  if (!entry.value.is_table()) {
    errors.Add(entry.value.origin, "stages." + entry.key +
                                       " must be a table with a 'plugin' key, got " +
                                       entry.value.Describe());
    return std::nullopt;
  }
  const Entry* plugin = entry.value.Find("plugin");
  if (plugin == nullptr) {
    errors.Add(entry.value.origin, "stages." + entry.key + ": missing required key 'plugin'");
    return StageDraft{entry.key, "?", nullptr, &entry.value};
  }
  if (!plugin->value.is_string()) {
    errors.Add(plugin->value.origin, "stages." + entry.key + ": 'plugin' expects a string, got " +
                                         plugin->value.Describe());
    return StageDraft{entry.key, "?", nullptr, &entry.value};
  }
  StageDraft draft{entry.key, plugin->value.text, nullptr, &entry.value};
  draft.spec = catalog.Find(draft.plugin);
  if (draft.spec == nullptr) {
    std::vector<std::string> names = catalog.Names();
    std::string message = "unknown plugin '" + draft.plugin + "'";
    if (std::optional<std::string> match = ClosestMatch(draft.plugin, names)) {
      message += " (did you mean '" + *match + "'?)";
    }
    message += names.empty() ? "; no plugins are known" : "; known plugins: " + JoinNames(names);
    errors.Add(plugin->value.origin, std::move(message));
    return draft;
  }
  for (const ParamSpec& spec : draft.spec->params) {
    if (IsReservedStageKey(spec.name)) {
      errors.Add(entry.value.origin, "plugin '" + draft.plugin + "' declares a parameter named '" +
                                         spec.name + "', which the DSL reserves; it cannot be set");
    }
  }
  const std::size_t errors_before = errors.size();
  params = ValidateStageParams(entry.value, draft.spec->params,
                               ParamContext{entry.key, draft.plugin, dir}, errors);
  if (draft.spec->check_params && errors.size() == errors_before) {
    if (std::optional<ParamProblem> problem = draft.spec->check_params(params)) {
      const Entry* blamed = entry.value.Find(problem->param);
      errors.Add(blamed ? blamed->value.origin : entry.value.origin,
                 "stage '" + entry.key + "' (" + draft.plugin + "): parameter '" + problem->param + "': " +
                     problem->message);
    }
  }
  return draft;
}

// Errors about overrides in the order the overrides were given (they are
// found in several passes), after other positionless ones and before the file's.
std::vector<ConfigError> Ordered(const ErrorList& errors,
                                 const std::vector<std::string>& overrides) {
  std::vector<ConfigError> sorted = errors.Sorted();
  auto rank = [&](const ConfigError& error) -> size_t {
    if (error.line > 0) return overrides.size() + 1;
    for (size_t i = 0; i < overrides.size(); ++i) {
      if (error.file == "--set " + overrides[i]) return i + 1;
    }
    return 0;
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const ConfigError& a, const ConfigError& b) { return rank(a) < rank(b); });
  return sorted;
}

}  // namespace

CheckResult CheckExperimentText(std::string_view text, const std::filesystem::path& file,
                                const PluginCatalog& catalog, const LoadOptions& options) {
  CheckResult result;
  Location where = LocationOf(file);
  ParsedDocument parsed = ParseDocument(text, where.display);
  if (parsed.error) {
    result.errors.push_back(*parsed.error);
    return result;
  }
  Node& root = parsed.root;
  ErrorList errors;
  ApplyOverrides(options.overrides, root, catalog, errors);
  ApplyAssignments(options.assignments, root, catalog, errors);
  CheckTopLevel(root, where, options.sweep_table_allowed, errors);

  const Entry* experiment = root.Find("experiment");
  ExperimentSection section = ReadExperimentSection(experiment ? &experiment->value : nullptr,
                                                    where.display, where.dir, errors);
  if (!section.version_supported) {
    result.errors = Ordered(errors, options.overrides);
    return result;
  }

  std::vector<StageDraft> drafts;
  std::map<std::string, ParamValue::Table> params;
  const Entry* stages = root.Find("stages");
  if (stages == nullptr) {
    errors.Add(Origin{where.display, 1, 1}, "no stages: add at least one [stages.<id>] table");
  } else if (!stages->value.is_table()) {
    errors.Add(stages->value.origin,
               "'stages' must hold [stages.<id>] tables, got " + stages->value.Describe());
  } else if (stages->value.entries.empty()) {
    errors.Add(stages->key_origin, "no stages: add at least one [stages.<id>] table");
  } else {
    for (const Entry& entry : stages->value.entries) {
      if (auto draft = ReadStage(entry, catalog, where.dir, params[entry.key], errors)) {
        drafts.push_back(*draft);
      }
    }
  }
  StageGraph graph = CheckStageGraph(drafts, errors);

  if (options.check_results_writable && !section.results_path.empty()) {
    if (Status writable = CheckResultsLocationWritable(section.results_path); !writable.ok()) {
      errors.Add(section.results_origin, writable.message());
    }
  }
  if (!errors.empty()) {
    result.errors = Ordered(errors, options.overrides);
    return result;
  }

  ExperimentConfig& config = result.config;
  config.file = where.file;
  config.dir = where.dir;
  config.name = section.name;
  config.description = section.description;
  config.seed = section.seed;
  config.seed_was_drawn = section.seed_was_drawn;
  config.checkpoint_every = section.checkpoint_every;
  config.keep_checkpoints = section.keep_checkpoints;
  config.dsl_version = section.dsl_version;
  config.results_path = section.results_path;
  config.plugin_dirs = section.plugin_dirs;
  for (const std::string& id : graph.order) {
    const StageDraft& draft = *std::find_if(drafts.begin(), drafts.end(),
                                            [&](const StageDraft& d) { return d.id == id; });
    config.stages.push_back(StageConfig{id, draft.plugin, draft.spec, graph.inputs[id],
                                        std::move(params[id]), draft.table->origin});
  }
  FillCanonicalForms(config);
  return result;
}

CheckResult CheckExperimentFile(const std::filesystem::path& file, const PluginCatalog& catalog,
                                const LoadOptions& options) {
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) {
    CheckResult result;
    result.errors.push_back(
        ConfigError{file.string(), 0, 0, "is a folder, not an experiment file"});
    return result;
  }
  std::optional<std::string> text = ReadText(file);
  if (!text) {
    CheckResult result;
    result.errors.push_back(
        ConfigError{file.string(), 0, 0,
                    "cannot read the experiment file: " + std::string(std::strerror(errno))});
    return result;
  }
  return CheckExperimentText(*text, file, catalog, options);
}

Result<ExperimentConfig> LoadExperiment(const std::filesystem::path& file,
                                        const PluginCatalog& catalog, const LoadOptions& options) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    return Status::NotFound(file.string() + ": no such experiment file");
  }
  CheckResult checked = CheckExperimentFile(file, catalog, options);
  if (!checked.ok()) return checked.status();
  return std::move(checked.config);
}

std::vector<std::filesystem::path> PeekPluginDirs(const std::filesystem::path& file,
                                                  const LoadOptions& options) {
  std::optional<std::string> text = ReadText(file);
  if (!text) return {};
  return PeekPluginDirsInText(*text, file, options);
}

std::vector<std::filesystem::path> PeekPluginDirsInText(std::string_view text, const std::filesystem::path& file,
                                                        const LoadOptions& options) {
  Location where = LocationOf(file);
  ParsedDocument parsed = ParseDocument(text, where.display);
  if (parsed.error) return {};
  ErrorList ignored;
  PluginCatalog no_plugins;
  ApplyOverrides(options.overrides, parsed.root, no_plugins, ignored);
  const Entry* experiment = parsed.root.Find("experiment");
  if (experiment == nullptr) return {};
  return ReadExperimentSection(&experiment->value, where.display, where.dir, ignored).plugin_dirs;
}

}  // namespace runexp::config
