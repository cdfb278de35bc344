// `runexp graph FILE.toml`: the experiment's graph in Graphviz DOT.
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "config/loader.h"
#include "exit_codes.h"
#include "run/catalog_setup.h"

namespace runexp::cli {

namespace {

std::string DotQuote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void RegisterGraphCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("graph", "Print an experiment's graph in Graphviz DOT");
  app->footer("Render it with: runexp graph FILE.toml | dot -Tsvg > graph.svg");
  auto file = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  app->add_option("file", *file, "Experiment file (TOML)")->required();
  app->add_option("--set", *overrides, "Override a parameter, as for `runexp run` (repeatable)");
  registry.Add(app, [file, overrides]() {
    PluginCatalog catalog;
    if (Status status = SetUpCatalog(catalog, {}, std::filesystem::path(*file)); !status.ok()) {
      std::cerr << "runexp: " << status.ToString() << "\n";
      return kExitUsage;
    }
    config::LoadOptions options;
    options.overrides = *overrides;
    options.check_results_writable = false;  // printing the graph writes nothing
    config::CheckResult checked = config::CheckExperimentFile(*file, catalog, options);
    if (!checked.ok()) {
      std::cerr << config::FormatConfigErrors(checked.errors);
      return kExitUsage;
    }
    std::cout << "digraph " << DotQuote(checked.config.name) << " {\n  rankdir=LR;\n"
              << "  node [shape=box, fontname=\"Helvetica\"];\n";
    for (const config::StageConfig& stage : checked.config.stages) {
      std::cout << "  " << DotQuote(stage.id) << " [label=" << DotQuote(stage.id + "\\n(" + stage.plugin + ")")
                << "];\n";
    }
    for (const config::StageConfig& stage : checked.config.stages) {
      for (const Connection& connection : stage.inputs) {
        const PortSpec* port = nullptr;
        for (const PortSpec& input : stage.spec->inputs) {
          if (input.name == connection.input_port) port = &input;
        }
        bool stream = port != nullptr && port->kind == PortKind::kStream;
        std::cout << "  " << DotQuote(connection.producer) << " -> " << DotQuote(stage.id)
                  << " [label=" << DotQuote(connection.producer_port + " → " + connection.input_port)
                  << (stream ? ", style=bold" : "") << "];\n";
      }
    }
    std::cout << "}\n";
    return kExitOk;
  });
}

}  // namespace runexp::cli
