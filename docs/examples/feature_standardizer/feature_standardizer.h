// feature_standardizer: a runexp plugin that rescales every feature of a data
// set to zero mean and unit variance, with statistics from the training set.
//
// Built out of tree as a shared library and loaded with --plugin-dir; this
// header only lets a unit test reach the plugin's description.
#pragma once

#include "runexp/plugin_spec.h"

namespace feature_standardizer {

// The plugin's ports, parameters and stage factory.
runexp::PluginSpec Spec();

}  // namespace feature_standardizer
