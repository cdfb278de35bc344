// `runexp eval CHECKPOINT --images F --labels F`: the loss and accuracy of a
// checkpoint's model on any IDX pair, with each class's accuracy. The images
// are prepared as the checkpoint's run prepared its training data, and the
// figures are nn::Evaluate's — the numbers the run itself records.
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint_command.h"
#include "checkpoint_data.h"
#include "commands.h"
#include "exit_codes.h"
#include "idx_file.h"
#include "output_format.h"
#include "runexp/nn/trainer.h"
#include "store_command_support.h"

namespace runexp::cli {

namespace {

constexpr const char* kEvalFooter = R"(The images are scaled as the run that wrote the checkpoint scaled its training
inputs (its reshape_normalize stage, read from the effective config stored in the
checkpoint); --divide-by X uses x / X instead. Labels must be integers in
[0, outputs of the model). The loss is the model's own (as in training and in the
evaluator stage); accuracy counts the highest output matching the label.

Output: table (default) prints the figures and a per-class table; csv prints one
row (checkpoint, images, labels, samples, correct, loss, accuracy); json prints one
object with the same members plus run_id, epoch, scaling and per_class.)";

struct EvalOptions {
  CheckpointInputOptions inputs;
  std::string labels;
  OutputFormat format = OutputFormat::kTable;
};

struct ClassFigures {
  int64_t samples = 0;
  int64_t correct = 0;
};

struct Evaluation {
  CheckpointInputs inputs;
  nn::BatchStats stats;
  std::vector<ClassFigures> per_class;  // one per model output
};

Result<Evaluation> Evaluate(const EvalOptions& options) {
  Result<CheckpointInputs> loaded = LoadCheckpointInputs(options.inputs);
  if (!loaded.ok()) return loaded.status();
  const nn::Mlp& model = *loaded->checkpoint.model;
  Result<Tensor> labels = idx::ReadIdxFile(options.labels);
  if (!labels.ok()) return labels.status();
  const int64_t images = loaded->x.dim(0);
  if (labels->rank() >= 1 && labels->dim(0) != images) {
    return Status::InvalidArgument(options.labels + ": holds " + std::to_string(labels->dim(0)) +
                                   " labels, but " + options.inputs.images + " holds " +
                                   std::to_string(images) + " images");
  }
  if (images == 0) return Status::InvalidArgument(options.inputs.images + ": holds no images");
  Result<Tensor> y = LabelsToOneHot(*labels, model.output_dim(), options.labels);
  if (!y.ok()) return y.status();

  // From here on the inputs are good: a failure is the computation's (exit 1).
  const int64_t batch = options.inputs.batch_size;
  Result<nn::BatchStats> stats = nn::Evaluate(model, loaded->x, *y, batch);
  if (!stats.ok()) return Status::Internal(stats.status().message());
  // Predict runs the same forward pass batch by batch, so its argmax agrees
  // with the correct count Evaluate just made.
  Result<Tensor> outputs = model.Predict(loaded->x, batch);
  if (!outputs.ok()) return Status::Internal(outputs.status().message());

  std::vector<ClassFigures> per_class(static_cast<std::size_t>(model.output_dim()));
  std::span<const float> out = outputs->values<float>();
  std::span<const float> target = y->values<float>();
  const std::size_t width = per_class.size();
  for (std::size_t row = 0; row < static_cast<std::size_t>(images); ++row) {
    const int64_t truth = ArgMax(target.subspan(row * width, width));
    ClassFigures& figures = per_class[static_cast<std::size_t>(truth)];
    ++figures.samples;
    if (ArgMax(out.subspan(row * width, width)) == truth) ++figures.correct;
  }
  return Evaluation{std::move(loaded).value(), *stats, std::move(per_class)};
}

