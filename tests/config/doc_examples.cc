#include "doc_examples.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>

namespace runexp::config::testing {

namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The fenced block starting at the first "```<info>" line at or after `i`
// (only blank lines may come before it); advances `i` past it.
std::optional<std::string> FencedBlock(const std::vector<std::string>& lines, size_t& i,
                                       std::string_view info) {
  while (i < lines.size() && lines[i].empty()) ++i;
  if (i >= lines.size() || lines[i] != "```" + std::string(info)) return std::nullopt;
  std::string block;
  for (++i; i < lines.size() && lines[i] != "```"; ++i) block += lines[i] + "\n";
  ++i;
  return block;
}

}  // namespace

std::vector<DocExample> ReadDocExamples(const std::filesystem::path& markdown) {
  std::ifstream in(markdown);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> lines = SplitLines(text.str());
  std::vector<DocExample> examples;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    constexpr std::string_view kMarker = "<!-- check: ";
    if (line.rfind(kMarker, 0) != 0) continue;
    DocExample example;
    example.line = static_cast<int>(i + 1);
    std::istringstream words(line.substr(kMarker.size()));
    std::string word;
    words >> word;
    example.valid = word == "valid";
    EXPECT_TRUE(word == "valid" || word == "invalid")
        << markdown.filename().string() << ":" << i + 1 << ": " << word;
    while (words >> word) {
      if (word == "--set" && words >> word) example.overrides.push_back(word);
    }
    size_t at = i + 1;
    std::optional<std::string> toml = FencedBlock(lines, at, "toml");
    EXPECT_TRUE(toml.has_value()) << markdown.filename().string() << ":" << i + 1
                                  << ": no ```toml block after marker";
    if (!toml) continue;
    example.toml = *toml;
    if (!example.valid) {
      std::optional<std::string> expected = FencedBlock(lines, at, "text");
      EXPECT_TRUE(expected.has_value())
          << markdown.filename().string() << ":" << i + 1 << ": no ```text block";
      if (expected) example.expected_errors = SplitLines(*expected);
    }
    examples.push_back(std::move(example));
    i = at - 1;
  }
  return examples;
}

}  // namespace runexp::config::testing
