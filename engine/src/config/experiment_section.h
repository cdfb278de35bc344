// The [experiment] table: name, description, seed, dsl_version, results,
// plugin_dirs (docs/dsl.md, "The [experiment] table").
//
// Thread-safety: stateless; reads the file system (plugin_dirs) and
// std::random_device (a missing seed).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "config/document.h"

namespace runexp::config {

struct ExperimentSection {
  std::string name;
  std::string description;
  int64_t seed = 0;
  bool seed_was_drawn = false;
  int64_t dsl_version = 0;
  bool version_supported = false;                  // false: the rest of the file is not checked
  std::filesystem::path results_path;              // absolute; empty when invalid
  Origin results_origin;                           // the `results` value, or the table itself
  std::vector<std::filesystem::path> plugin_dirs;  // absolute; only the valid ones
  int64_t checkpoint_every = 1;                    // see ExperimentConfig
  int64_t keep_checkpoints = 0;
};

// `table` is the [experiment] node or nullptr when the file has none; `dir`
// is the experiment file's folder. Problems go to `errors`.
ExperimentSection ReadExperimentSection(const Node* table, const std::string& file,
                                        const std::filesystem::path& dir, ErrorList& errors);

// A seed for a file that gives none: 63 random bits, so it is a valid TOML
// integer (and fits int64_t) when written back into the effective config.
int64_t DrawSeed();

}  // namespace runexp::config
