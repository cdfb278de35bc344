// Loading plugins from shared libraries.
//
// A plugin directory is searched for *.so files; each is dlopen'ed, its API
// version checked (runexp_plugin_api_version() == kPluginApiVersion), and its
// runexp_plugin_register() called with the catalog. Loading a library runs
// its code: only directories the user named are searched (--plugin-dir,
// RUNEXP_PLUGIN_PATH, or the experiment file's own folder).
// Libraries stay loaded for the life of the process. Not thread-safe: call
// during start-up.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plugins/plugin_catalog.h"
#include "runexp/status.h"

namespace runexp {

// Loads one library. Errors name the file and say what is wrong.
Status LoadPluginLibrary(const std::filesystem::path& library, PluginCatalog& catalog);

// Loads every *.so directly inside `directory` (sorted by name, so the order
// never depends on the file system). A missing directory is an error.
Status LoadPluginDirectory(const std::filesystem::path& directory, PluginCatalog& catalog);

// The directories of RUNEXP_PLUGIN_PATH (colon-separated; empty entries skipped).
std::vector<std::filesystem::path> PluginPathFromEnvironment();

}  // namespace runexp
