// PlanSweep: an experiment file with a [sweep] (and --grid, --set) -> every
// point's validated configuration, before anything runs or is written.
//
// Each point is checked exactly as `runexp run FILE --set ...` would check it,
// with the point's values applied where the file wrote them, so an invalid
// value is reported at its place in [sweep] (file:line:col) and once, however
// many points use it. A file without a seed gets one drawn here and pinned
// for every point (the points must differ only in what is swept).
//
// Thread-safety: stateless; the catalog is only read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "config/experiment_config.h"
#include "plugins/plugin_catalog.h"
#include "sweep/sweep_expand.h"

namespace runexp::sweep {

struct SweepRequest {
  std::filesystem::path experiment_file;
  std::vector<std::string> grid;       // --grid KEY=V1,V2,...
  std::vector<std::string> overrides;  // --set KEY=VALUE, for every point
  bool check_results_writable = true;  // the file's results location (false when --results replaces it)
};

struct PlannedPoint {
  int64_t index = 0;
  SweepPointValues values;
  config::ExperimentConfig config;  // validated; config_sha256 identifies the point
};

struct SweepPlan {
  std::string experiment;                // the experiment's name
  std::filesystem::path experiment_file;  // absolute
  std::filesystem::path results_path;    // the file's results database (absolute)
  std::string mode;                      // grid, random, list
  std::vector<std::string> keys;         // varied keys, in order
  std::vector<PlannedPoint> points;
  // SHA-256 over the keys and every point's config hash in order: the same
  // sweep planned again (same file, same options) has the same hash.
  std::string spec_sha256;
  std::optional<int64_t> drawn_seed;  // the file gave no seed; this one is pinned for every point
  // What every point is run with before its own values: --set, then the
  // pinned seed when one was drawn.
  std::vector<std::string> overrides;

  // The --set arguments that give point `index` exactly: overrides, then the
  // point's values ("model.epochs=3") — `runexp run FILE` with these is the
  // point run alone.
  std::vector<std::string> PointOverrides(int64_t index) const;
};

struct SweepCheck {
  SweepPlan plan;
  std::vector<config::ConfigError> errors;  // deduplicated, positionless first
  bool ok() const { return errors.empty(); }
};

SweepCheck PlanSweep(const SweepRequest& request, const PluginCatalog& catalog);

// True when the file is TOML with a top-level [sweep] table (`runexp check`
// then checks every point).
bool DeclaresSweep(const std::filesystem::path& file);

}  // namespace runexp::sweep
