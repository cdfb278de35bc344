#include "config/param_validation.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "config/paths.h"
#include "config/suggest.h"

namespace runexp::config {

namespace {

std::string ExpectedName(ParamType type, ParamType element) {
  switch (type) {
    case ParamType::kPath: return "string (a path)";
    case ParamType::kArray:
      return element == ParamType::kPath ? "array of paths"
                                         : "array of " + std::string(ParamTypeName(element));
    default: return std::string(ParamTypeName(type));
  }
}

// A bound as people write it: 1, 0.5, 1e-07.
std::string BoundText(double bound) {
  if (std::floor(bound) == bound && std::fabs(bound) < 1e15) {
    return std::to_string(static_cast<int64_t>(bound));
  }
  return ParamValue(bound).ToToml();
}

class Validator {
 public:
  Validator(const ParamContext& context, ErrorList& errors) : context_(context), errors_(errors) {}

  // `prefix` is the dotted path of the table ("" at the stage, "optimizer.", "layers[0].").
  ParamValue::Table Table(const Node& table, const std::vector<ParamSpec>& fields,
                          const std::string& prefix) {
    ParamValue::Table out;
    std::vector<std::string> names;
    for (const ParamSpec& field : fields) names.push_back(field.name);
    for (const Entry& entry : table.entries) {
      if (prefix.empty() && IsReservedStageKey(entry.key)) continue;
      bool declared = false;
      for (const ParamSpec& field : fields) declared = declared || field.name == entry.key;
      if (!declared) ReportUnknown(entry, names, prefix);
    }
    for (const ParamSpec& field : fields) {
      std::string path = prefix + field.name;
      if (const Entry* entry = table.Find(field.name)) {
        if (std::optional<ParamValue> value = Value(entry->value, field, path)) {
          out.emplace(field.name, std::move(*value));
        }
      } else if (field.default_value) {
        // Defaults go through the same checks (and path resolution) as written values.
        Node node = NodeFromParamValue(*field.default_value, table.origin);
        if (std::optional<ParamValue> value = Value(node, field, path)) {
          out.emplace(field.name, std::move(*value));
        }
      } else {
        errors_.Add(table.origin, Where() + "missing required parameter '" + path + "' (" +
                                      ExpectedName(field.type, field.element_type) + ")");
      }
    }
    return out;
  }

 private:
  std::string Where() const {
    return "stage '" + context_.stage_id + "' (" + context_.plugin + "): ";
  }

  void ReportUnknown(const Entry& entry, const std::vector<std::string>& names,
                     const std::string& prefix) {
    std::string message = "unknown parameter '" + prefix + entry.key + "' of stage '" +
                          context_.stage_id + "' (" + context_.plugin + ")";
    if (std::optional<std::string> match = ClosestMatch(entry.key, names)) {
      message += "; did you mean '" + prefix + *match + "'?";
    } else if (names.empty()) {
      message += prefix.empty() ? "; it takes no parameters" : "; it takes no fields here";
    } else {
      message += prefix.empty() ? "; valid parameters: " + JoinNames(names)
                                : "; valid keys here: " + JoinNames(names);
    }
    errors_.Add(entry.key_origin, std::move(message));
  }

  void WrongType(const Node& node, const std::string& path, const std::string& expected) {
    errors_.Add(node.origin, Where() + "parameter '" + path + "' expects " + expected + ", got " +
                                 node.Describe());
  }

  std::optional<ParamValue> Value(const Node& node, const ParamSpec& spec,
                                  const std::string& path) {
    switch (spec.type) {
      case ParamType::kArray: return Array(node, spec, path);
      case ParamType::kTable:
        if (!node.is_table()) {
          WrongType(node, path, "table");
          return std::nullopt;
        }
        if (spec.fields.empty()) return Untyped(node, path);
        return ParamValue(Table(node, spec.fields, path + "."));
      default: return Scalar(node, spec.type, spec, path);
    }
  }

  std::optional<ParamValue> Array(const Node& node, const ParamSpec& spec,
                                  const std::string& path) {
    if (!node.is_array()) {
      WrongType(node, path, ExpectedName(ParamType::kArray, spec.element_type));
      return std::nullopt;
    }
    if (spec.min_items && static_cast<int64_t>(node.items.size()) < *spec.min_items) {
      errors_.Add(node.origin, Where() + "parameter '" + path + "' has " +
                                   std::to_string(node.items.size()) +
                                   " items; it needs at least " + std::to_string(*spec.min_items));
    }
    ParamValue::Array out;
    bool ok = true;
    for (size_t i = 0; i < node.items.size(); ++i) {
      const Node& item = node.items[i];
      std::string item_path = path + "[" + std::to_string(i) + "]";
      std::optional<ParamValue> value;
      if (spec.element_type == ParamType::kTable) {
        if (!item.is_table()) {
          WrongType(item, item_path, "table");
        } else if (spec.fields.empty()) {
          value = Untyped(item, item_path);
        } else {
          value = ParamValue(Table(item, spec.fields, item_path + "."));
        }
      } else if (spec.element_type == ParamType::kArray) {
        if (!item.is_array()) WrongType(item, item_path, "array");
        else value = Untyped(item, item_path);
      } else {
        value = Scalar(item, spec.element_type, spec, item_path);
      }
      if (value) out.push_back(std::move(*value));
      else ok = false;
    }
    if (!ok) return std::nullopt;
    return ParamValue(std::move(out));
  }

