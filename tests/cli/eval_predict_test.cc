// `runexp eval` and `runexp predict` as a user runs them: on a checkpoint
// written here with a small model and on IDX files written here, every
// figure is compared with the model's own nn::Evaluate / Mlp::Predict on the
// same data, and every bad input is refused with the file named.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "checkpoint/atomic_file.h"
#include "checkpoint/checkpoint_codec.h"
#include "idx_file.h"
#include "run_command.h"
#include "runexp/checkpoint.h"
#include "runexp/nn/trainer.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunCommand;
using testing::ShellQuote;

constexpr int64_t kImages = 40;
constexpr int64_t kClasses = 3;

// The stages of a run as its effective TOML names them: images -> x
// (reshape_normalize, divide_by) -> model.x. `x_plugin` replaces the
// reshape_normalize stage to make the scaling underivable.
std::string EffectiveConfig(const std::string& x_plugin = "reshape_normalize") {
  return "[experiment]\nname = \"tiny\"\nseed = 5\n\n"
         "[stages.images]\npath = \"/data/images\"\nplugin = \"idx_reader\"\n\n"
         "[stages.model]\ninputs = { x = \"x.output\", y = \"y.output\" }\nplugin = \"mlp_trainer\"\n\n"
         "[stages.x]\ndivide_by = 255.0\ninputs = { input = \"images.output\" }\nplugin = \"" + x_plugin +
         "\"\nscaling = \"divide\"\nshape = [4]\n";
}

nn::Mlp TinyModel(int64_t inputs, int64_t classes) {
  nn::MlpSpec spec{inputs, {{5, nn::Activation::kRelu}, {classes, nn::Activation::kSoftmax}},
                   nn::Loss::kCategoricalCrossentropy};
  nn::Mlp model = nn::Mlp::Create(spec).value();
  model.InitGlorotUniform(7);
  // Larger biases than Glorot's zeros, so the classes are not all alike.
  std::vector<float> bias = {0.3f, -0.2f, 0.1f};
  for (std::size_t i = 0; i < model.mutable_parameters()[3].values<float>().size(); ++i) {
    model.mutable_parameters()[3].values<float>()[i] = bias[i % bias.size()];
  }
  return model;
}

Status WriteCheckpoint(const fs::path& path, nn::Mlp model, const std::string& config) {
  TrainingCheckpoint c;
  c.optimizer_config = nn::OptimizerConfig::Rmsprop(0.001f, 0.9f, 1e-7f);
  c.optimizer_state = nn::Optimizer::Create(c.optimizer_config, model.parameters()).value().state();
  c.model = std::make_shared<const nn::Mlp>(std::move(model));
  c.streams.push_back({"shuffle", nn::RandomStream(5, "shuffle")});
  c.epochs_completed = 3;
  c.total_epochs = 3;
  c.provenance.run_id = "20261130T003501-7f3a9c";
  c.provenance.experiment = "tiny";
  c.provenance.stage = "model";
  c.provenance.config_sha256 = std::string(64, 'a');
  c.provenance.seed = 5;
  c.provenance.effective_config = config;
  return WriteFileAtomically(path, SerializeCheckpoint(c));
}

// Every (row, value) a deterministic mix of bytes, including 0 and 255.
Tensor Images(int64_t count, int64_t rows, int64_t cols) {
  Tensor t(DType::kUInt8, {count, rows, cols});
  std::span<uint8_t> v = t.values<uint8_t>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>((i * 97 + i / 3 * 31) % 256);
  return t;
}

Tensor Labels(int64_t count, uint8_t modulo) {
  Tensor t(DType::kUInt8, {count});
  for (int64_t i = 0; i < count; ++i) t.values<uint8_t>()[static_cast<std::size_t>(i)] = static_cast<uint8_t>(i % modulo);
  return t;
}

