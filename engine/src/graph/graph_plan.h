// GraphPlan: a validated experiment reduced to what the runtime needs —
// stages, their plugin specs and parameters, and the connections between
// ports. Built by the config loader (or directly by tests); immutable once
// handed to GraphRunner.
#pragma once

#include <string>
#include <vector>

#include "runexp/param_value.h"
#include "runexp/plugin_spec.h"

namespace runexp {

struct Connection {
  std::string input_port;      // on the consuming stage
  std::string producer;        // stage id
  std::string producer_port;   // output port of the producer
};

struct PlannedStage {
  std::string id;
  const PluginSpec* spec = nullptr;  // owned by the PluginCatalog, outlives the run
  ParamValue::Table params;          // effective: validated, defaults filled
  std::vector<Connection> inputs;
};

struct GraphPlan {
  std::vector<PlannedStage> stages;  // any order; ids unique
};

}  // namespace runexp