double Ratio(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

Table PerClassTable(const Evaluation& e) {
  Table table;
  table.columns = {{"class", "class", Align::kRight},
                   {"samples", "samples", Align::kRight},
                   {"correct", "correct", Align::kRight},
                   {"accuracy", "accuracy", Align::kRight}};
  for (std::size_t c = 0; c < e.per_class.size(); ++c) {
    const ClassFigures& f = e.per_class[c];
    // A class absent from the labels has no accuracy, not a zero one.
    Cell accuracy = f.samples > 0 ? Cell::Real(Ratio(f.correct, f.samples), 4) : Cell::Null();
    table.rows.push_back({Cell::Int(static_cast<int64_t>(c)), Cell::Int(f.samples), Cell::Int(f.correct), accuracy});
  }
  return table;
}

Table SummaryRow(const EvalOptions& options, const Evaluation& e) {
  Table table;
  table.columns = {{"checkpoint", "checkpoint", Align::kLeft, true},
                   {"images", "images", Align::kLeft, true},
                   {"labels", "labels", Align::kLeft, true},
                   {"samples", "samples", Align::kRight},
                   {"correct", "correct", Align::kRight},
                   {"loss", "loss", Align::kRight},
                   {"accuracy", "accuracy", Align::kRight}};
  table.rows.push_back({Cell::Text(options.inputs.checkpoint), Cell::Text(options.inputs.images),
                        Cell::Text(options.labels), Cell::Int(e.stats.samples), Cell::Int(e.stats.correct),
                        Cell::Real(e.stats.mean_loss(), 6), Cell::Real(e.stats.accuracy(), 4)});
  return table;
}

JsonValue ToJson(const EvalOptions& options, const Evaluation& e) {
  const TrainingCheckpoint& c = e.inputs.checkpoint;
  JsonValue json;
  json.Set("checkpoint", options.inputs.checkpoint)
      .Set("run_id", c.provenance.run_id)
      .Set("epoch", c.epochs_completed)
      .Set("images", options.inputs.images)
      .Set("labels", options.labels)
      .Set("scaling", e.inputs.scaling.description)
      .Set("samples", e.stats.samples)
      .Set("correct", e.stats.correct)
      .Set("loss", e.stats.mean_loss())
      .Set("accuracy", e.stats.accuracy())
      .Set("per_class", TableToJson(PerClassTable(e)));
  return json;
}

void PrintEvaluationText(const EvalOptions& options, const Evaluation& e) {
  const TrainingCheckpoint& c = e.inputs.checkpoint;
  std::cout << "checkpoint  " << EscapeForTerminal(options.inputs.checkpoint) << "\n"
            << "run         " << EscapeForTerminal(c.provenance.run_id) << ", epoch " << c.epochs_completed
            << " of " << c.total_epochs << "\n"
            << "images      " << EscapeForTerminal(options.inputs.images) << "\n"
            << "labels      " << EscapeForTerminal(options.labels) << "\n"
            << "scaling     " << EscapeForTerminal(e.inputs.scaling.description) << "\n"
            << "samples     " << e.stats.samples << "\n"
            << "loss        " << FixedText(e.stats.mean_loss(), 6) << "\n"
            << "accuracy    " << FixedText(e.stats.accuracy(), 4) << " (" << e.stats.correct << " correct)\n"
            << "\nper class\n"
            << Render(PerClassTable(e), OutputFormat::kTable);
}

int RunEval(const EvalOptions& options) {
  Result<Evaluation> evaluation = Evaluate(options);
  if (!evaluation.ok()) return Report(evaluation.status(), ExitCodeFor(evaluation.status()));
  switch (options.format) {
    case OutputFormat::kJson: std::cout << ToJson(options, *evaluation).Dump() << "\n"; break;
    case OutputFormat::kCsv: std::cout << RenderCsv(SummaryRow(options, *evaluation)); break;
    case OutputFormat::kTable: PrintEvaluationText(options, *evaluation); break;
  }
  return kExitOk;
}

}  // namespace

void RegisterEvalCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("eval", "Score a checkpoint on an IDX images/labels pair");
  app->footer(kEvalFooter);
  auto options = std::make_shared<EvalOptions>();
  AddCheckpointInputOptions(app, options->inputs);
  app->add_option("--labels", options->labels, "IDX labels file, one integer class per image")->required();
  AddFormatOption(app, options->format);
  registry.Add(app, [options]() { return RunEval(*options); });
}

}  // namespace runexp::cli