// The model's input as reshape_normalize would make it.
Tensor Scaled(const Tensor& images, int64_t width) {
  Tensor x(DType::kFloat32, {images.dim(0), width});
  const float scale = static_cast<float>(1.0 / 255.0);
  for (std::size_t i = 0; i < x.values<float>().size(); ++i) {
    x.values<float>()[i] = static_cast<float>(images.values<uint8_t>()[i]) * scale + 0.0f;
  }
  return x;
}

Tensor OneHot(const Tensor& labels, int64_t classes) {
  Tensor y(DType::kFloat32, {labels.dim(0), classes});
  for (int64_t i = 0; i < labels.dim(0); ++i) {
    y.values<float>()[static_cast<std::size_t>(i * classes + labels.values<uint8_t>()[static_cast<std::size_t>(i)])] = 1;
  }
  return y;
}

std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(!line.empty() && line.back() == '\r') << "not a CRLF line: " << line;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) fields.push_back(cell);
    rows.push_back(fields);
  }
  return rows;
}

// Finds `"key": <number>` in one-line or indented JSON output.
double JsonNumber(const std::string& json, const std::string& key) {
  std::size_t at = json.find("\"" + key + "\":");
  EXPECT_NE(at, std::string::npos) << key << " missing from " << json;
  if (at == std::string::npos) return std::nan("");
  return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

class EvalPredictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("runexp-eval");
    checkpoint_ = dir_ + "/model.pb";
    images_ = dir_ + "/images.idx";
    labels_ = dir_ + "/labels.idx";
    model_ = std::make_unique<nn::Mlp>(TinyModel(4, kClasses));
    ASSERT_TRUE(WriteCheckpoint(checkpoint_, *model_, EffectiveConfig()).ok());
    ASSERT_TRUE(idx::WriteIdxFile(images_, Images(kImages, 2, 2)).ok());
    ASSERT_TRUE(idx::WriteIdxFile(labels_, Labels(kImages, kClasses)).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  CommandResult Runexp(const std::string& args) {
    return RunCommand(std::string(RUNEXP_EXE) + " " + args);
  }
  std::string Eval(const std::string& extra = "") {
    return "eval " + ShellQuote(checkpoint_) + " --images " + ShellQuote(images_) + " --labels " +
           ShellQuote(labels_) + " " + extra;
  }
  std::string Predict(const std::string& extra = "") {
    return "predict " + ShellQuote(checkpoint_) + " --images " + ShellQuote(images_) + " " + extra;
  }
  nn::BatchStats Expected() {
    return nn::Evaluate(*model_, Scaled(Images(kImages, 2, 2), 4), OneHot(Labels(kImages, kClasses), kClasses), 1024)
        .value();
  }

  std::string dir_, checkpoint_, images_, labels_;
  std::unique_ptr<nn::Mlp> model_;
};

TEST_F(EvalPredictTest, EvalJsonEqualsTheModelsOwnEvaluation) {
  nn::BatchStats expected = Expected();
  ASSERT_GT(expected.correct, 0);
  ASSERT_LT(expected.correct, kImages);  // neither all right nor all wrong: a real comparison
  CommandResult result = Runexp(Eval("--format json"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(JsonNumber(result.out, "samples"), kImages);
  EXPECT_EQ(JsonNumber(result.out, "correct"), expected.correct);
  EXPECT_DOUBLE_EQ(JsonNumber(result.out, "accuracy"), expected.accuracy());
  EXPECT_DOUBLE_EQ(JsonNumber(result.out, "loss"), expected.mean_loss());
  EXPECT_NE(result.out.find("\"scaling\": \"divide_by = 255 (stage x)\""), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\"per_class\""), std::string::npos) << result.out;
}

TEST_F(EvalPredictTest, EvalCsvIsOneParsableRowAndPerClassAddsUp) {
  nn::BatchStats expected = Expected();
  CommandResult result = Runexp(Eval("--format csv"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto rows = ParseCsv(result.out);
  ASSERT_EQ(rows.size(), 2u) << result.out;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"checkpoint", "images", "labels", "samples", "correct", "loss",
                                               "accuracy"}));
  ASSERT_EQ(rows[1].size(), 7u);
  EXPECT_EQ(rows[1][0], checkpoint_);
  EXPECT_EQ(std::stoll(rows[1][4]), expected.correct);
  EXPECT_DOUBLE_EQ(std::stod(rows[1][5]), expected.mean_loss());

  // The table's per-class rows: samples and correct sum to the totals.
  CommandResult table = Runexp(Eval());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::istringstream lines(table.out.substr(table.out.find("per class")));
  std::string line;
  std::getline(lines, line);  // "per class"
  std::getline(lines, line);  // the header
  int64_t samples = 0, correct = 0, classes = 0;
  int64_t c, n, k;
  while (lines >> c >> n >> k && std::getline(lines, line)) {
    samples += n;
    correct += k;
    ++classes;
  }
  EXPECT_EQ(classes, kClasses) << table.out;
  EXPECT_EQ(samples, kImages) << table.out;
  EXPECT_EQ(correct, expected.correct) << table.out;
}

TEST_F(EvalPredictTest, PredictGivesTheArgmaxOfTheModelsOutputs) {
  Tensor outputs = model_->Predict(Scaled(Images(kImages, 2, 2), 4)).value();
  CommandResult result = Runexp(Predict());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto rows = ParseCsv(result.out);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kImages + 1)) << result.out;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"index", "class"}));
  std::vector<int> seen(kClasses, 0);
  for (int64_t i = 0; i < kImages; ++i) {
    std::span<const float> row = outputs.values<float>().subspan(static_cast<std::size_t>(i * kClasses), kClasses);
    int64_t best = std::max_element(row.begin(), row.end()) - row.begin();
    ASSERT_EQ(rows[static_cast<std::size_t>(i + 1)],
              (std::vector<std::string>{std::to_string(i), std::to_string(best)}));
    ++seen[static_cast<std::size_t>(best)];
  }
  EXPECT_LT(*std::max_element(seen.begin(), seen.end()), kImages) << "every image got one class";
}

