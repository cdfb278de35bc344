// For the built-in plugins' unit tests: the PluginSpec of a built-in plugin
// by name, from a catalog filled once per test process.
#pragma once

#include <stdexcept>
#include <string>

#include "plugins/plugin_catalog.h"

namespace runexp::testing {

inline const PluginSpec& BuiltinSpec(const std::string& name) {
  static const PluginCatalog catalog = [] {
    PluginCatalog c;
    RegisterBuiltinPlugins(c);
    return c;
  }();
  const PluginSpec* spec = catalog.Find(name);
  if (spec == nullptr) throw std::invalid_argument("no built-in plugin '" + name + "'");
  return *spec;
}

}  // namespace runexp::testing
