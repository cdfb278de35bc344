// Plugin declarations for the config tests, built without the plugins'
// code: copies of the built-in plugins' PortSpecs and ParamSpecs (idx_reader,
// reshape_normalize, one_hot, mlp_trainer, evaluator — as declared in
// plugins/<name>/ when these tests were written), plus two test-only
// plugins that cover what the built-ins do not:
//   tagger  optional input; two outputs (a value and a stream); arrays of
//           strings with choices, of paths and of bounded floats; a path
//           default; a free-form table; a nested table with a required field;
//   sink    one required input, no outputs, no parameters.
// builtin_experiments_test.cc checks the shipped experiments against the
// real built-ins as well.
#pragma once

#include "plugins/plugin_catalog.h"

namespace runexp::config::testing {

// Built once; read-only.
const PluginCatalog& FakeCatalog();

}  // namespace runexp::config::testing
