#include "config/stage_graph.h"

#include <algorithm>
#include <set>

#include "config/suggest.h"

namespace runexp::config {

namespace {

struct Reference {
  std::string port;  // input port of the consumer; "" when the plugin is unknown
  const Node* value = nullptr;
};

std::string_view KindName(PortKind kind) { return kind == PortKind::kStream ? "stream" : "value"; }

std::string PortLabel(const PortSpec& port) {
  return "(" + port.type + ", " + std::string(KindName(port.kind)) + ")";
}

std::vector<std::string> PortNames(const std::vector<PortSpec>& ports) {
  std::vector<std::string> names;
  for (const PortSpec& port : ports) names.push_back(port.name);
  return names;
}

const PortSpec* FindPort(const std::vector<PortSpec>& ports, std::string_view name) {
  for (const PortSpec& port : ports) {
    if (port.name == name) return &port;
  }
  return nullptr;
}

std::string StageLabel(const StageDraft& stage) {
  return "stage '" + stage.id + "' (" + stage.plugin + ")";
}

class GraphChecker {
 public:
  GraphChecker(const std::vector<StageDraft>& stages, ErrorList& errors)
      : stages_(stages), errors_(errors) {
    for (const StageDraft& stage : stages_) ids_.push_back(stage.id);
  }

  StageGraph Check() {
    StageGraph graph;
    for (const StageDraft& stage : stages_) {
      std::vector<Connection>& connections = graph.inputs[stage.id];
      for (const Reference& reference : ReadReferences(stage)) {
        Resolve(stage, reference, connections);
      }
      std::sort(
          connections.begin(), connections.end(),
          [](const Connection& a, const Connection& b) { return a.input_port < b.input_port; });
      RequireInputs(stage, connections);
    }
    if (!ReportCycles()) graph.order = TopologicalOrder();
    return graph;
  }

 private:
  const StageDraft* Find(std::string_view id) const {
    for (const StageDraft& stage : stages_) {
      if (stage.id == id) return &stage;
    }
    return nullptr;
  }

  // The `input` shorthand or the `inputs` table, as (port, reference value) pairs.
  std::vector<Reference> ReadReferences(const StageDraft& stage) {
    std::vector<Reference> references;
    const Entry* single = stage.table->Find("input");
    const Entry* several = stage.table->Find("inputs");
    std::string where = "stages." + stage.id + ": ";
    if (single != nullptr && several != nullptr) {
      const Entry& later = single->key_origin.line > several->key_origin.line ? *single : *several;
      errors_.Add(later.key_origin, where + "use either 'input' or 'inputs', not both");
      unreadable_.insert(stage.id);
      return references;
    }
    if (single != nullptr) {
      if (!single->value.is_string()) {
        errors_.Add(single->value.origin,
                    where + "'input' expects a string \"stage\" or \"stage.port\", got " +
                        single->value.Describe());
        unreadable_.insert(stage.id);
        return references;
      }
      std::string port;
      if (stage.spec != nullptr) {
        const std::vector<PortSpec>& ports = stage.spec->inputs;
        if (ports.size() != 1) {
          std::string message =
              where + "'input = ...' needs a plugin with exactly one input, but " + stage.plugin;
          message += ports.empty() ? " takes no inputs"
                                   : " has " + std::to_string(ports.size()) + " (" +
                                         JoinNames(PortNames(ports)) +
                                         "); use inputs = { port = \"stage\", ... }";
          errors_.Add(single->key_origin, std::move(message));
          unreadable_.insert(stage.id);
          return references;
        }
        port = ports.front().name;
      }
      references.push_back(Reference{port, &single->value});
      return references;
    }
    if (several == nullptr) return references;
    if (!several->value.is_table()) {
      errors_.Add(several->value.origin,
                  where +
                      "'inputs' expects a table { port = \"stage\" or \"stage.port\", ... }, got " +
                      several->value.Describe());
      unreadable_.insert(stage.id);
      return references;
    }
    for (const Entry& entry : several->value.entries) {
      if (!entry.value.is_string()) {
        errors_.Add(entry.value.origin, where + "input '" + entry.key +
                                            "' expects a string \"stage\" or \"stage.port\", got " +
                                            entry.value.Describe());
        continue;
      }
      if (stage.spec != nullptr && FindPort(stage.spec->inputs, entry.key) == nullptr) {
        errors_.Add(entry.key_origin,
                    where + StageLabel(stage) + " has no input '" + entry.key + "'" +
                        SuggestionSuffix(entry.key, PortNames(stage.spec->inputs), "inputs"));
        continue;
      }
      references.push_back(Reference{stage.spec != nullptr ? entry.key : "", &entry.value});
    }
    return references;
  }

