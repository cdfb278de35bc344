#include "config/overrides.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "config/document_parse.h"
#include "config/suggest.h"

namespace runexp::config {

namespace {

// One step of a KEY: a name, then any number of [index].
struct KeyStep {
  std::string name;
  std::vector<size_t> indexes;
};

// "model.layers[0].units" -> {model}, {layers,[0]}, {units}; nullopt + why on failure.
std::optional<std::vector<KeyStep>> ParseKey(std::string_view key, std::string& why) {
  std::vector<KeyStep> steps;
  size_t i = 0;
  for (;;) {
    KeyStep step;
    while (i < key.size() && IsBareKeyCharacter(key[i])) step.name += key[i++];
    if (step.name.empty()) {
      why = i < key.size() ? "unexpected '" + std::string(1, key[i]) + "' in KEY"
                           : "KEY has an empty part";
      return std::nullopt;
    }
    while (i < key.size() && key[i] == '[') {
      size_t close = key.find(']', i);
      if (close == std::string_view::npos) {
        why = "missing ']' in KEY";
        return std::nullopt;
      }
      std::string_view digits = key.substr(i + 1, close - i - 1);
      size_t index = 0;
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
        why = "bad array index '[" + std::string(digits) + "]' (expected a number from 0)";
        return std::nullopt;
      }
      step.indexes.push_back(index);
      i = close + 1;
    }
    steps.push_back(std::move(step));
    if (i == key.size()) return steps;
    if (key[i] != '.') {
      why = "unexpected '" + std::string(1, key[i]) + "' in KEY";
      return std::nullopt;
    }
    ++i;
  }
}

// KEY of an override: trimmed, parsed, and at least "section.parameter".
std::optional<std::vector<KeyStep>> ParseOverrideKey(std::string_view key, std::string& why) {
  key.remove_prefix(std::min(key.find_first_not_of(" \t"), key.size()));
  key.remove_suffix(key.size() - (key.find_last_not_of(" \t") + 1));
  std::optional<std::vector<KeyStep>> steps = ParseKey(key, why);
  if (steps && (steps->size() < 2 || !steps->front().indexes.empty())) {
    why = "KEY must be a stage id or 'experiment' followed by a parameter, "
          "e.g. model.epochs or experiment.seed";
    return std::nullopt;
  }
  return steps;
}

const ParamSpec* FindSpec(const std::vector<ParamSpec>* specs, std::string_view name) {
  if (specs == nullptr) return nullptr;
  for (const ParamSpec& spec : *specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

class OverrideApplier {
 public:
  // `origin` is where errors about the key point: "--set KEY=VALUE" (line 0)
  // or, for a sweep's value, the key's place in the file.
  OverrideApplier(Origin origin, Node& root, const PluginCatalog& catalog, ErrorList& errors)
      : origin_(std::move(origin)), root_(root), catalog_(catalog), errors_(errors) {}

  // "KEY=VALUE" as given to --set.
  void ApplyText(const std::string& text) {
    size_t equals = text.find('=');
    if (equals == std::string::npos) return Fail("expected KEY=VALUE, e.g. model.epochs=10");
    ParsedValue value = ParseTomlValue(text.substr(equals + 1), origin_.file);
    if (value.error) {
      // Still check the key first: a wrong key is the more useful message.
      std::string why;
      if (!ParseOverrideKey(text.substr(0, equals), why)) return Fail(why);
      return Fail(*value.error);
    }
    Apply(text.substr(0, equals), std::move(value.value));
  }

  void Apply(std::string_view key, Node value) {
    std::string why;
    std::optional<std::vector<KeyStep>> steps = ParseOverrideKey(key, why);
    if (!steps) return Fail(why);

    Node* target = Section(steps->front().name);
    if (target == nullptr) return;
    const std::vector<ParamSpec>* specs = specs_;
    std::string path;  // for messages: "layers[0]"
    for (size_t s = 1; s < steps->size(); ++s) {
      const KeyStep& step = (*steps)[s];
      bool last = s + 1 == steps->size();
      if (!target->is_table()) {
        return Fail("'" + path + "' is " + Article(*target) + ", not a table");
      }
      const ParamSpec* spec = FindSpec(specs, step.name);
      path += (path.empty() ? "" : ".") + step.name;
      if (last && step.indexes.empty()) {
        target->Set(step.name, origin_, std::move(value));
        return;
      }
      Entry* entry = target->Find(step.name);
      if (entry == nullptr) {
        // Reaching into something the file leaves out: start from its default.
        if (spec != nullptr && spec->default_value) {
          entry =
              &target->Set(step.name, origin_, NodeFromParamValue(*spec->default_value, origin_));
        } else if (step.indexes.empty()) {
          Node table;
          table.origin = origin_;
          entry = &target->Set(step.name, origin_, std::move(table));
        } else {
          return Fail("'" + path + "' is not set, so it has no item " +
                      std::to_string(step.indexes.front()));
        }
      }
      target = &entry->value;
      specs = spec != nullptr ? &spec->fields : nullptr;
      for (size_t k = 0; k < step.indexes.size(); ++k) {
        size_t index = step.indexes[k];
        if (!target->is_array()) {
          return Fail("'" + path + "' is " + Article(*target) + ", not an array");
        }
        if (index >= target->items.size()) {
          return Fail("index " + std::to_string(index) + " is out of range: '" + path + "' has " +
                      std::to_string(target->items.size()) + " item" +
                      (target->items.size() == 1 ? "" : "s"));
        }
        path.append("[").append(std::to_string(index)).append("]");
        if (last && k + 1 == step.indexes.size()) {
          target->items[index] = std::move(value);
          return;
        }
        target = &target->items[index];
      }
    }
  }

 private:
  void Fail(const std::string& why) { errors_.Add(origin_, why); }

  static std::string Article(const Node& node) {
    std::string_view type = node.TypeName();
    bool vowel = type.front() == 'a' || type.front() == 'i';
    return (vowel ? "an " : "a ") + std::string(type);
  }

  // The [experiment] table or the stage's table; sets specs_ for a stage.
  Node* Section(const std::string& name) {
    if (name == "experiment") {
      Entry* entry = root_.Find("experiment");
      if (entry == nullptr || !entry->value.is_table()) {
        Fail("the file has no [experiment] table to change");
        return nullptr;
      }
      return &entry->value;
    }
    Entry* stages = root_.Find("stages");
    Entry* stage = stages != nullptr ? stages->value.Find(name) : nullptr;
    if (stage == nullptr) {
      std::vector<std::string> ids = stages != nullptr && stages->value.is_table()
                                         ? stages->value.Keys()
                                         : std::vector<std::string>{};
      Fail("unknown stage '" + name + "'" + SuggestionSuffix(name, ids, "stages"));
      return nullptr;
    }
    if (!stage->value.is_table()) {
      Fail("stages." + name + " is not a table");
      return nullptr;
    }
    if (const Entry* plugin = stage->value.Find("plugin"); plugin && plugin->value.is_string()) {
      if (const PluginSpec* spec = catalog_.Find(plugin->value.text)) specs_ = &spec->params;
    }
    return &stage->value;
  }

  Origin origin_;
  Node& root_;
  const PluginCatalog& catalog_;
  ErrorList& errors_;
  const std::vector<ParamSpec>* specs_ = nullptr;
};

}  // namespace

std::optional<std::string> OverrideKeyProblem(std::string_view key) {
  std::string why;
  if (ParseOverrideKey(key, why)) return std::nullopt;
  return why;
}

void ApplyOverrides(const std::vector<std::string>& overrides, Node& root,
                    const PluginCatalog& catalog, ErrorList& errors) {
  for (const std::string& text : overrides) {
    OverrideApplier(Origin{"--set " + text, 0, 0}, root, catalog, errors).ApplyText(text);
  }
}

void ApplyAssignments(const std::vector<Assignment>& assignments, Node& root, const PluginCatalog& catalog,
                      ErrorList& errors) {
  for (const Assignment& assignment : assignments) {
    OverrideApplier(assignment.key_origin, root, catalog, errors).Apply(assignment.key, assignment.value);
  }
}

}  // namespace runexp::config
