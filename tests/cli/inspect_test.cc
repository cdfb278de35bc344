// `runexp inspect`: what a user sees for a real data file and for a broken one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "run_command.h"

namespace {

using runexp::testing::RunCommand;
using runexp::testing::ShellQuote;

std::string DataDir() {
  const char* dir = std::getenv("RUNEXP_DATA_DIR");
  return dir ? dir : "";
}

TEST(CliInspectTest, ShowsRealMnistLabels) {
  std::string path = DataDir() + "/mnist/t10k-labels-idx1-ubyte";
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing: run scripts/fetch-data.sh";
  auto result = RunCommand(std::string(RUNEXP_EXE) + " inspect " + ShellQuote(path));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("dtype: uint8"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("shape: (10000)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("first: 7 2 1 0 4 1 4 9 5 9"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("sha256: ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            std::string::npos) << result.out;
}

TEST(CliInspectTest, CorruptFileIsAUsageErrorNamingTheFile) {
  auto dir = runexp::testing::MakeTempDir("runexp-inspect");
  std::string path = dir + "/broken-idx";
  std::ofstream(path, std::ios::binary) << std::string("\x12\x34\x08\x01", 4);
  auto result = RunCommand(std::string(RUNEXP_EXE) + " inspect " + ShellQuote(path));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find(path), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("magic"), std::string::npos) << result.err;
}

}  // namespace
