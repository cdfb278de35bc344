// Stage parameters: the keys of a [stages.<id>] table (minus the DSL's own
// plugin/input/inputs) checked against the plugin's ParamSpecs, recursively
// through nested tables and arrays of tables, into the effective ParamValue
// table the stage receives: defaults filled in, integers widened where a
// float is declared, paths made absolute.
//
// Every problem is reported at the position of the value or key concerned
// (a default that fails is reported at the stage). Thread-safety: stateless.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/document.h"
#include "runexp/param_value.h"
#include "runexp/plugin_spec.h"

namespace runexp::config {

// Keys of a stage table that are the DSL's, not the plugin's.
bool IsReservedStageKey(std::string_view key);

struct ParamContext {
  std::string stage_id;
  std::string plugin;
  std::filesystem::path dir;  // relative paths resolve against it
};

ParamValue::Table ValidateStageParams(const Node& stage_table, const std::vector<ParamSpec>& specs,
                                      const ParamContext& context, ErrorList& errors);

}  // namespace runexp::config
