// PluginCatalog: every plugin this process knows — the built-ins and those
// loaded from plugin directories — by name.
//
// Filled during start-up (not thread-safe then); afterwards only read, from
// any thread.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runexp/plugin.h"

namespace runexp {

// Where a plugin came from: recorded with every run that uses it.
struct PluginOrigin {
  std::filesystem::path library;  // empty for built-ins
  std::string sha256;             // of the library file
};

class PluginCatalog : public PluginRegistrar {
 public:
  // Adds a plugin. A second plugin with the same name is a conflict, kept
  // out and reported by TakeConflicts().
  void Add(PluginSpec spec) override;

  const PluginSpec* Find(std::string_view name) const;
  const PluginOrigin* OriginOf(std::string_view name) const;
  std::vector<std::string> Names() const;  // sorted

  // Names registered twice since the last call, with both origins.
  std::vector<std::string> TakeConflicts();

  // While loading a library, plugins added are attributed to it.
  void SetCurrentOrigin(PluginOrigin origin) { current_origin_ = std::move(origin); }

 private:
  std::map<std::string, PluginSpec, std::less<>> specs_;
  std::map<std::string, PluginOrigin, std::less<>> origins_;
  std::vector<std::string> conflicts_;
  PluginOrigin current_origin_;
};

// Registers every plugin under plugins/ (generated list; see plugins/CMakeLists.txt).
void RegisterBuiltinPlugins(PluginRegistrar& registrar);

// Names of the built-in plugins, in folder order (generated with the list above).
const std::vector<std::string>& BuiltinPluginNames();

}  // namespace runexp