TEST_F(EvalPredictTest, PredictProbabilitiesSumToOneAndMatchTheModel) {
  // The model's prediction of the same 7 images, not of all 40: a row's
  // last bits may depend on how many rows are multiplied together (oneDNN's
  // AVX2 kernels round a product's last rows differently; docs/checkpoint.md).
  constexpr int64_t kLimit = 7;
  Tensor outputs = model_->Predict(Scaled(Images(kLimit, 2, 2), 4)).value();
  CommandResult csv = Runexp(Predict("--probabilities --limit " + std::to_string(kLimit)));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto rows = ParseCsv(csv.out);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kLimit + 1)) << csv.out;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"index", "class", "p0", "p1", "p2"}));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), 5u);
    double sum = 0;
    for (std::size_t c = 0; c < 3; ++c) {
      float p = std::strtof(rows[r][2 + c].c_str(), nullptr);
      EXPECT_EQ(p, outputs.values<float>()[(r - 1) * 3 + c]) << "row " << r << " p" << c;
      sum += p;
    }
    EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << r;
  }

  CommandResult json = Runexp(Predict("--probabilities --limit 2 --format json"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.rfind("[\n{\"index\":0,\"class\":", 0), 0u) << json.out;
  EXPECT_NE(json.out.find("\n{\"index\":1,"), std::string::npos) << json.out;
  EXPECT_EQ(std::count(json.out.begin(), json.out.end(), '{'), 2) << json.out;
  EXPECT_NE(json.out.find("\"probabilities\":["), std::string::npos) << json.out;
  EXPECT_TRUE(json.out.ends_with("]}\n]\n")) << json.out;
}

