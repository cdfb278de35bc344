// `runexp plugins [NAME]`: every plugin with its ports and parameters, like
// gst-inspect; with NAME, one plugin in full.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "commands.h"
#include "exit_codes.h"
#include "run/catalog_setup.h"

namespace runexp::cli {

namespace {

std::string KindName(PortKind kind) { return kind == PortKind::kStream ? "stream" : "value"; }

void PrintParam(std::ostream& out, const ParamSpec& param, const std::string& indent) {
  out << indent << param.name << " (" << ParamTypeName(param.type);
  if (param.type == ParamType::kArray) out << " of " << ParamTypeName(param.element_type);
  out << ")";
  if (param.default_value) out << " = " << param.default_value->ToToml();
  else out << ", required";
  if (param.min) out << ", min " << *param.min;
  if (param.max) out << ", max " << *param.max;
  if (!param.choices.empty()) {
    out << ", one of";
    for (const std::string& choice : param.choices) out << " " << choice;
  }
  out << "\n" << indent << "    " << param.doc << "\n";
  for (const ParamSpec& field : param.fields) PrintParam(out, field, indent + "    ");
}

void PrintPlugin(std::ostream& out, const std::string& name, const PluginSpec& spec,
                 const PluginOrigin* origin) {
  out << name << ": " << spec.description << "\n";
  out << "  from: " << (origin && !origin->library.empty() ? origin->library.string() : "built in") << "\n";
  out << "  inputs:\n";
  if (spec.inputs.empty()) out << "    (none)\n";
  for (const PortSpec& port : spec.inputs) {
    out << "    " << port.name << " (" << port.type << ", " << KindName(port.kind)
        << (port.optional ? ", optional" : "") << ") " << port.doc << "\n";
  }
  out << "  outputs:\n";
  if (spec.outputs.empty()) out << "    (none)\n";
  for (const PortSpec& port : spec.outputs) {
    out << "    " << port.name << " (" << port.type << ", " << KindName(port.kind) << ") " << port.doc << "\n";
  }
  out << "  parameters:\n";
  if (spec.params.empty()) out << "    (none)\n";
  for (const ParamSpec& param : spec.params) PrintParam(out, param, "    ");
}

}  // namespace

void RegisterPluginsCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("plugins", "List plugins with their ports and parameters");
  auto name = std::make_shared<std::string>();
  auto plugin_dirs = std::make_shared<std::vector<std::string>>();
  app->add_option("name", *name, "Show only this plugin");
  app->add_option("--plugin-dir", *plugin_dirs, "A folder of plugin libraries (*.so) to load (repeatable)");
  registry.Add(app, [name, plugin_dirs]() {
    PluginCatalog catalog;
    std::vector<std::filesystem::path> dirs(plugin_dirs->begin(), plugin_dirs->end());
    if (Status status = SetUpCatalog(catalog, dirs, std::nullopt); !status.ok()) {
      std::cerr << "runexp: " << status.ToString() << "\n";
      return kExitUsage;
    }
    if (!name->empty()) {
      const PluginSpec* spec = catalog.Find(*name);
      if (spec == nullptr) {
        std::cerr << "runexp: unknown plugin '" << *name << "'; known plugins:";
        for (const std::string& known : catalog.Names()) std::cerr << " " << known;
        std::cerr << "\n";
        return kExitUsage;
      }
      PrintPlugin(std::cout, *name, *spec, catalog.OriginOf(*name));
      return kExitOk;
    }
    bool first = true;
    for (const std::string& known : catalog.Names()) {
      if (!first) std::cout << "\n";
      first = false;
      PrintPlugin(std::cout, known, *catalog.Find(known), catalog.OriginOf(known));
    }
    return kExitOk;
  });
}

}  // namespace runexp::cli
