#include "plugins/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "runexp/sha256.h"

namespace runexp {

namespace {
using ApiVersionFunction = int (*)();
using RegisterFunction = void (*)(PluginRegistrar*);
}  // namespace

Status LoadPluginLibrary(const std::filesystem::path& library, PluginCatalog& catalog) {
  const std::string name = library.string();
  Result<std::string> sha256 = Sha256OfFile(name);
  if (!sha256.ok()) return Status::NotFound("plugin library " + name + ": cannot read it");

  // RTLD_LOCAL: two plugins may use the same internal symbol names.
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::InvalidArgument("plugin library " + name + ": cannot load: " +
                                   (why ? why : "unknown dlopen error"));
  }
  auto api_version = reinterpret_cast<ApiVersionFunction>(dlsym(handle, "runexp_plugin_api_version"));
  auto register_plugins = reinterpret_cast<RegisterFunction>(dlsym(handle, "runexp_plugin_register"));
  if (api_version == nullptr || register_plugins == nullptr) {
    dlclose(handle);
    return Status::InvalidArgument("plugin library " + name +
                                   ": not a runexp plugin (no runexp_plugin_api_version / "
                                   "runexp_plugin_register; did it use RUNEXP_PLUGIN?)");
  }
  int version = api_version();
  if (version != kPluginApiVersion) {
    dlclose(handle);
    return Status::NotSupported("plugin library " + name + ": built for plugin API version " +
                                std::to_string(version) + ", this runexp has version " +
                                std::to_string(kPluginApiVersion) + "; rebuild the plugin");
  }
  catalog.SetCurrentOrigin({library, *sha256});
  register_plugins(&catalog);
  catalog.SetCurrentOrigin({});
  std::vector<std::string> conflicts = catalog.TakeConflicts();
  if (!conflicts.empty()) return Status::InvalidArgument(conflicts.front());
  return Status::OK();
}

Status LoadPluginDirectory(const std::filesystem::path& directory, PluginCatalog& catalog) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    return Status::NotFound("plugin directory " + directory.string() + " does not exist");
  }
  std::vector<std::filesystem::path> libraries;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".so") {
      // Absolute: the path is recorded with runs, so it must not depend on the working directory.
      libraries.push_back(std::filesystem::absolute(entry.path(), error).lexically_normal());
    }
  }
  std::sort(libraries.begin(), libraries.end());
  for (const auto& library : libraries) {
    if (Status status = LoadPluginLibrary(library, catalog); !status.ok()) return status;
  }
  return Status::OK();
}

std::vector<std::filesystem::path> PluginPathFromEnvironment() {
  std::vector<std::filesystem::path> directories;
  const char* path = std::getenv("RUNEXP_PLUGIN_PATH");
  if (path == nullptr) return directories;
  std::stringstream entries(path);
  std::string entry;
  while (std::getline(entries, entry, ':')) {
    if (!entry.empty()) directories.emplace_back(entry);
  }
  return directories;
}

}  // namespace runexp
