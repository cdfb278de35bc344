// libFuzzer target: the --set KEY=VALUE parser and its application
// (config/overrides.h), through the whole check so an override meets the
// same validation a value written in the file meets. The input is the
// command line's overrides, one per line, applied in order to the book's
// experiment (experiments/mnist_ch2.toml, held here so the target needs no
// file). Keys reach into tables and arrays by index (model.layers[3].units):
// an index must never make the parser allocate what it merely names.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"
#include "plugins/plugin_catalog.h"

namespace {

constexpr std::string_view kExperiment = R"toml(
[experiment]
name = "mnist_ch2"
dsl_version = 1
seed = 20261130
results = "../results/results.db"

[stages.train_images]
plugin = "idx_reader"
path = "../data/mnist/train-images-idx3-ubyte"

[stages.train_labels]
plugin = "idx_reader"
path = "../data/mnist/train-labels-idx1-ubyte"

[stages.test_images]
plugin = "idx_reader"
path = "../data/mnist/t10k-images-idx3-ubyte"

[stages.test_labels]
plugin = "idx_reader"
path = "../data/mnist/t10k-labels-idx1-ubyte"

[stages.train_x]
plugin = "reshape_normalize"
input = "train_images"
shape = [784]
divide_by = 255.0

[stages.test_x]
plugin = "reshape_normalize"
input = "test_images"
shape = [784]
divide_by = 255.0

[stages.train_y]
plugin = "one_hot"
input = "train_labels"
classes = 10

[stages.test_y]
plugin = "one_hot"
input = "test_labels"
classes = 10

[stages.model]
plugin = "mlp_trainer"
inputs = { x = "train_x", y = "train_y" }
epochs = 5
batch_size = 128
shuffle = true
loss = "categorical_crossentropy"
layers = [
  { units = 512, activation = "relu" },
  { units = 10, activation = "softmax" },
]
optimizer = { name = "rmsprop", learning_rate = 0.001, rho = 0.9, epsilon = 1e-7 }

[stages.evaluate]
plugin = "evaluator"
inputs = { model = "model.snapshots", train_x = "train_x", train_y = "train_y", test_x = "test_x", test_y = "test_y" }
)toml";

const runexp::PluginCatalog& Catalog() {
  static const runexp::PluginCatalog* catalog = [] {
    auto* built = new runexp::PluginCatalog;
    runexp::RegisterBuiltinPlugins(*built);
    return built;
  }();
  return *catalog;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  runexp::config::LoadOptions options;
  options.check_results_writable = false;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    options.overrides.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  (void)runexp::config::CheckExperimentText(kExperiment, "/nonexistent/fuzz/experiments/mnist_ch2.toml",
                                            Catalog(), options);
  return 0;
}
