// The canonical forms of a validated experiment: the effective TOML (keys
// sorted, defaults, seed and overrides in, paths absolute, inputs in long
// form), its SHA-256, and every value flattened to a dotted key for
// results.db. Two files that differ only in key order, whitespace, comments
// or shorthand get the same text and hash.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "config/experiment_config.h"

namespace runexp::config {

// Uses everything in `config` except the three fields it computes.
std::string EffectiveToml(const ExperimentConfig& config);
std::vector<FlatParam> FlattenParams(const ExperimentConfig& config);

// Sets effective_toml, config_sha256 and flat_params.
void FillCanonicalForms(ExperimentConfig& config);

}  // namespace runexp::config
