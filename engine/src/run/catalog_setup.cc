#include "run/catalog_setup.h"

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
  for (const auto& directory : directories) {
    if (Status status = LoadPluginDirectory(directory, catalog); !status.ok()) return status;
  }
  return Status::OK();
}

}  // namespace runexp
