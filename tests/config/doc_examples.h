// Reads the tested examples out of docs/dsl.md: every ```toml block right
// after a "<!-- check: valid -->" or "<!-- check: invalid -->" marker (with
// optional "--set KEY=VALUE" words), and for an invalid one the ```text
// block of expected error lines that follows it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace runexp::config::testing {

struct DocExample {
  int line = 0;  // of the marker in the Markdown file
  bool valid = true;
  std::vector<std::string> overrides;
  std::string toml;
  std::vector<std::string> expected_errors;
};

// Malformed markers are reported as test failures.
std::vector<DocExample> ReadDocExamples(const std::filesystem::path& markdown);

}  // namespace runexp::config::testing
