#include "plugins/plugin_catalog.h"

namespace runexp {

void PluginCatalog::Add(PluginSpec spec) {
  std::string name = spec.name;
  if (auto it = origins_.find(name); it != origins_.end()) {
    std::string first = it->second.library.empty() ? "built in" : it->second.library.string();
    std::string second =
        current_origin_.library.empty() ? "built in" : current_origin_.library.string();
    conflicts_.push_back("plugin '" + name + "' is defined twice: " + first + " and " + second);
    return;
  }
  origins_[name] = current_origin_;
  specs_.emplace(name, std::move(spec));
}

const PluginSpec* PluginCatalog::Find(std::string_view name) const {
  auto it = specs_.find(name);
  return it == specs_.end() ? nullptr : &it->second;
}

const PluginOrigin* PluginCatalog::OriginOf(std::string_view name) const {
  auto it = origins_.find(name);
  return it == origins_.end() ? nullptr : &it->second;
}

std::vector<std::string> PluginCatalog::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, spec] : specs_) names.push_back(name);
  return names;
}

std::vector<std::string> PluginCatalog::TakeConflicts() {
  std::vector<std::string> out;
  out.swap(conflicts_);
  return out;
}

}  // namespace runexp
