// The wiring of an experiment: each stage's `input`/`inputs` resolved to
// (producer stage, output port) connections, checked against both plugins'
// port declarations (name, type, value/stream kind), required inputs
// connected, no cycles — and the stages put in a deterministic topological
// order (ties broken by stage id).
//
// Thread-safety: stateless.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "config/document.h"
#include "graph/graph_plan.h"
#include "runexp/plugin_spec.h"

namespace runexp::config {

// What the loader knows about a stage when the graph is checked.
struct StageDraft {
  std::string id;
  std::string plugin;
  const PluginSpec* spec = nullptr;  // nullptr: unknown plugin (already reported)
  const Node* table = nullptr;       // the stage's table in the document
};

struct StageGraph {
  std::map<std::string, std::vector<Connection>, std::less<>> inputs;  // by stage id, by port
  std::vector<std::string> order;  // producers first; empty when there is a cycle
};

// `stages` sorted by id.
StageGraph CheckStageGraph(const std::vector<StageDraft>& stages, ErrorList& errors);

}  // namespace runexp::config
