// The one header a plugin author includes: registration of stages.
//
// A plugin source file ends with one line:
//
//   RUNEXP_PLUGIN(idx_reader, IdxReaderSpec)
//
// where IdxReaderSpec() returns the PluginSpec. Built into runexp, the build
// collects every plugins/<name>/ folder and calls its registration function
// from a generated list (no static initialisers for the linker to drop). Built
// as a shared library (out of tree, found with --plugin-dir or
// RUNEXP_PLUGIN_PATH), the same line exports the C entry points the loader
// looks for, with the API version it was compiled against.
#pragma once

#include "runexp/param_value.h"
#include "runexp/plugin_spec.h"
#include "runexp/stage.h"
#include "runexp/status.h"

namespace runexp {

// Bumped whenever a change to these headers breaks compiled plugins.
inline constexpr int kPluginApiVersion = 1;

// Receives plugin descriptions. Not thread-safe; used during start-up only.
class PluginRegistrar {
 public:
  virtual ~PluginRegistrar() = default;
  virtual void Add(PluginSpec spec) = 0;
};

}  // namespace runexp

#define RUNEXP_PLUGIN_CONCAT_(a, b) a##b
#define RUNEXP_PLUGIN_CONCAT(a, b) RUNEXP_PLUGIN_CONCAT_(a, b)

#ifdef RUNEXP_BUILTIN_PLUGIN
// Built in: a uniquely named function the generated builtin list calls.
#define RUNEXP_PLUGIN(name, spec_function)                                      \
  namespace runexp::builtin {                                                   \
  void RUNEXP_PLUGIN_CONCAT(Register_, name)(::runexp::PluginRegistrar & registrar) { \
    registrar.Add(spec_function());                                             \
  }                                                                             \
  }
#else
// A shared library: C entry points found with dlsym, visible even when the
// plugin is built with -fvisibility=hidden.
#define RUNEXP_PLUGIN(name, spec_function)                                      \
  extern "C" __attribute__((visibility("default"))) int runexp_plugin_api_version() { \
    return ::runexp::kPluginApiVersion;                                         \
  }                                                                             \
  extern "C" __attribute__((visibility("default"))) void runexp_plugin_register( \
      ::runexp::PluginRegistrar* registrar) {                                   \
    registrar->Add(spec_function());                                            \
  }
#endif
