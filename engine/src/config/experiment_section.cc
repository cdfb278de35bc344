#include "config/experiment_section.h"

#include <algorithm>
#include <random>
#include <system_error>

#include "config/paths.h"
#include "config/suggest.h"

namespace runexp::config {

namespace {

// Without a `results` key, runs go to results/results.db in the folder runexp
// is started from (the project's results/ when run from its root).
constexpr std::string_view kDefaultResults = "results/results.db";

const std::vector<std::string>& KnownKeys() {
  static const std::vector<std::string> keys = {"checkpoint_every", "description", "dsl_version",
                                                "keep_checkpoints", "name",        "plugin_dirs",
                                                "results",          "seed"};
  return keys;
}

std::string TypeError(std::string_view key, std::string_view expected, const Node& got) {
  return "[experiment] key '" + std::string(key) + "' expects " + std::string(expected) + ", got " +
         got.Describe();
}

// The string at `key`, or nullptr after reporting a wrong type.
const Node* StringAt(const Node& table, std::string_view key, ErrorList& errors) {
  const Entry* entry = table.Find(key);
  if (entry == nullptr) return nullptr;
  if (!entry->value.is_string()) {
    errors.Add(entry->value.origin, TypeError(key, "string", entry->value));
    return nullptr;
  }
  return &entry->value;
}

void ReadPluginDirs(const Node& table, const std::filesystem::path& dir, ExperimentSection& section,
                    ErrorList& errors) {
  const Entry* entry = table.Find("plugin_dirs");
  if (entry == nullptr) return;
  if (!entry->value.is_array()) {
    errors.Add(entry->value.origin, TypeError("plugin_dirs", "array of strings", entry->value));
    return;
  }
  for (size_t i = 0; i < entry->value.items.size(); ++i) {
    const Node& item = entry->value.items[i];
    std::string label = "[experiment] plugin_dirs[" + std::to_string(i) + "]";
    if (!item.is_string() || item.text.empty()) {
      errors.Add(item.origin, label + " expects a non-empty string, got " + item.Describe());
      continue;
    }
    std::filesystem::path path = ResolvePath(dir, item.text);
    std::error_code error;
    if (!IsInsideFolder(path, dir)) {
      errors.Add(item.origin, label + " '" + item.text + "' resolves to " + path.string() +
                                  ", outside the experiment's folder " + dir.string() +
                                  "; loading a plugin library runs its code, so plugin "
                                  "folders must lie inside the experiment's folder");
    } else if (!std::filesystem::is_directory(path, error)) {
      errors.Add(item.origin,
                 label + " '" + item.text + "': no such directory (" + path.string() + ")");
    } else {
      section.plugin_dirs.push_back(path);
    }
  }
}

// An optional integer >= 0; `fallback` when absent or wrong.
int64_t CountAt(const Node& table, std::string_view key, int64_t fallback, ErrorList& errors) {
  const Entry* entry = table.Find(key);
  if (entry == nullptr) return fallback;
  if (entry->value.kind != Node::Kind::kInteger) {
    errors.Add(entry->value.origin, TypeError(key, "integer", entry->value));
    return fallback;
  }
  if (entry->value.integer < 0) {
    errors.Add(entry->value.origin, "[experiment] key '" + std::string(key) + "' = " +
                                        std::to_string(entry->value.integer) +
                                        " is out of range: must be >= 0");
    return fallback;
  }
  return entry->value.integer;
}

}  // namespace

int64_t DrawSeed() {
  std::random_device device;
  uint64_t bits = (static_cast<uint64_t>(device()) << 32) ^ device();
  return static_cast<int64_t>(bits >> 1);
}

ExperimentSection ReadExperimentSection(const Node* table, const std::string& file,
                                        const std::filesystem::path& dir, ErrorList& errors) {
  ExperimentSection section;
  if (table == nullptr) {
    errors.Add(Origin{file, 1, 1},
               "missing [experiment] table (it needs at least name and dsl_version = 1)");
    section.version_supported = true;  // still check the stages
    return section;
  }
  if (!table->is_table()) {
    errors.Add(table->origin,
               "'experiment' must be a table ([experiment]), got " + table->Describe());
    section.version_supported = true;
    return section;
  }
  for (const Entry& entry : table->entries) {
    if (std::find(KnownKeys().begin(), KnownKeys().end(), entry.key) == KnownKeys().end()) {
      errors.Add(entry.key_origin, "unknown key '" + entry.key + "' in [experiment]" +
                                       SuggestionSuffix(entry.key, KnownKeys(), "keys"));
    }
  }

  if (const Entry* version = table->Find("dsl_version"); version == nullptr) {
    errors.Add(table->origin,
               "[experiment] is missing required key 'dsl_version' (integer; "
               "this runexp supports 1)");
    section.version_supported = true;
  } else if (version->value.kind != Node::Kind::kInteger) {
    errors.Add(version->value.origin, TypeError("dsl_version", "integer", version->value));
    section.version_supported = true;  // a typo, not another DSL: keep checking
  } else if (version->value.integer != 1) {
    errors.Add(version->value.origin, "unsupported DSL version " +
                                          std::to_string(version->value.integer) +
                                          " (this runexp supports 1)");
  } else {
    section.dsl_version = version->value.integer;
    section.version_supported = true;
  }

  if (const Node* name = StringAt(*table, "name", errors)) {
    if (name->text.empty()) errors.Add(name->origin, "[experiment] key 'name' must not be empty");
    section.name = name->text;
  } else if (table->Find("name") == nullptr) {
    errors.Add(table->origin, "[experiment] is missing required key 'name' (string)");
  }
  if (const Node* description = StringAt(*table, "description", errors)) {
    section.description = description->text;
  }

  if (const Entry* seed = table->Find("seed"); seed == nullptr) {
    section.seed = DrawSeed();
    section.seed_was_drawn = true;
  } else if (seed->value.kind != Node::Kind::kInteger) {
    errors.Add(seed->value.origin, TypeError("seed", "integer", seed->value));
  } else if (seed->value.integer < 0) {
    errors.Add(seed->value.origin,
               "[experiment] key 'seed' = " + std::to_string(seed->value.integer) +
                   " is out of range: must be >= 0");
  } else {
    section.seed = seed->value.integer;
  }

  section.results_origin = table->origin;
  if (const Entry* results = table->Find("results"); results == nullptr) {
    section.results_path = ResolvePath(std::filesystem::current_path(), kDefaultResults);
  } else if (const Node* text = StringAt(*table, "results", errors)) {
    section.results_origin = text->origin;
    if (text->text.empty()) {
      errors.Add(text->origin, "[experiment] key 'results' must not be empty");
    } else {
      section.results_path = ResolvePath(dir, text->text);
    }
  }

  section.checkpoint_every = CountAt(*table, "checkpoint_every", section.checkpoint_every, errors);
  section.keep_checkpoints = CountAt(*table, "keep_checkpoints", section.keep_checkpoints, errors);

  ReadPluginDirs(*table, dir, section, errors);
  return section;
}

}  // namespace runexp::config
