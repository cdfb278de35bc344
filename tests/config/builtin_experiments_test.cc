// The shipped experiment files and the valid examples of docs/dsl.md against
// the real built-in plugins (the other config tests use declarations copied
// into fake_plugins.cc, which could drift from the plugins themselves).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/loader.h"
#include "doc_examples.h"
#include "plugins/plugin_catalog.h"
#include "run_command.h"

namespace runexp::config::testing {
namespace {

const std::filesystem::path kSourceDir = RUNEXP_SOURCE_DIR;

const PluginCatalog& BuiltinCatalog() {
  static const PluginCatalog* catalog = [] {
    auto* built = new PluginCatalog();
    RegisterBuiltinPlugins(*built);
    return built;
  }();
  return *catalog;
}

TEST(BuiltinExperimentsTest, ShippedExperimentsLoadWithTheRealPlugins) {
  for (const char* name : {"mnist_ch2.toml", "fashion_mnist_ch2.toml"}) {
    SCOPED_TRACE(name);
    CheckResult result = CheckExperimentFile(kSourceDir / "experiments" / name, BuiltinCatalog());
    EXPECT_TRUE(result.ok()) << FormatConfigErrors(result.errors);
  }
}

TEST(BuiltinExperimentsTest, ValidDocExamplesLoadWithTheRealPlugins) {
  std::filesystem::path dir = runexp::testing::MakeTempDir("runexp-config-builtin");
  std::filesystem::create_directories(dir / "plugins");
  int checked = 0;
  for (const DocExample& example : ReadDocExamples(kSourceDir / "docs/dsl.md")) {
    if (!example.valid) continue;
    SCOPED_TRACE("docs/dsl.md:" + std::to_string(example.line));
    LoadOptions options;
    options.overrides = example.overrides;
    CheckResult result =
        CheckExperimentText(example.toml, dir / "experiment.toml", BuiltinCatalog(), options);
    EXPECT_TRUE(result.ok()) << FormatConfigErrors(result.errors);
    ++checked;
  }
  std::filesystem::remove_all(dir);
  EXPECT_GE(checked, 4);
}

}  // namespace
}  // namespace runexp::config::testing
