// A document value as one line of text: inline TOML for labels and point
// files' comments (64, 0.001, "adam", [1, 2], { name = "sgd" }) and JSON for
// results.db (sweep_points.assignments).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "config/document.h"
#include "config/overrides.h"

namespace runexp::sweep {

std::string NodeText(const config::Node& node);
std::string NodeJson(const config::Node& node);

// {"model.epochs": 3, "model.optimizer.name": "sgd"}, keys in the given order.
std::string AssignmentsJson(const std::vector<config::Assignment>& assignments);
// model.epochs=3 model.optimizer.name="sgd"
std::string AssignmentsText(const std::vector<config::Assignment>& assignments);

}  // namespace runexp::sweep
