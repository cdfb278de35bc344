// The experiment-file loader and validator behind `runexp check` and the
// start of `runexp run`: TOML text + --set overrides + a PluginCatalog -> a
// validated ExperimentConfig, or every error found, each one line
// "FILE:LINE:COL: message". Nothing is executed and nothing is written.
//
// Order of work: parse (one error and stop if the TOML is malformed), apply
// overrides, check [experiment] (stop if dsl_version is unsupported), check
// each stage's plugin and parameters, the wiring, and the results location.
// The DSL is documented in docs/dsl.md.
//
// Thread-safety: stateless; the catalog is only read.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/experiment_config.h"
#include "config/overrides.h"
#include "plugins/plugin_catalog.h"
#include "runexp/status.h"

namespace runexp::config {

struct LoadOptions {
  std::vector<std::string> overrides;  // "KEY=VALUE" from --set, applied in order
  std::vector<Assignment> assignments;  // a sweep point's values, applied after the overrides
  // A [sweep] table is only for `runexp sweep`, which sets this and passes
  // each point as `assignments`; otherwise the table is an error that says so.
  bool sweep_table_allowed = false;
  bool check_results_writable = true;
};

struct CheckResult {
  ExperimentConfig config;  // complete only when `errors` is empty
  // Errors without a position first (those about overrides in command-line
  // order), then the file's in line:column order.
  std::vector<ConfigError> errors;

  bool ok() const { return errors.empty(); }
  // kInvalidArgument with one line per error; OK when there is none.
  Status status() const { return ConfigErrorsToStatus(errors); }
};

// `file` is the experiment file's path as the user gave it: errors name it
// like that, relative paths resolve against its folder, and it need not
// exist (the text is given).
CheckResult CheckExperimentText(std::string_view text, const std::filesystem::path& file,
                                const PluginCatalog& catalog, const LoadOptions& options = {});

// Reads `file` first; a file that cannot be read is one error without position.
CheckResult CheckExperimentFile(const std::filesystem::path& file, const PluginCatalog& catalog,
                                const LoadOptions& options = {});

// CheckExperimentFile as a Result: kNotFound if the file cannot be read,
// kInvalidArgument carrying every error line if it is invalid.
Result<ExperimentConfig> LoadExperiment(const std::filesystem::path& file,
                                        const PluginCatalog& catalog,
                                        const LoadOptions& options = {});

// The plugin folders a file asks for (absolute, only those that pass the
// checks), so the caller can load their libraries into the catalog before
// the full check. Problems are not reported here: the full check does that.
std::vector<std::filesystem::path> PeekPluginDirs(const std::filesystem::path& file,
                                                  const LoadOptions& options = {});
// The same for text given in memory (a run's recorded configuration).
std::vector<std::filesystem::path> PeekPluginDirsInText(std::string_view text, const std::filesystem::path& file,
                                                        const LoadOptions& options = {});

}  // namespace runexp::config
