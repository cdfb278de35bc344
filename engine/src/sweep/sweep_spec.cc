#include "sweep/sweep_spec.h"

#include <algorithm>
#include <set>

#include "config/document_parse.h"
#include "config/suggest.h"
#include "sweep/node_text.h"

namespace runexp::sweep {

namespace {

using config::Entry;
using config::ErrorList;
using config::Node;
using config::Origin;

// A key written as one bare TOML key can be a step of a dotted key
// (model.epochs = [...]); a quoted "model.layers[0].units" is a whole key.
bool IsKeyStep(const std::string& key) { return key.find_first_of(".[") == std::string::npos; }

std::string Joined(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

bool KeyFormOk(const std::string& key, const Origin& origin, ErrorList& errors) {
  if (std::optional<std::string> problem = config::OverrideKeyProblem(key)) {
    errors.Add(origin, "sweep key '" + key + "': " + *problem);
    return false;
  }
  return true;
}

// Values of one axis: a non-empty array without repeats.
void ReadAxis(const std::string& key, const Entry& entry, SweepSpec& spec, ErrorList& errors) {
  if (!KeyFormOk(key, entry.key_origin, errors)) return;
  if (!entry.value.is_array()) {
    errors.Add(entry.value.origin, "sweep key '" + key + "' needs a list of values, e.g. [1, 2], got " +
                                       entry.value.Describe());
    return;
  }
  if (entry.value.items.empty()) {
    errors.Add(entry.value.origin, "sweep key '" + key + "' has an empty list of values");
    return;
  }
  std::set<std::string> seen;
  for (const Node& value : entry.value.items) {
    if (!seen.insert(NodeText(value)).second) {
      errors.Add(value.origin, "sweep key '" + key + "' lists the value " + NodeText(value) + " twice");
    }
  }
  for (const SweepAxis& axis : spec.axes) {
    if (axis.key == key) {
      errors.Add(entry.key_origin, "sweep key '" + key + "' is given twice (once quoted, once dotted?)");
      return;
    }
  }
  spec.axes.push_back(SweepAxis{key, entry.key_origin, entry.value.items});
}

// Axes anywhere below `table`, descending through dotted-key tables.
void ReadAxes(const Node& table, const std::string& prefix, SweepSpec& spec, ErrorList& errors) {
  for (const Entry& entry : table.entries) {
    std::string key = Joined(prefix, entry.key);
    if (entry.value.is_table() && IsKeyStep(entry.key)) {
      ReadAxes(entry.value, key, spec, errors);
    } else {
      ReadAxis(key, entry, spec, errors);
    }
  }
}

// One listed point: KEY = value pairs, dotted-key tables descended (a whole
// table is assigned under a quoted key: "model.optimizer" = { name = "sgd" }).
void ReadPointValues(const Node& table, const std::string& prefix, std::vector<config::Assignment>& point,
                     ErrorList& errors) {
  for (const Entry& entry : table.entries) {
    std::string key = Joined(prefix, entry.key);
    if (entry.value.is_table() && IsKeyStep(entry.key)) {
      ReadPointValues(entry.value, key, point, errors);  // from a dotted key: model.epochs = 1
    } else if (KeyFormOk(key, entry.key_origin, errors)) {
      point.push_back(config::Assignment{key, entry.value, entry.key_origin});
    }
  }
}

void ReadListedPoints(const Entry& points, SweepSpec& spec, ErrorList& errors) {
  if (!points.value.is_array() || points.value.items.empty()) {
    errors.Add(points.value.origin, "sweep 'points' needs a non-empty list of tables, e.g. "
                                    "[{ \"model.epochs\" = 1 }, { \"model.epochs\" = 2 }]");
    return;
  }
  std::set<std::string> seen;
  for (const Node& item : points.value.items) {
    if (!item.is_table() || item.entries.empty()) {
      errors.Add(item.origin, "each sweep point is a table of KEY = value, got " + item.Describe());
      continue;
    }
    std::vector<config::Assignment> point;
    ReadPointValues(item, "", point, errors);
    if (point.empty()) {
      errors.Add(item.origin, "this sweep point sets no parameter");
      continue;
    }
    std::sort(point.begin(), point.end(), [](const config::Assignment& a, const config::Assignment& b) {
      return std::pair(a.key_origin.line, a.key_origin.column) < std::pair(b.key_origin.line, b.key_origin.column);
    });
    std::vector<std::string> parts;
    for (const config::Assignment& a : point) parts.push_back(a.key + "=" + NodeText(a.value));
    std::sort(parts.begin(), parts.end());  // the same point whatever the order of its keys
    std::string text;
    for (const std::string& part : parts) text += part + " ";
    if (!seen.insert(text).second) errors.Add(item.origin, "this sweep point is listed twice");
    spec.listed_points.push_back(std::move(point));
  }
}

bool IsReservedKey(const std::string& key) {
  return key == "points" || key == "samples" || key == "sample_seed";
}

}  // namespace

std::vector<std::string> SweepSpec::Keys() const {
  std::vector<std::string> keys;
  for (const SweepAxis& axis : axes) keys.push_back(axis.key);
  for (const std::vector<config::Assignment>& point : listed_points) {
    for (const config::Assignment& a : point) {
      if (std::find(keys.begin(), keys.end(), a.key) == keys.end()) keys.push_back(a.key);
    }
  }
  return keys;
}

SweepSpec ParseSweepTable(const Node& table, ErrorList& errors) {
  SweepSpec spec;
  spec.origin = table.origin;
  if (!table.is_table()) {
    errors.Add(table.origin, "'sweep' must be a table of KEY = [values], got " + table.Describe());
    return spec;
  }
  Node axes_table;
  for (const Entry& entry : table.entries) {
    if (entry.key == "points" && entry.value.is_array()) {
      ReadListedPoints(entry, spec, errors);
    } else if (entry.key == "samples" || entry.key == "sample_seed") {
      if (entry.value.kind != Node::Kind::kInteger || (entry.key == "samples" && entry.value.integer < 1)) {
        errors.Add(entry.value.origin, "sweep '" + entry.key + "' expects " +
                                           (entry.key == "samples" ? "a positive integer" : "an integer") +
                                           ", got " + entry.value.Describe());
        continue;
      }
      (entry.key == "samples" ? spec.samples : spec.sample_seed.emplace()) = entry.value.integer;
    } else if (IsReservedKey(entry.key)) {
      errors.Add(entry.value.origin, "sweep '" + entry.key + "' has the wrong type: " + entry.value.Describe());
    } else if (IsKeyStep(entry.key) && !entry.value.is_table()) {
      std::string message = "'" + entry.key + "' is not a sweep setting or a parameter key";
      if (std::optional<std::string> match = config::ClosestMatch(entry.key, {"points", "samples", "sample_seed"})) {
        message += "; did you mean '" + *match + "'?";
      } else {
        message += " (parameter keys name a stage and a parameter, e.g. \"model.epochs\" = [1, 2])";
      }
      errors.Add(entry.key_origin, message);
    } else {
      axes_table.entries.push_back(entry);
    }
  }
  ReadAxes(axes_table, "", spec, errors);
  // Entries come sorted by key; the file's order is the order a user expects
  // (the first axis varies slowest).
  std::stable_sort(spec.axes.begin(), spec.axes.end(), [](const SweepAxis& a, const SweepAxis& b) {
    return std::pair(a.key_origin.line, a.key_origin.column) < std::pair(b.key_origin.line, b.key_origin.column);
  });
  if (!spec.listed_points.empty()) {
    spec.mode = "list";
    if (!spec.axes.empty()) {
      errors.Add(spec.axes.front().key_origin,
                 "a sweep has either lists of values (a grid) or 'points', not both");
    }
    if (spec.samples > 0) errors.Add(table.origin, "'samples' draws from a grid; this sweep lists its points");
  } else if (spec.samples > 0) {
    spec.mode = "random";
  } else if (spec.sample_seed) {
    errors.Add(table.origin, "'sample_seed' seeds `samples = N`, which this sweep does not set");
  }
  return spec;
}

void AddGridOption(const std::string& text, SweepSpec& spec, ErrorList& errors) {
  Origin origin{"--grid " + text, 0, 0};
  size_t equals = text.find('=');
  if (equals == std::string::npos) {
    errors.Add(origin, "expected KEY=V1,V2,..., e.g. model.epochs=1,2");
    return;
  }
  std::string key = text.substr(0, equals);
  key.erase(0, key.find_first_not_of(" \t"));
  key.erase(key.find_last_not_of(" \t") + 1);
  if (std::optional<std::string> problem = config::OverrideKeyProblem(key)) {
    errors.Add(origin, *problem);
    return;
  }
  config::ParsedValue values = config::ParseTomlValue("[" + text.substr(equals + 1) + "]", origin.file);
  if (values.error) {
    errors.Add(origin, "the values must be TOML literals separated by commas: " + *values.error);
    return;
  }
  if (spec.mode == "list") {
    errors.Add(origin, "--grid adds an axis to a grid, but this sweep lists its points");
    return;
  }
  Entry entry{key, origin, std::move(values.value)};
  size_t errors_before = errors.size();
  SweepSpec parsed;
  ReadAxis(key, entry, parsed, errors);
  if (errors.size() != errors_before) return;
  auto same = std::find_if(spec.axes.begin(), spec.axes.end(), [&](const SweepAxis& a) { return a.key == key; });
  if (same != spec.axes.end()) {
    *same = std::move(parsed.axes.front());
  } else {
    spec.axes.push_back(std::move(parsed.axes.front()));
  }
}

void CheckSweepComplete(const SweepSpec& spec, const std::vector<std::string>& set_overrides,
                        const std::string& file, ErrorList& errors) {
  if (spec.axes.empty() && spec.listed_points.empty()) {
    errors.Add(Origin{file, 0, 0},
               "nothing to sweep: add a [sweep] table (docs/sweeps.md) or --grid KEY=V1,V2,...");
    return;
  }
  std::vector<std::string> keys = spec.Keys();
  for (const std::string& text : set_overrides) {
    std::string key = text.substr(0, text.find('='));
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      errors.Add(Origin{"--set " + text, 0, 0},
                 "'" + key + "' is swept; --set would fight the sweep over it (drop one of them)");
    }
  }
}

}  // namespace runexp::sweep
