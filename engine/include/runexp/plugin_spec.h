// How a plugin describes itself: its ports and parameters, as data.
//
// One description drives everything: validation of experiment files (before
// any data is read), `runexp plugins`, the DOT graph and the plugin README.
// Declarations read like a table:
//
//   ParamSpec::Integer("epochs", "Passes over the training data").Default(5).Min(1)
//
// Plain values; built once at registration and then only read.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runexp/param_value.h"

namespace runexp {

class Stage;

enum class ParamType { kInteger, kFloat, kBoolean, kString, kPath, kArray, kTable };
std::string_view ParamTypeName(ParamType type);  // "integer", "float", … ("path" is a string)

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  std::string doc;
  std::optional<ParamValue> default_value;  // none: the parameter is required
  std::optional<double> min;                // numbers: inclusive bounds
  std::optional<double> max;
  std::vector<std::string> choices;         // strings: the allowed values
  // Arrays: the type of every element; for arrays of tables, `fields`
  // describes each element. Tables: `fields` describes their keys.
  ParamType element_type = ParamType::kFloat;
  std::vector<ParamSpec> fields;
  std::optional<int64_t> min_items;         // arrays: bounds on the length

  static ParamSpec Integer(std::string name, std::string doc) { return Make(std::move(name), ParamType::kInteger, std::move(doc)); }
  static ParamSpec Float(std::string name, std::string doc) { return Make(std::move(name), ParamType::kFloat, std::move(doc)); }
  static ParamSpec Boolean(std::string name, std::string doc) { return Make(std::move(name), ParamType::kBoolean, std::move(doc)); }
  static ParamSpec String(std::string name, std::string doc) { return Make(std::move(name), ParamType::kString, std::move(doc)); }
  // A file path, resolved relative to the experiment file.
  static ParamSpec Path(std::string name, std::string doc) { return Make(std::move(name), ParamType::kPath, std::move(doc)); }
  static ParamSpec ArrayOf(ParamType element, std::string name, std::string doc) {
    ParamSpec spec = Make(std::move(name), ParamType::kArray, std::move(doc));
    spec.element_type = element;
    return spec;
  }
  static ParamSpec TableOf(std::string name, std::string doc, std::vector<ParamSpec> fields) {
    ParamSpec spec = Make(std::move(name), ParamType::kTable, std::move(doc));
    spec.fields = std::move(fields);
    return spec;
  }
  static ParamSpec ArrayOfTables(std::string name, std::string doc, std::vector<ParamSpec> fields) {
    ParamSpec spec = ArrayOf(ParamType::kTable, std::move(name), std::move(doc));
    spec.fields = std::move(fields);
    return spec;
  }

  ParamSpec Default(ParamValue value) && { default_value = std::move(value); return std::move(*this); }
  ParamSpec Min(double bound) && { min = bound; return std::move(*this); }
  ParamSpec Max(double bound) && { max = bound; return std::move(*this); }
  ParamSpec Choices(std::vector<std::string> allowed) && { choices = std::move(allowed); return std::move(*this); }
  ParamSpec MinItems(int64_t count) && { min_items = count; return std::move(*this); }

 private:
  static ParamSpec Make(std::string name, ParamType type, std::string doc) {
    ParamSpec spec;
    spec.name = std::move(name);
    spec.type = type;
    spec.doc = std::move(doc);
    return spec;
  }
};

// Value ports carry one packet for the whole run (a data set); stream ports
// carry a sequence (a model snapshot per epoch).
enum class PortKind { kValue, kStream };

struct PortSpec {
  std::string name;
  std::string type;   // a port type name, e.g. "tensor", "model" (port_types.h)
  PortKind kind = PortKind::kValue;
  std::string doc;
  bool optional = false;  // inputs only: may be left unconnected
};

// A problem found by PluginSpec::check_params: the parameter to blame (its
// value's position is reported) and what is wrong.
struct ParamProblem {
  std::string param;
  std::string message;
};

struct PluginSpec {
  std::string name;         // what an experiment file writes as `plugin = "…"`
  std::string description;  // one line
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Stage>()> create;
  // Optional: checks the declarations cannot express — several parameters
  // together, or a file a parameter names (a warm-start checkpoint against
  // the configured layers). Run by `runexp check` and before every run, once
  // each parameter is valid on its own; effective parameters as the stage
  // will see them. (Default-initialised so that existing designated
  // initialisers that omit it compile warning-free.)
  std::function<std::optional<ParamProblem>(const ParamValue::Table& params)> check_params = {};
};

}  // namespace runexp
