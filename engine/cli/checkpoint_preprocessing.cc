#include "checkpoint_preprocessing.h"

#include <cmath>
#include <optional>

#include "config/document_parse.h"
#include "number_text.h"

namespace runexp::cli {

namespace {

using config::Entry;
using config::Node;

constexpr std::string_view kHint = "; pass --divide-by X to give the input scaling yourself";

// One checkpoint's [stages] table, and the two ways a derivation fails: a
// config that contradicts itself (Corruption) or a chain this file cannot
// repeat (NotSupported, pointing at --divide-by).
struct Context {
  std::string_view file;
  const Node& stages;

  Status Corrupt(const std::string& what) const {
    return Status::Corruption(std::string(file) + ": the run's effective config " + what);
  }
  Status Underivable(const std::string& what) const {
    return Status::NotSupported(std::string(file) + ": cannot derive how the model's inputs were prepared: " +
                                what + std::string(kHint));
  }

  const Node* Stage(std::string_view id) const {
    const Entry* entry = stages.Find(id);
    return entry != nullptr && entry->value.is_table() ? &entry->value : nullptr;
  }
};

std::string PluginOf(const Node& stage) {
  const Entry* plugin = stage.Find("plugin");
  return plugin != nullptr && plugin->value.is_string() ? plugin->value.text : std::string("?");
}

// The producing stage id of an input reference, "stage" or "stage.port".
std::string ProducerOf(const std::string& reference) {
  return reference.substr(0, reference.find('.'));
}

// The stage feeding input port `port` of `stage`: canonical configs write
// `inputs = { port = "stage.port" }`; the short forms of a hand-written file
// (`input = "stage"` for a plugin's one input) are accepted too.
std::optional<std::string> InputOf(const Node& stage, std::string_view port) {
  if (const Entry* inputs = stage.Find("inputs"); inputs != nullptr && inputs->value.is_table()) {
    const Entry* entry = inputs->value.Find(port);
    if (entry != nullptr && entry->value.is_string()) return ProducerOf(entry->value.text);
    return std::nullopt;
  }
  if (const Entry* input = stage.Find("input"); input != nullptr && input->value.is_string()) {
    return ProducerOf(input->value.text);
  }
  return std::nullopt;
}

// A number parameter, or the plugin's documented default when absent.
Result<double> NumberParam(const Context& ctx, const Node& stage, std::string_view stage_id,
                           std::string_view key, double fallback) {
  const Entry* entry = stage.Find(key);
  if (entry == nullptr) return fallback;
  if (entry->value.kind == Node::Kind::kFloat) return entry->value.number;
  if (entry->value.kind == Node::Kind::kInteger) return static_cast<double>(entry->value.integer);
  return ctx.Corrupt("gives stage '" + std::string(stage_id) + "' " + std::string(key) + " = " +
                     entry->value.Describe() + ", not a number");
}

}  // namespace

Result<InputScaling> ScalingFromDivideBy(double divide_by, std::string_view what) {
  if (!std::isfinite(divide_by) || divide_by <= 0) {
    return Status::InvalidArgument(std::string(what) + " must be a number greater than 0, not " +
                                   ShortestText(divide_by));
  }
  // As reshape_normalize: the reciprocal in double, then rounded to float.
  return InputScaling{static_cast<float>(1.0 / divide_by), 0.0f,
                      std::string(what) + " " + ShortestText(divide_by)};
}

Result<InputScaling> DeriveInputScaling(std::string_view effective_config,
                                        std::string_view trainer_stage,
                                        std::string_view checkpoint_file) {
  const std::string label = std::string(checkpoint_file) + " (effective config)";
  config::ParsedDocument parsed = config::ParseDocument(effective_config, label);
  if (parsed.error) {
    return Status::Corruption(std::string(checkpoint_file) +
                              ": the run's effective config is not valid TOML: " +
                              config::FormatConfigError(*parsed.error));
  }
  const Entry* stages = parsed.root.Find("stages");
  if (stages == nullptr || !stages->value.is_table()) {
    return Status::Corruption(std::string(checkpoint_file) + ": the run's effective config has no [stages]");
  }
  const Context ctx{checkpoint_file, stages->value};

  const Node* trainer = ctx.Stage(trainer_stage);
  if (trainer == nullptr) {
    return ctx.Corrupt("has no stage '" + std::string(trainer_stage) + "', the trainer that saved it");
  }
  std::optional<std::string> x_id = InputOf(*trainer, "x");
  if (!x_id) return ctx.Underivable("trainer stage '" + std::string(trainer_stage) + "' has no x input");
  const Node* x = ctx.Stage(*x_id);
  if (x == nullptr) return ctx.Corrupt("has no stage '" + *x_id + "', which feeds the model's x");
  if (PluginOf(*x) != "reshape_normalize") {
    return ctx.Underivable("the model's x comes from stage '" + *x_id + "' (plugin " + PluginOf(*x) +
                           "), not from reshape_normalize");
  }
  // The raw file a user passes stands in for the idx_reader's output; any
  // other producer may have changed the data in ways not repeated here.
  std::optional<std::string> source_id = InputOf(*x, "input");
  const Node* source = source_id ? ctx.Stage(*source_id) : nullptr;
  if (source == nullptr || PluginOf(*source) != "idx_reader") {
    return ctx.Underivable("stage '" + *x_id + "' reads " +
                           (source ? "stage '" + *source_id + "' (plugin " + PluginOf(*source) + ")"
                                   : std::string("no stage")) +
                           ", not an idx_reader");
  }

  std::string scaling = "divide";
  if (const Entry* entry = x->Find("scaling")) {
    if (!entry->value.is_string()) return ctx.Corrupt("gives stage '" + *x_id + "' a scaling that is not a string");
    scaling = entry->value.text;
  }
  if (scaling == "divide") {
    Result<double> divide_by = NumberParam(ctx, *x, *x_id, "divide_by", 1.0);
    if (!divide_by.ok()) return divide_by.status();
    Result<InputScaling> result = ScalingFromDivideBy(*divide_by, "divide_by");
    if (!result.ok()) {
      return ctx.Corrupt("gives stage '" + *x_id + "' divide_by = " + ShortestText(*divide_by) +
                         ", which is not a number greater than 0");
    }
    result->description = "divide_by = " + ShortestText(*divide_by) + " (stage " + *x_id + ")";
    return result;
  }
  if (scaling == "standardize") {
    Result<double> mean = NumberParam(ctx, *x, *x_id, "mean", 0.0);
    if (!mean.ok()) return mean.status();
    Result<double> std = NumberParam(ctx, *x, *x_id, "std", 1.0);
    if (!std.ok()) return std.status();
    if (!std::isfinite(*std) || *std <= 0 || !std::isfinite(*mean)) {
      return ctx.Corrupt("gives stage '" + *x_id + "' mean = " + ShortestText(*mean) + ", std = " +
                         ShortestText(*std));
    }
    // As reshape_normalize: (x − mean) / std as one multiply-add.
    return InputScaling{static_cast<float>(1.0 / *std), static_cast<float>(-*mean / *std),
                        "mean = " + ShortestText(*mean) + ", std = " + ShortestText(*std) + " (stage " +
                            *x_id + ")"};
  }
  return ctx.Underivable("stage '" + *x_id + "' uses scaling \"" + scaling + "\", unknown to this build");
}

}  // namespace runexp::cli