TEST_F(EvalPredictTest, DivideByStandsInWhenTheScalingCannotBeDerived) {
  ASSERT_TRUE(WriteCheckpoint(checkpoint_, *model_, EffectiveConfig("feature_standardizer")).ok());
  CommandResult refused = Runexp(Eval());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find(checkpoint_), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--divide-by"), std::string::npos) << refused.err;

  CommandResult result = Runexp(Eval("--divide-by 255 --format json"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_DOUBLE_EQ(JsonNumber(result.out, "loss"), Expected().mean_loss());
  EXPECT_NE(result.out.find("\"scaling\": \"--divide-by 255\""), std::string::npos) << result.out;

  CommandResult zero = Runexp(Predict("--divide-by 0"));
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.err.find("--divide-by must be a number greater than 0"), std::string::npos) << zero.err;
}

TEST_F(EvalPredictTest, AMissingCheckpointIsAUsageErrorNamingIt) {
  checkpoint_ = dir_ + "/no-such.pb";
  for (const std::string& command : {Eval(), Predict()}) {
    CommandResult result = Runexp(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find(checkpoint_), std::string::npos) << result.err;
  }
}

TEST_F(EvalPredictTest, ACorruptCheckpointIsAUsageErrorNamingIt) {
  std::ifstream in(checkpoint_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  in.close();
  std::ofstream(checkpoint_, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  for (const std::string& command : {Eval(), Predict()}) {
    CommandResult result = Runexp(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find(checkpoint_), std::string::npos) << result.err;
  }
}

TEST_F(EvalPredictTest, ImagesOfAnotherWidthAreRefusedNamingTheFile) {
  ASSERT_TRUE(idx::WriteIdxFile(images_, Images(kImages, 3, 3)).ok());
  for (const std::string& command : {Eval(), Predict()}) {
    CommandResult result = Runexp(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_NE(result.err.find(images_ + ": each image has 9 values (shape (40, 3, 3)), the model takes 4"),
              std::string::npos)
        << result.err;
  }
}

TEST_F(EvalPredictTest, LabelCountMustMatchImageCount) {
  ASSERT_TRUE(idx::WriteIdxFile(labels_, Labels(kImages - 1, kClasses)).ok());
  CommandResult result = Runexp(Eval());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(labels_ + ": holds 39 labels, but " + images_ + " holds 40 images"),
            std::string::npos)
      << result.err;
}

TEST_F(EvalPredictTest, LabelsOutOfRangeNameTheFileAndIndex) {
  ASSERT_TRUE(idx::WriteIdxFile(labels_, Labels(kImages, 5)).ok());  // 3 first appears at index 3
  CommandResult result = Runexp(Eval());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find(labels_ + ": label at index 3 is 3, outside [0, 3)"), std::string::npos)
      << result.err;
}

TEST_F(EvalPredictTest, HelpListsBothCommands) {
  CommandResult result = Runexp("--help");
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("eval"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("predict"), std::string::npos) << result.out;
  CommandResult predict = Runexp("help predict");
  ASSERT_EQ(predict.exit_code, 0);
  EXPECT_NE(predict.out.find("--probabilities"), std::string::npos) << predict.out;
  EXPECT_NE(predict.out.find("--divide-by"), std::string::npos) << predict.out;
}

// The real test set (and its gzip form, if fetched): an untrained 784 -> 10
// model, so the figures are those of chance, but the reading, scaling and
// scoring of 10000 real images is compared with nn::Evaluate.
TEST(EvalRealMnistTest, MatchesNnEvaluateOnTheTestSet) {
  const char* data = std::getenv("RUNEXP_DATA_DIR");
  if (data == nullptr || *data == '\0') GTEST_SKIP() << "RUNEXP_DATA_DIR is not set";
  const std::string images = std::string(data) + "/mnist/t10k-images-idx3-ubyte";
  const std::string labels = std::string(data) + "/mnist/t10k-labels-idx1-ubyte";
  if (!fs::exists(images) || !fs::exists(labels)) GTEST_SKIP() << images << " missing: run scripts/fetch-data.sh";
  std::string dir = testing::MakeTempDir("runexp-eval-mnist");
  std::string checkpoint = dir + "/mnist.pb";
  nn::Mlp model = TinyModel(784, 10);
  std::string config = EffectiveConfig();
  config.replace(config.find("shape = [4]"), 11, "shape = [784]");
  ASSERT_TRUE(WriteCheckpoint(checkpoint, model, config).ok());

  Tensor raw_images = idx::ReadIdxFile(images).value();
  Tensor raw_labels = idx::ReadIdxFile(labels).value();
  nn::BatchStats expected =
      nn::Evaluate(model, Scaled(raw_images, 784), OneHot(raw_labels, 10), 1024).value();

  CommandResult result = RunCommand(std::string(RUNEXP_EXE) + " eval " + ShellQuote(checkpoint) + " --images " +
                                    ShellQuote(images) + " --labels " + ShellQuote(labels) + " --format json");
  fs::remove_all(dir);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(JsonNumber(result.out, "samples"), 10000);
  EXPECT_EQ(JsonNumber(result.out, "correct"), expected.correct);
  EXPECT_DOUBLE_EQ(JsonNumber(result.out, "loss"), expected.mean_loss());
}

// One epoch of the book's experiment, then eval of the checkpoint it saved on
// the test set: the figures must be the very ones the run recorded, which
// holds only if eval prepared the images exactly as the run did.
TEST(EvalRealMnistTest, ReproducesTheRunsRecordedTestFigures) {
  const char* data = std::getenv("RUNEXP_DATA_DIR");
  if (data == nullptr || *data == '\0') GTEST_SKIP() << "RUNEXP_DATA_DIR is not set";
  const std::string mnist = std::string(data) + "/mnist/";
  if (!fs::exists(mnist + "t10k-images-idx3-ubyte")) GTEST_SKIP() << mnist << " missing: run scripts/fetch-data.sh";
  const std::string dir = testing::MakeTempDir("runexp-eval-run");
  const std::string exe = RUNEXP_EXE;
  std::string run = exe + " " + ShellQuote(std::string(RUNEXP_SOURCE_DIR) + "/experiments/mnist_ch2.toml") +
                    " --set model.epochs=1 --set " + ShellQuote("experiment.results=\"" + dir + "/results.db\"");
  for (const char* stage : {"train_images", "train_labels", "test_images", "test_labels"}) {
    std::string file = std::string(stage).starts_with("train") ? "train" : "t10k";
    file += std::string(stage).ends_with("images") ? "-images-idx3-ubyte" : "-labels-idx1-ubyte";
    run += " --set " + ShellQuote(std::string(stage) + ".path=\"" + mnist + file + "\"");
  }
  CommandResult trained = RunCommand(run);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;

  std::string checkpoint;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".pb") checkpoint = entry.path().string();
  }
  ASSERT_FALSE(checkpoint.empty()) << "no checkpoint under " << dir;
  // Checkpoints live in <results folder>/<run id>/checkpoints/.
  const std::string run_id = fs::path(checkpoint).parent_path().parent_path().filename().string();
  CommandResult recorded = RunCommand(exe + " show " + run_id + " --results " + ShellQuote(dir + "/results.db") +
                                      " --format csv");
  CommandResult scored = RunCommand(exe + " eval " + ShellQuote(checkpoint) + " --images " +
                                    ShellQuote(mnist + "t10k-images-idx3-ubyte") + " --labels " +
                                    ShellQuote(mnist + "t10k-labels-idx1-ubyte") + " --format csv");
  fs::remove_all(dir);
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  auto epochs = ParseCsv(recorded.out);
  auto figures = ParseCsv(scored.out);
  ASSERT_EQ(epochs.size(), 2u) << recorded.out;
  ASSERT_EQ(figures.size(), 2u) << scored.out;
  ASSERT_EQ(epochs[0][3], "test_loss");
  ASSERT_EQ(epochs[0][4], "test_accuracy");
  EXPECT_EQ(figures[1][5], epochs[1][3]) << "loss";      // the same double, digit for digit
  EXPECT_EQ(figures[1][6], epochs[1][4]) << "accuracy";
  EXPECT_GT(std::stod(figures[1][6]), 0.9);  // a trained model, not chance
}

}  // namespace
}  // namespace runexp
