// ExperimentConfig: an experiment file after `runexp check` — every value
// validated against the plugins' declarations, defaults filled in, paths
// absolute, overrides applied, the seed fixed, the stages in a deterministic
// topological order — plus its canonical TOML text and hash.
//
// Plain values, immutable once built; safe to read from many threads. The
// PluginSpec pointers belong to the PluginCatalog the config was checked
// against, which must outlive it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/document.h"
#include "graph/graph_plan.h"
#include "runexp/param_value.h"
#include "runexp/plugin_spec.h"

namespace runexp::config {

inline constexpr int64_t kDslVersion = 1;

struct StageConfig {
  std::string id;
  std::string plugin;
  const PluginSpec* spec = nullptr;
  std::vector<Connection> inputs;  // one per connected input port, sorted by port name
  ParamValue::Table params;        // effective: validated, defaults filled, paths absolute
  Origin origin;                   // where the stage's table was written
};

// One effective value under a dotted key: ("model.layers[0].units", "512",
// "integer"). Strings are given unquoted; an empty array or table appears as
// one entry with text "[]" / "{}" and type "array" / "table".
struct FlatParam {
  std::string key;
  std::string value;
  std::string type;  // "integer", "float", "boolean", "string", "array", "table"

  bool operator==(const FlatParam&) const = default;
};

struct ExperimentConfig {
  std::filesystem::path file;  // absolute
  std::filesystem::path dir;   // the folder relative paths are resolved against
  std::string name;
  std::string description;
  int64_t seed = 0;
  bool seed_was_drawn = false;  // the file gave none: drawn from std::random_device
  int64_t dsl_version = kDslVersion;
  std::filesystem::path results_path;              // absolute
  std::vector<std::filesystem::path> plugin_dirs;  // absolute, inside `dir`
  // A checkpoint after every checkpoint_every-th epoch (0: only after the
  // last); the final model is always saved. keep_checkpoints > 0 deletes all
  // but that many most recent files (0 keeps them all).
  int64_t checkpoint_every = 1;
  int64_t keep_checkpoints = 0;
  std::vector<StageConfig> stages;                 // producers before consumers

  // Canonical text of everything above that defines the run (keys sorted,
  // defaults and seed filled in, paths absolute); loading it again gives the
  // same configuration. config_sha256 is its SHA-256 in hex.
  std::string effective_toml;
  std::string config_sha256;
  // "experiment.*", then each stage's parameters (stages by id, keys by name,
  // array items by index).
  std::vector<FlatParam> flat_params;

  const StageConfig* FindStage(std::string_view id) const;
};

// What GraphRunner needs (graph/graph_plan.h), stages in the config's order.
GraphPlan ToGraphPlan(const ExperimentConfig& config);

}  // namespace runexp::config
