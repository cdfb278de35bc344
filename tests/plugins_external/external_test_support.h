// What the external-plugin tests share: where things are, and small files.
// Paths come from tests/plugins_external/CMakeLists.txt. Not thread-safe
// (RunCommand is not).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "run_command.h"

namespace runexp::testing {

// The runexp executable of the build tree.
inline std::string Runexp(const std::string& args) { return ShellQuote(RUNEXP_EXE) + " " + args; }

inline std::string Quote(const std::filesystem::path& path) { return ShellQuote(path.string()); }

inline void WriteTextFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A valid experiment: a reader and a reshaper (`check` reads no data), with
// `experiment_keys` added to its [experiment] table and `stages` appended.
inline std::string ExperimentText(const std::string& experiment_keys, const std::string& stages = "") {
  return "[experiment]\nname = \"external\"\ndsl_version = 1\nseed = 1\nresults = \"results.db\"\n" +
         experiment_keys +
         "\n[stages.images]\nplugin = \"idx_reader\"\npath = \"images.idx\"\n"
         "\n[stages.pixels]\nplugin = \"reshape_normalize\"\ninput = \"images\"\nshape = [784]\n" +
         stages;
}

}  // namespace runexp::testing
