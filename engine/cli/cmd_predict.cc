// `runexp predict CHECKPOINT --images F`: the class a checkpoint's model
// predicts for every image (its highest output), optionally with all of its
// outputs — the class probabilities for a softmax model. The images are
// prepared as the checkpoint's run prepared its training data.
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint_command.h"
#include "checkpoint_data.h"
#include "commands.h"
#include "exit_codes.h"
#include "output_format.h"
#include "store_command_support.h"

namespace runexp::cli {

namespace {

constexpr const char* kPredictFooter = R"(The images are scaled as the run that wrote the checkpoint scaled its training
inputs (its reshape_normalize stage, read from the effective config stored in the
checkpoint); --divide-by X uses x / X instead.

Output, one row per image in file order: index (from 0) and class (the highest
output, ties to the lowest class); --probabilities adds the model's outputs p0,
p1, ... (probabilities summing to 1 when the last layer is softmax). csv (default)
has a header row; json is an array of {"index", "class", "probabilities": [...]};
table aligns the columns, probabilities rounded to 4 decimals.)";

struct PredictOptions {
  CheckpointInputOptions inputs;
  bool probabilities = false;
  int64_t limit = 0;
  CLI::Option* limit_option = nullptr;
  OutputFormat format = OutputFormat::kCsv;
};

// A float output as the double whose shortest text is the float's shortest
// text: csv and json then print 0.1 rather than the widened 0.10000000149011612.
double ShortestFloat(float value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  if (ec != std::errc()) return value;
  *end = '\0';
  return std::strtod(text, nullptr);
}

Table PredictionTable(const Tensor& outputs, bool probabilities) {
  const int64_t rows = outputs.dim(0), classes = outputs.dim(1);
  Table table;
  table.columns = {{"index", "index", Align::kRight}, {"class", "class", Align::kRight}};
  if (probabilities) {
    for (int64_t c = 0; c < classes; ++c) {
      table.columns.push_back({"p" + std::to_string(c), "p" + std::to_string(c), Align::kRight});
    }
  }
  std::span<const float> values = outputs.values<float>();
  for (int64_t r = 0; r < rows; ++r) {
    std::span<const float> row = values.subspan(static_cast<std::size_t>(r * classes),
                                                static_cast<std::size_t>(classes));
    std::vector<Cell> cells = {Cell::Int(r), Cell::Int(ArgMax(row))};
    if (probabilities) {
      for (float p : row) cells.push_back(Cell::Real(ShortestFloat(p), 4));
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

// An array with one object per line: readable for thousands of images, and
// each row's probabilities together as one array rather than p0, p1, ... members.
std::string PredictionJson(const Tensor& outputs, bool probabilities) {
  const int64_t rows = outputs.dim(0), classes = outputs.dim(1);
  std::span<const float> values = outputs.values<float>();
  std::string json = "[";
  for (int64_t r = 0; r < rows; ++r) {
    std::span<const float> row = values.subspan(static_cast<std::size_t>(r * classes),
                                                static_cast<std::size_t>(classes));
    JsonValue item;
    item.Set("index", r).Set("class", ArgMax(row));
    if (probabilities) {
      JsonValue array = JsonValue::EmptyArray();
      for (float p : row) array.Append(ShortestFloat(p));
      item.Set("probabilities", std::move(array));
    }
    json += (r == 0 ? "\n" : ",\n") + item.Dump(0);
  }
  return json + "\n]\n";
}

int RunPredict(const PredictOptions& options) {
  idx::ReadOptions read;
  if (options.limit_option->count() > 0) read.limit = options.limit;
  Result<CheckpointInputs> loaded = LoadCheckpointInputs(options.inputs, read);
  if (!loaded.ok()) return Report(loaded.status(), ExitCodeFor(loaded.status()));
  if (loaded->x.dim(0) == 0) {
    return Report(Status::InvalidArgument(options.inputs.images + ": holds no images"), kExitUsage);
  }
  Result<Tensor> outputs = loaded->checkpoint.model->Predict(loaded->x, options.inputs.batch_size);
  if (!outputs.ok()) return Report(outputs.status(), kExitRunFailed);
  switch (options.format) {
    case OutputFormat::kJson: std::cout << PredictionJson(*outputs, options.probabilities); break;
    case OutputFormat::kCsv: std::cout << RenderCsv(PredictionTable(*outputs, options.probabilities)); break;
    case OutputFormat::kTable:
      std::cout << Render(PredictionTable(*outputs, options.probabilities), OutputFormat::kTable);
      break;
  }
  return kExitOk;
}

}  // namespace

void RegisterPredictCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("predict", "Print a checkpoint's predicted class for every image");
  app->footer(kPredictFooter);
  auto options = std::make_shared<PredictOptions>();
  AddCheckpointInputOptions(app, options->inputs);
  app->add_flag("--probabilities", options->probabilities, "Also print the model's outputs for every class");
  options->limit_option = app->add_option("--limit", options->limit, "Predict only the first N images")
                              ->check(AtLeastOne);
  AddFormatOption(app, options->format)->description("Output: csv (default), json or table");
  registry.Add(app, [options]() { return RunPredict(*options); });
}

}  // namespace runexp::cli
