// The sanitizer build's own safety net (scripts/test-sanitizers.sh): a
// report in a child process — whose stderr a test may capture and whose
// failure it may expect — must land in a log file. For UBSan that takes
// cmake/sanitizers/ubsan_log_hook.cc: g++'s UBSan ignores log_path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "run_command.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;
using testing::MakeTempDir;
using testing::RunCommand;
using testing::ShellQuote;

class SanitizerReportsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("runexp-sanitizer-reports"); }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the probe in `mode` with the options scripts/test-sanitizers.sh
  // uses, but logging to this test's folder (not the script's, which must
  // stay empty); returns its exit code.
  int RunProbe(const std::string& mode) {
    const std::string logs = ShellQuote(dir_ + "/");
    const std::string command = "ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:log_path=" + logs +
                                "asan UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=" + logs +
                                "ubsan " RUNEXP_SANITIZER_PROBE " " + mode;
    auto result = RunCommand(command);
    stderr_ = result.err;
    return result.exit_code;
  }

  // Every log file the probe left, concatenated.
  std::string Logs() const {
    std::string all;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      all += "[" + entry.path().filename().string() + "]\n" + text.str();
    }
    return all;
  }

  std::string dir_, stderr_;
};

TEST_F(SanitizerReportsTest, UndefinedBehaviourInAChildIsLoggedToAFile) {
  EXPECT_NE(RunProbe("ubsan"), 0);
  const std::string logs = Logs();
  EXPECT_NE(logs.find("[ubsan.runtime-error."), std::string::npos) << logs << stderr_;
  EXPECT_NE(logs.find("signed-integer-overflow"), std::string::npos) << logs;
  EXPECT_NE(logs.find("sanitizer_probe.cc:"), std::string::npos) << logs;
  EXPECT_NE(logs.find(" in main "), std::string::npos) << logs;  // the stack, from main down
}

TEST_F(SanitizerReportsTest, HeapOverflowInAChildIsLoggedToAFile) {
  EXPECT_NE(RunProbe("asan"), 0);
  const std::string logs = Logs();
  EXPECT_NE(logs.find("AddressSanitizer: heap-buffer-overflow"), std::string::npos) << logs << stderr_;
}

TEST_F(SanitizerReportsTest, LeakInAChildIsLoggedToAFile) {
  EXPECT_NE(RunProbe("leak"), 0);
  const std::string logs = Logs();
  EXPECT_NE(logs.find("LeakSanitizer: detected memory leaks"), std::string::npos) << logs << stderr_;
}

TEST_F(SanitizerReportsTest, ACleanChildLogsNothing) {
  EXPECT_EQ(RunProbe("clean"), 0) << stderr_;
  EXPECT_EQ(Logs(), "");
}

}  // namespace
}  // namespace runexp
