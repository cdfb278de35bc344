// --set KEY=VALUE: command-line changes applied to the document before it is
// validated, so an override gets exactly the checks (and "did you mean")
// that the same value written in the file would get.
//
// KEY is a stage id or "experiment", then a dotted path with optional array
// indexes: model.epochs, model.optimizer.learning_rate, model.layers[0].units,
// experiment.seed. VALUE is one TOML literal: 3, 0.01, true, "adam",
// [1, 2], { name = "sgd" }. Nodes set by an override carry the origin
// "--set KEY=VALUE" (line 0), so any later error about them names it.
//
// Thread-safety: stateless.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/document.h"
#include "plugins/plugin_catalog.h"

namespace runexp::config {

// One value set under a KEY, as an override does, but already parsed and
// placed: a sweep point's value written in the file's [sweep] table keeps its
// file:line:col, so an invalid value is reported there.
struct Assignment {
  std::string key;    // as for --set: model.layers[0].units
  Node value;
  Origin key_origin;  // errors about the key (unknown stage, not a table) point here
};

// Why KEY is not of the form --set accepts (nullopt when it is); checks the
// form only, not whether the stage or parameter exists.
std::optional<std::string> OverrideKeyProblem(std::string_view key);

// Applies `overrides` in order (a later one wins). The catalog supplies
// declared defaults when an override reaches into a parameter the file
// leaves out (e.g. model.optimizer.rho when `optimizer` is not written).
void ApplyOverrides(const std::vector<std::string>& overrides, Node& root,
                    const PluginCatalog& catalog, ErrorList& errors);
void ApplyAssignments(const std::vector<Assignment>& assignments, Node& root, const PluginCatalog& catalog,
                      ErrorList& errors);

}  // namespace runexp::config
