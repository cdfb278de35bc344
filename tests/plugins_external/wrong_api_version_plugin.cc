// A plugin library that claims a plugin API version no runexp has (999):
// the loader must refuse it, naming the file and both versions, without
// calling its registration function.
#include <utility>

#include "runexp/plugin.h"

extern "C" int runexp_plugin_api_version() { return 999; }

extern "C" void runexp_plugin_register(runexp::PluginRegistrar* registrar) {
  runexp::PluginSpec spec;
  spec.name = "from_the_future";
  spec.description = "must never be registered";
  registrar->Add(std::move(spec));
}