  void Resolve(const StageDraft& consumer, const Reference& reference,
               std::vector<Connection>& connections) {
    const Node& value = *reference.value;
    std::string where = "stages." + consumer.id + ": ";
    std::string_view text = value.text;
    size_t dot = text.find('.');
    std::string_view producer_id = text.substr(0, dot);
    std::string_view port_name = dot == std::string_view::npos ? "" : text.substr(dot + 1);
    bool malformed = producer_id.empty() ||
                     (dot != std::string_view::npos &&
                      (port_name.empty() || port_name.find('.') != std::string_view::npos));
    if (malformed) {
      errors_.Add(value.origin, where + "bad reference \"" + value.text +
                                    "\": expected \"stage\" or \"stage.port\"");
      return;
    }
    const StageDraft* producer = Find(producer_id);
    if (producer == nullptr) {
      errors_.Add(value.origin, where + "unknown stage '" + std::string(producer_id) + "'" +
                                    SuggestionSuffix(producer_id, ids_, "stages"));
      return;
    }
    edges_.emplace(producer->id, consumer.id);
    if (producer->spec == nullptr || consumer.spec == nullptr) return;  // reported already

    const std::vector<PortSpec>& outputs = producer->spec->outputs;
    const PortSpec* output = nullptr;
    if (!port_name.empty()) {
      output = FindPort(outputs, port_name);
      if (output == nullptr) {
        errors_.Add(value.origin, where + StageLabel(*producer) + " has no output '" +
                                      std::string(port_name) + "'" +
                                      SuggestionSuffix(port_name, PortNames(outputs), "outputs"));
        return;
      }
    } else if (outputs.size() == 1) {
      output = &outputs.front();
    } else {
      std::string message = where + StageLabel(*producer);
      if (outputs.empty()) {
        message += " has no outputs";
      } else {
        message += " has several outputs (" + JoinNames(PortNames(outputs)) +
                   "): name one, e.g. \"" + producer->id + "." + outputs.front().name + "\"";
      }
      errors_.Add(value.origin, std::move(message));
      return;
    }

    const PortSpec& input = *FindPort(consumer.spec->inputs, reference.port);
    if (input.type != output->type || input.kind != output->kind) {
      errors_.Add(value.origin, "stages." + consumer.id + " input '" + input.name + "' " +
                                    PortLabel(input) + " is connected to " + producer->id + "." +
                                    output->name + " " + PortLabel(*output));
      return;
    }
    connections.push_back(Connection{input.name, producer->id, output->name});
  }

  void RequireInputs(const StageDraft& stage, const std::vector<Connection>& connections) {
    // After a malformed input/inputs, "not connected" would only repeat that error.
    if (stage.spec == nullptr || unreadable_.count(stage.id) > 0) return;
    std::set<std::string> named;  // ports the file mentions, even if wrongly connected
    if (const Entry* several = stage.table->Find("inputs"); several && several->value.is_table()) {
      for (const Entry& entry : several->value.entries) named.insert(entry.key);
    }
    if (stage.table->Find("input") != nullptr) named.insert(stage.spec->inputs.front().name);
    for (const Connection& connection : connections) named.insert(connection.input_port);
    for (const PortSpec& port : stage.spec->inputs) {
      if (port.optional || named.count(port.name) > 0) continue;
      errors_.Add(stage.table->origin, "stages." + stage.id + ": required input '" + port.name +
                                           "' " + PortLabel(port) + " is not connected");
    }
  }

