// Every folder under plugins/ is a registered built-in plugin that describes
// itself completely, and its README documents every port and parameter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "plugins/plugin_catalog.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> PluginFolders() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(RUNEXP_PLUGINS_DIR)) {
    if (entry.is_directory() && fs::exists(entry.path() / "CMakeLists.txt")) {
      names.push_back(entry.path().filename());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(BuiltinPluginsTest, EveryPluginFolderIsRegistered) {
  PluginCatalog catalog;
  RegisterBuiltinPlugins(catalog);
  EXPECT_TRUE(catalog.TakeConflicts().empty());
  EXPECT_EQ(catalog.Names(), PluginFolders());
  EXPECT_EQ(BuiltinPluginNames(), PluginFolders());
}

TEST(BuiltinPluginsTest, EachDescribesItselfAndItsReadmeDocumentsIt) {
  PluginCatalog catalog;
  RegisterBuiltinPlugins(catalog);
  for (const std::string& name : catalog.Names()) {
    SCOPED_TRACE(name);
    const PluginSpec& spec = *catalog.Find(name);
    EXPECT_EQ(spec.name, name);
    EXPECT_FALSE(spec.description.empty());
    EXPECT_FALSE(spec.outputs.empty() && spec.inputs.empty());
    EXPECT_TRUE(spec.create != nullptr);
    std::string readme = ReadFile(fs::path(RUNEXP_PLUGINS_DIR) / name / "README.md");
    ASSERT_FALSE(readme.empty()) << "plugins/" << name << "/README.md is missing";
    for (const PortSpec& port : spec.inputs) EXPECT_NE(readme.find("`" + port.name + "`"), std::string::npos) << port.name;
    for (const PortSpec& port : spec.outputs) EXPECT_NE(readme.find("`" + port.name + "`"), std::string::npos) << port.name;
    for (const ParamSpec& param : spec.params) {
      EXPECT_FALSE(param.doc.empty()) << param.name;
      EXPECT_NE(readme.find("`" + param.name + "`"), std::string::npos) << "README lacks " << param.name;
    }
  }
}

}  // namespace
}  // namespace runexp
