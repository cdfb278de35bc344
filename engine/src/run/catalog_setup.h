// Builds the PluginCatalog a command works with: the built-in plugins, then
// the libraries in --plugin-dir folders, RUNEXP_PLUGIN_PATH, and the plugin
// folders an experiment file names (inside its own folder only).
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "plugins/plugin_catalog.h"
#include "runexp/status.h"

namespace runexp {

Status SetUpCatalog(PluginCatalog& catalog,
                    const std::vector<std::filesystem::path>& plugin_dirs,
                    const std::optional<std::filesystem::path>& experiment_file);

}  // namespace runexp