  std::vector<std::string> Consumers(const std::string& id) const {
    std::vector<std::string> out;
    for (auto it = edges_.lower_bound({id, ""}); it != edges_.end() && it->first == id; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  // Reports one cycle per strongly connected component that has one (the
  // shortest through its smallest stage id, so the message stays short and
  // deterministic); true if any.
  bool ReportCycles() {
    bool found = false;
    for (const std::vector<std::string>& component : StronglyConnectedComponents()) {
      const std::string& start = *std::min_element(component.begin(), component.end());
      std::set<std::string> members(component.begin(), component.end());
      // Breadth-first from `start` back to itself, within the component.
      std::map<std::string, std::string> came_from;
      std::vector<std::string> frontier = {start};
      bool closed = false;
      std::string last;
      while (!frontier.empty() && !closed) {
        std::vector<std::string> next;
        for (const std::string& id : frontier) {
          for (const std::string& consumer : Consumers(id)) {
            if (consumer == start) {
              last = id;
              closed = true;
              break;
            }
            if (members.count(consumer) && !came_from.count(consumer)) {
              came_from[consumer] = id;
              next.push_back(consumer);
            }
          }
          if (closed) break;
        }
        frontier = std::move(next);
      }
      if (!closed) continue;  // a single stage that does not feed itself
      std::vector<std::string> cycle = {start};
      for (std::string id = last; id != start; id = came_from[id])
        cycle.insert(cycle.begin() + 1, id);
      std::string text;
      for (const std::string& member : cycle) text += member + " \u2192 ";
      errors_.Add(Find(start)->table->origin, "the stages form a cycle: " + text + start);
      found = true;
    }
    return found;
  }

  // Tarjan's algorithm over the (producer -> consumer) edges.
  std::vector<std::vector<std::string>> StronglyConnectedComponents() const {
    std::map<std::string, int> index, low;
    std::set<std::string> on_stack;
    std::vector<std::string> stack;
    std::vector<std::vector<std::string>> components;
    int counter = 0;
    auto visit = [&](auto&& self, const std::string& id) -> void {
      index[id] = low[id] = counter++;
      stack.push_back(id);
      on_stack.insert(id);
      for (const std::string& next : Consumers(id)) {
        if (!index.count(next)) {
          self(self, next);
          low[id] = std::min(low[id], low[next]);
        } else if (on_stack.count(next)) {
          low[id] = std::min(low[id], index[next]);
        }
      }
      if (low[id] != index[id]) return;
      std::vector<std::string> component;
      std::string member;
      do {
        member = stack.back();
        stack.pop_back();
        on_stack.erase(member);
        component.push_back(member);
      } while (member != id);
      components.push_back(std::move(component));
    };
    for (const std::string& id : ids_) {
      if (!index.count(id)) visit(visit, id);
    }
    return components;
  }

  std::vector<std::string> TopologicalOrder() const {
    std::map<std::string, int> waiting;  // producers not yet placed
    for (const std::string& id : ids_) waiting[id] = 0;
    for (const auto& [producer, consumer] : edges_) ++waiting[consumer];
    std::set<std::string> ready;
    for (const auto& [id, count] : waiting) {
      if (count == 0) ready.insert(id);
    }
    std::vector<std::string> order;
    while (!ready.empty()) {
      std::string id = *ready.begin();
      ready.erase(ready.begin());
      order.push_back(id);
      for (const std::string& consumer : Consumers(id)) {
        if (--waiting[consumer] == 0) ready.insert(consumer);
      }
    }
    return order;
  }

  const std::vector<StageDraft>& stages_;
  ErrorList& errors_;
  std::vector<std::string> ids_;
  std::set<std::pair<std::string, std::string>> edges_;  // (producer, consumer)
  std::set<std::string> unreadable_;  // stages whose input/inputs could not be read
};

}  // namespace

StageGraph CheckStageGraph(const std::vector<StageDraft>& stages, ErrorList& errors) {
  return GraphChecker(stages, errors).Check();
}

}  // namespace runexp::config
