// docs/writing-a-plugin.md cannot drift from the code the out-of-tree test
// builds: every C++, CMake and TOML block of the page is marked with the
// example file it shows (the markers: tutorial_blocks.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tutorial_blocks.h"

namespace runexp {
namespace {

using testing::CodeBlock;
using testing::CodeBlocks;
using testing::kTutorial;
using testing::kTutorialExample;
using testing::ReadFile;

std::vector<CodeBlock> TutorialBlocks() { return CodeBlocks(ReadFile(kTutorial)); }

TEST(TutorialDocsTest, EveryCodeBlockNamesItsFile) {
  const std::set<std::string> code_languages{"cpp", "cmake", "toml"};
  std::vector<CodeBlock> blocks = TutorialBlocks();
  ASSERT_FALSE(blocks.empty()) << kTutorial;
  for (const CodeBlock& block : blocks) {
    if (!code_languages.contains(block.language)) continue;
    EXPECT_TRUE(block.marker == "file" || block.marker == "excerpt")
        << kTutorial << ":" << block.line << ": a " << block.language
        << " block needs <!-- file: NAME --> or <!-- excerpt: NAME --> on the line before it";
    if (!block.marker.empty()) {
      EXPECT_TRUE(std::filesystem::is_regular_file(kTutorialExample / block.name))
          << kTutorial << ":" << block.line << ": no file " << kTutorialExample / block.name;
    }
  }
}

TEST(TutorialDocsTest, FileBlocksMakeUpTheWholeFile) {
  std::map<std::string, std::string> shown;
  for (const CodeBlock& block : TutorialBlocks()) {
    if (block.marker == "file") shown[block.name] += block.text;
  }
  // The plugin's code and its build are shown in full.
  for (const char* file : {"feature_standardizer.h", "feature_standardizer.cc", "CMakeLists.txt"}) {
    EXPECT_TRUE(shown.contains(file)) << file << " is not shown in full in " << kTutorial;
  }
  for (const auto& [file, text] : shown) {
    EXPECT_EQ(text, ReadFile(kTutorialExample / file))
        << "the blocks marked <!-- file: " << file << " --> in " << kTutorial
        << ", put together, must be the whole of " << kTutorialExample / file;
  }
}

TEST(TutorialDocsTest, ExcerptBlocksAppearVerbatim) {
  for (const CodeBlock& block : TutorialBlocks()) {
    if (block.marker != "excerpt") continue;
    EXPECT_NE(ReadFile(kTutorialExample / block.name).find(block.text), std::string::npos)
        << kTutorial << ":" << block.line << ": this block is not in " << kTutorialExample / block.name
        << ":\n" << block.text;
  }
}

TEST(TutorialDocsTest, EveryExampleFileIsShown) {
  std::set<std::string> shown;
  for (const CodeBlock& block : TutorialBlocks()) {
    if (block.marker == "file" || block.marker == "excerpt") shown.insert(block.name);
  }
  // Sources only: someone following the tutorial in place leaves build/ and results behind.
  const std::set<std::string> source_extensions{".h", ".cc", ".toml", ".txt"};
  for (const auto& entry : std::filesystem::directory_iterator(kTutorialExample)) {
    if (!entry.is_regular_file() || !source_extensions.contains(entry.path().extension().string())) continue;
    EXPECT_TRUE(shown.contains(entry.path().filename().string()))
        << entry.path() << " is part of the example, but no block of " << kTutorial << " shows it";
  }
}

}  // namespace
}  // namespace runexp
