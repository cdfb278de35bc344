// libFuzzer target: the experiment-file loader and validator
// (config::CheckExperimentText) with the built-in plugin catalog. The input
// is the text of an experiment file; it is parsed (toml++ under runexp's own
// TOML_ASSERT, config/toml.h), validated stage by stage and wired — nothing
// is executed, nothing is written (check_results_writable is off). It must
// come back as a config or as located errors: no crash, no leak, no hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/loader.h"
#include "plugins/plugin_catalog.h"

namespace {

const runexp::PluginCatalog& Catalog() {
  static const runexp::PluginCatalog* catalog = [] {
    auto* built = new runexp::PluginCatalog;
    runexp::RegisterBuiltinPlugins(*built);
    return built;
  }();
  return *catalog;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  runexp::config::LoadOptions options;
  options.check_results_writable = false;
  // A folder that does not exist: relative paths resolve against it and
  // nothing the input names can be found or touched.
  runexp::config::CheckResult result =
      runexp::config::CheckExperimentText(text, "/nonexistent/fuzz/experiment.toml", Catalog(), options);
  // Every error must carry a message.
  for (const auto& error : result.errors) {
    if (error.message.empty()) std::abort();
  }
  return 0;
}
