// The peer suite: every invalid document of toml-test (a copy of the
// project's shared/data/toml-test-invalid, 499 files, MIT licence inside,
// kept in tests/config/ so a plain clone tests it) is a bad experiment file that must be
// rejected with exactly one clean "FILE:LINE:COL: message" line — no crash,
// no abort, whatever the build type.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/loader.h"
#include "fake_plugins.h"

namespace runexp::config::testing {
namespace {

const std::filesystem::path kSuiteDir = RUNEXP_TOML_TEST_INVALID_DIR;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> CheckLines(const std::filesystem::path& path) {
  CheckResult result = CheckExperimentText(ReadFile(path), path, FakeCatalog());
  std::vector<std::string> lines;
  for (const ConfigError& error : result.errors) lines.push_back(FormatConfigError(error));
  return lines;
}

bool IsCleanLine(const std::string& line) {
  for (unsigned char c : line) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

TEST(TomlTestSuite, EveryInvalidDocumentIsRejectedWithOneCleanLocatedLine) {
  ASSERT_TRUE(std::filesystem::is_directory(kSuiteDir))
      << kSuiteDir << " is missing: it is committed under tests/config/";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kSuiteDir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files.size(), 499u);
  for (const std::filesystem::path& file : files) {
    SCOPED_TRACE(file.lexically_relative(kSuiteDir).string());
    std::vector<std::string> lines = CheckLines(file);
    ASSERT_EQ(lines.size(), 1u);
    const std::string& line = lines.front();
    std::string prefix = file.string() + ":";
    ASSERT_EQ(line.substr(0, prefix.size()), prefix) << line;
    static const std::regex kLocated("^[1-9][0-9]*:[1-9][0-9]*: invalid TOML.+$");
    EXPECT_TRUE(std::regex_match(line.substr(prefix.size()), kLocated)) << line;
    EXPECT_TRUE(IsCleanLine(line)) << line;
  }
}

// The five documents that abort toml++ 3.3.0 built without NDEBUG (and are
// undefined behaviour with it), asserted one by one.
struct PreconditionCase {
  const char* file;
  const char* location;
};

void PrintTo(const PreconditionCase& c, std::ostream* out) {
  *out << c.file << " at " << c.location;
}

class TomlTestPreconditions : public ::testing::TestWithParam<PreconditionCase> {};

TEST_P(TomlTestPreconditions, IsAnOrdinaryLocatedParseError) {
  ASSERT_TRUE(std::filesystem::is_directory(kSuiteDir)) << kSuiteDir << " is missing";
  std::filesystem::path file = kSuiteDir / GetParam().file;
  ASSERT_TRUE(std::filesystem::is_regular_file(file)) << file;
  EXPECT_THAT(CheckLines(file),
              ::testing::ElementsAre(file.string() + ":" + GetParam().location +
                                     ": invalid TOML: expected a key (bare or quoted) here"));
}

INSTANTIATE_TEST_SUITE_P(FromReadme, TomlTestPreconditions,
                         ::testing::Values(PreconditionCase{"key/single-open-bracket.toml", "1:2"},
                                           PreconditionCase{"table/dot.toml", "1:2"},
                                           PreconditionCase{"table/dotdot.toml", "1:2"},
                                           PreconditionCase{"table/no-close-04.toml", "1:2"},
                                           PreconditionCase{"table/bare-invalid-character-01.toml",
                                                            "1:2"}),
                         [](const ::testing::TestParamInfo<PreconditionCase>& info) {
                           std::string name = info.param.file;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace runexp::config::testing
