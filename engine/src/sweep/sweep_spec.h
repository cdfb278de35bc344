// SweepSpec: which parameter values a sweep runs, as declared in the
// experiment file's [sweep] table and by `runexp sweep --grid KEY=V1,V2,...`.
//
//   [sweep]
//   "model.layers[0].units" = [64, 256, 1024]      # one axis per key: --set keys,
//   model.optimizer.learning_rate = [1e-3, 3e-4]   # quoted or as dotted TOML keys
//
// Modes: the grid product of the axes (default); `samples = N` draws N
// distinct grid points at random (seeded: `sample_seed`, else the experiment
// seed); `points = [{ "model.epochs" = 1, ... }, ...]` lists the combinations
// explicitly. docs/sweeps.md describes the table.
//
// Parsing checks the form only (keys look like --set keys, values are
// non-empty arrays); whether a value suits its parameter is checked later by
// loading every point (sweep_plan.h). Plain values; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "config/document.h"
#include "config/overrides.h"

namespace runexp::sweep {

struct SweepAxis {
  std::string key;                   // --set form: model.layers[0].units
  config::Origin key_origin;
  std::vector<config::Node> values;  // each keeps where it was written
};

struct SweepSpec {
  std::string mode = "grid";  // "grid", "random" (samples > 0) or "list" (points)
  std::vector<SweepAxis> axes;                               // grid and random
  std::vector<std::vector<config::Assignment>> listed_points;  // list
  int64_t samples = 0;
  std::optional<int64_t> sample_seed;
  config::Origin origin;  // the [sweep] table, for errors about the whole sweep

  // The varied keys in order (axes, or every key of the listed points in
  // order of first appearance).
  std::vector<std::string> Keys() const;
};

// The [sweep] table of a document. Errors are added with their file:line:col.
SweepSpec ParseSweepTable(const config::Node& table, config::ErrorList& errors);

// `--grid KEY=V1,V2,...`: the values are TOML literals separated by commas
// (read as the TOML array "[V1,V2,...]", so "a,b" in quotes and [1,2] work).
// The axis replaces the file's axis of the same key, or is added after them.
void AddGridOption(const std::string& text, SweepSpec& spec, config::ErrorList& errors);

// A sweep over no axis and no point is an error; so is a key that is also
// given to --set (which value would win?).
void CheckSweepComplete(const SweepSpec& spec, const std::vector<std::string>& set_overrides,
                        const std::string& file, config::ErrorList& errors);

}  // namespace runexp::sweep
