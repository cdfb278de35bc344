// The fenced blocks of docs/writing-a-plugin.md and the markers that tie them
// to tested files and outputs: an HTML comment on the line before a block,
//
//   <!-- file: feature_standardizer.cc -->     the blocks so marked, in the
//                                              order of the page, are the
//                                              whole file, byte for byte;
//   <!-- excerpt: mnist_standardized.toml -->  the block appears verbatim
//                                              in the file;
//   <!-- output: plugins -->                   what a command prints, checked
//                                              by out_of_tree_test.cc.
//
// Files are those of docs/examples/feature_standardizer/.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace runexp::testing {

inline const std::filesystem::path kTutorial = std::filesystem::path(RUNEXP_SOURCE_DIR) / "docs/writing-a-plugin.md";
inline const std::filesystem::path kTutorialExample =
    std::filesystem::path(RUNEXP_SOURCE_DIR) / "docs/examples/feature_standardizer";

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct CodeBlock {
  int line = 0;          // of the opening fence, 1-based
  std::string language;  // "cpp", "toml", "text", ...
  std::string marker;    // "file", "excerpt" or "output"; empty when unmarked
  std::string name;      // the file, or the output's name
  std::string text;      // every line, each ending in '\n'
};

// Every fenced block of `markdown`, in order. A block left open ends the text.
inline std::vector<CodeBlock> CodeBlocks(const std::string& markdown) {
  std::vector<CodeBlock> blocks;
  std::istringstream lines(markdown);
  std::string line, previous;
  bool open = false;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (open) {
      if (line == "```") open = false;
      else blocks.back().text += line + "\n";
      continue;
    }
    if (line.starts_with("```")) {
      CodeBlock block{number, line.substr(3), "", "", ""};
      for (const std::string kind : {"file", "excerpt", "output"}) {
        std::string prefix = "<!-- " + kind + ": ";
        if (previous.starts_with(prefix) && previous.ends_with(" -->")) {
          block.marker = kind;
          block.name = previous.substr(prefix.size(), previous.size() - prefix.size() - 4);
        }
      }
      blocks.push_back(block);
      open = true;
    }
    if (!line.empty()) previous = line;
  }
  return blocks;
}

// The text of the block marked <!-- output: name -->, or "" if there is none.
inline std::string TutorialOutput(const std::string& name) {
  for (const CodeBlock& block : CodeBlocks(ReadFile(kTutorial))) {
    if (block.marker == "output" && block.name == name) return block.text;
  }
  return "";
}

}  // namespace runexp::testing
