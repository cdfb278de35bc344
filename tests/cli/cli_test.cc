// The runexp executable as a user meets it: version, help, exit codes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "run_command.h"

namespace {

using runexp::testing::RunCommand;

std::string Runexp(const std::string& args) { return std::string(RUNEXP_EXE) + " " + args; }

TEST(CliTest, VersionNamesReleaseAndCommit) {
  auto result = RunCommand(Runexp("--version"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::regex_search(result.out, std::regex(R"(^runexp \d+\.\d+\.\d+\n)")))
      << result.out;
  // A build from a git checkout names its commit; from a tarball, "unknown".
  bool from_git = std::filesystem::exists(std::string(RUNEXP_SOURCE_DIR) + "/.git");
  EXPECT_TRUE(std::regex_search(result.out, std::regex(from_git ? R"(commit [0-9a-f]{40})"
                                                                 : R"(commit unknown)")))
      << result.out;
}

TEST(CliTest, HelpListsEveryCommandAndTheExitCodes) {
  auto result = RunCommand(Runexp("--help"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* command : {"run", "inspect", "help"}) {
    EXPECT_TRUE(std::regex_search(result.out, std::regex(std::string(R"(\n\s+)") + command + R"(\s)")))
        << "command " << command << " missing from:\n" << result.out;
  }
  EXPECT_NE(result.out.find("Exit codes:"), std::string::npos);
  EXPECT_NE(result.out.find("130"), std::string::npos);
}

TEST(CliTest, HelpCommandDescribesOneCommand) {
  auto result = RunCommand(Runexp("help inspect"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("inspect"), std::string::npos);
  EXPECT_NE(result.out.find("--limit"), std::string::npos) << result.out;
  EXPECT_EQ(RunCommand(Runexp("help inspect")).out, RunCommand(Runexp("inspect --help")).out);
}

TEST(CliTest, HelpForUnknownCommandIsAUsageError) {
  auto result = RunCommand(Runexp("help frobnicate"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown command 'frobnicate'"), std::string::npos) << result.err;
}

TEST(CliTest, UnknownOptionIsAUsageError) {
  auto result = RunCommand(Runexp("--no-such-flag"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--no-such-flag"), std::string::npos) << result.err;
}

TEST(CliTest, MissingExperimentFileIsAUsageError) {
  auto result = RunCommand(Runexp("/nonexistent/experiment.toml"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("/nonexistent/experiment.toml"), std::string::npos) << result.err;
}

}  // namespace
