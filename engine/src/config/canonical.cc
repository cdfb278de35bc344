#include "config/canonical.h"

#include <algorithm>
#include <map>

#include "runexp/sha256.h"

namespace runexp::config {

namespace {

std::string Key(std::string_view key) {
  return IsBareKey(key) ? std::string(key) : ParamValue(std::string(key)).ToToml();
}

std::string PathArray(const std::vector<std::filesystem::path>& paths) {
  ParamValue::Array array;
  for (const std::filesystem::path& path : paths) array.emplace_back(path.string());
  return ParamValue(std::move(array)).ToToml();
}

void Flatten(const std::string& key, const ParamValue& value, std::vector<FlatParam>& out) {
  if (value.is_table() && !value.as_table().empty()) {
    for (const auto& [name, member] : value.as_table()) Flatten(key + "." + name, member, out);
  } else if (value.is_array() && !value.as_array().empty()) {
    const ParamValue::Array& array = value.as_array();
    for (size_t i = 0; i < array.size(); ++i) {
      Flatten(key + "[" + std::to_string(i) + "]", array[i], out);
    }
  } else {
    std::string text = value.is_string() ? value.as_string() : value.ToToml();
    out.push_back(FlatParam{key, text, std::string(value.TypeName())});
  }
}

}  // namespace

std::string EffectiveToml(const ExperimentConfig& config) {
  std::string out = "[experiment]\n";
  out += "checkpoint_every = " + std::to_string(config.checkpoint_every) + "\n";
  out += "description = " + ParamValue(config.description).ToToml() + "\n";
  out += "dsl_version = " + std::to_string(config.dsl_version) + "\n";
  out += "keep_checkpoints = " + std::to_string(config.keep_checkpoints) + "\n";
  out += "name = " + ParamValue(config.name).ToToml() + "\n";
  out += "plugin_dirs = " + PathArray(config.plugin_dirs) + "\n";
  out += "results = " + ParamValue(config.results_path.string()).ToToml() + "\n";
  out += "seed = " + std::to_string(config.seed) + "\n";

  std::vector<const StageConfig*> stages;
  for (const StageConfig& stage : config.stages) stages.push_back(&stage);
  std::sort(stages.begin(), stages.end(),
            [](const StageConfig* a, const StageConfig* b) { return a->id < b->id; });
  for (const StageConfig* stage : stages) {
    // The DSL's keys and the parameters, in one sorted list.
    std::map<std::string, std::string> lines;
    lines["plugin"] = ParamValue(stage->plugin).ToToml();
    if (!stage->inputs.empty()) {
      ParamValue::Table inputs;
      for (const Connection& connection : stage->inputs) {
        inputs.emplace(connection.input_port, connection.producer + "." + connection.producer_port);
      }
      lines["inputs"] = ParamValue(std::move(inputs)).ToToml();
    }
    for (const auto& [name, value] : stage->params) lines[name] = value.ToToml();
    out += "\n[stages." + Key(stage->id) + "]\n";
    for (const auto& [key, value] : lines) out += Key(key) + " = " + value + "\n";
  }
  return out;
}

std::vector<FlatParam> FlattenParams(const ExperimentConfig& config) {
  std::vector<FlatParam> out;
  ParamValue::Table experiment;
  experiment.emplace("checkpoint_every", config.checkpoint_every);
  experiment.emplace("keep_checkpoints", config.keep_checkpoints);
  experiment.emplace("description", config.description);
  experiment.emplace("dsl_version", config.dsl_version);
  experiment.emplace("name", config.name);
  ParamValue::Array dirs;
  for (const auto& dir : config.plugin_dirs) dirs.emplace_back(dir.string());
  experiment.emplace("plugin_dirs", std::move(dirs));
  experiment.emplace("results", config.results_path.string());
  experiment.emplace("seed", config.seed);
  Flatten("experiment", ParamValue(std::move(experiment)), out);

  // Stages by id; within one, parameters by name and array items by index.
  std::map<std::string_view, const StageConfig*> by_id;
  for (const StageConfig& stage : config.stages) by_id[stage.id] = &stage;
  for (const auto& [id, stage] : by_id) {
    for (const auto& [name, value] : stage->params) Flatten(stage->id + "." + name, value, out);
  }
  return out;
}

void FillCanonicalForms(ExperimentConfig& config) {
  config.effective_toml = EffectiveToml(config);
  config.config_sha256 = Sha256Hex(std::string_view(config.effective_toml));
  config.flat_params = FlattenParams(config);
}

}  // namespace runexp::config