  std::optional<ParamValue> Scalar(const Node& node, ParamType type, const ParamSpec& spec,
                                   const std::string& path) {
    switch (type) {
      case ParamType::kInteger:
        if (node.kind != Node::Kind::kInteger) break;
        if (!InRange(node, static_cast<double>(node.integer), spec, path)) return std::nullopt;
        return ParamValue(node.integer);
      case ParamType::kFloat: {
        if (node.kind != Node::Kind::kFloat && node.kind != Node::Kind::kInteger) break;
        double value =
            node.kind == Node::Kind::kFloat ? node.number : static_cast<double>(node.integer);
        if (!InRange(node, value, spec, path)) return std::nullopt;
        return ParamValue(value);
      }
      case ParamType::kBoolean:
        if (node.kind != Node::Kind::kBoolean) break;
        return ParamValue(node.boolean);
      case ParamType::kString:
        if (!node.is_string()) break;
        if (!InChoices(node, spec, path)) return std::nullopt;
        return ParamValue(node.text);
      case ParamType::kPath:
        if (!node.is_string()) break;
        // An optional file (default "") may be left empty: "none".
        if (node.text.empty() && spec.default_value && spec.default_value->is_string() &&
            spec.default_value->as_string().empty()) {
          return ParamValue(std::string());
        }
        if (node.text.empty()) {
          errors_.Add(node.origin, Where() + "parameter '" + path + "' must not be an empty path");
          return std::nullopt;
        }
        return ParamValue(ResolvePath(context_.dir, node.text).string());
      case ParamType::kArray:
      case ParamType::kTable: break;
    }
    WrongType(node, path, ExpectedName(type, type));
    return std::nullopt;
  }

  bool InRange(const Node& node, double value, const ParamSpec& spec, const std::string& path) {
    bool below = spec.min && !(value >= *spec.min);  // NaN is out of any range
    bool above = spec.max && !(value <= *spec.max);
    if (!below && !above) return true;
    std::string rule = spec.min && spec.max
                           ? "between " + BoundText(*spec.min) + " and " + BoundText(*spec.max)
                       : spec.min ? ">= " + BoundText(*spec.min)
                                  : "<= " + BoundText(*spec.max);
    errors_.Add(node.origin, Where() + "parameter '" + path + "' = " + node.Literal() +
                                 " is out of range: must be " + rule);
    return false;
  }

  bool InChoices(const Node& node, const ParamSpec& spec, const std::string& path) {
    if (spec.choices.empty()) return true;
    for (const std::string& choice : spec.choices) {
      if (node.text == choice) return true;
    }
    std::string allowed;
    for (const std::string& choice : spec.choices) {
      allowed += (allowed.empty() ? "" : ", ") + ParamValue(choice).ToToml();
    }
    std::string message = Where() + "parameter '" + path + "' = " + ParamValue(node.text).ToToml() +
                          " is not one of " + allowed;
    if (std::optional<std::string> match = ClosestMatch(node.text, spec.choices)) {
      message += "; did you mean \"" + *match + "\"?";
    }
    errors_.Add(node.origin, std::move(message));
    return false;
  }

  // A table or array the plugin did not describe further: taken as written.
  std::optional<ParamValue> Untyped(const Node& node, const std::string& path) {
    switch (node.kind) {
      case Node::Kind::kInteger: return ParamValue(node.integer);
      case Node::Kind::kFloat: return ParamValue(node.number);
      case Node::Kind::kBoolean: return ParamValue(node.boolean);
      case Node::Kind::kString: return ParamValue(node.text);
      case Node::Kind::kDateTime:
        errors_.Add(node.origin, Where() + "parameter '" + path + "': TOML " +
                                     std::string(node.TypeName()) + " values are not supported");
        return std::nullopt;
      case Node::Kind::kArray: {
        ParamValue::Array out;
        for (size_t i = 0; i < node.items.size(); ++i) {
          auto value = Untyped(node.items[i], path + "[" + std::to_string(i) + "]");
          if (!value) return std::nullopt;
          out.push_back(std::move(*value));
        }
        return ParamValue(std::move(out));
      }
      case Node::Kind::kTable: {
        ParamValue::Table out;
        for (const Entry& entry : node.entries) {
          auto value = Untyped(entry.value, path + "." + entry.key);
          if (!value) return std::nullopt;
          out.emplace(entry.key, std::move(*value));
        }
        return ParamValue(std::move(out));
      }
    }
    return std::nullopt;
  }

  const ParamContext& context_;
  ErrorList& errors_;
};

}  // namespace

bool IsReservedStageKey(std::string_view key) {
  return key == "plugin" || key == "input" || key == "inputs";
}

ParamValue::Table ValidateStageParams(const Node& stage_table, const std::vector<ParamSpec>& specs,
                                      const ParamContext& context, ErrorList& errors) {
  return Validator(context, errors).Table(stage_table, specs, "");
}

}  // namespace runexp::config
