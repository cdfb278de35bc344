#include "run/catalog_setup.h"

#include <set>

#include "config/loader.h"
#include "plugins/plugin_loader.h"

namespace runexp {

Status SetUpCatalog(PluginCatalog& catalog,
                    const std::vector<std::filesystem::path>& plugin_dirs,
                    const std::optional<std::filesystem::path>& experiment_file) {
  RegisterBuiltinPlugins(catalog);
  std::vector<std::filesystem::path> directories = plugin_dirs;
  for (const auto& directory : PluginPathFromEnvironment()) directories.push_back(directory);
  if (experiment_file) {
    for (const auto& directory : config::PeekPluginDirs(*experiment_file)) {
      directories.push_back(directory);
    }
  }
  // The same folder named twice (--plugin-dir and RUNEXP_PLUGIN_PATH, or
  // "build" and "./build/") is loaded once.
  std::set<std::filesystem::path> loaded;
  for (const auto& directory : directories) {
    std::error_code error;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(directory, error);
    if (!error && !loaded.insert(canonical).second) continue;
    if (Status status = LoadPluginDirectory(directory, catalog); !status.ok()) return status;
  }
  return Status::OK();
}

}  // namespace runexp
