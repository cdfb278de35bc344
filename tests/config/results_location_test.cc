// Is the results database location writable? Checked without creating
// anything; a read-only file system is detected even as root (CI), where
// permission bits do not stop writes — tested with a real read-only bind
// mount in a private mount namespace (unshare -m).
#include "config/results_location.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "config_test_util.h"
#include "run_command.h"

namespace runexp::config::testing {
namespace {

using runexp::testing::CommandResult;
using runexp::testing::RunCommand;
using runexp::testing::ShellQuote;
using ::testing::ElementsAre;

class ResultsLocationTest : public ConfigTest {};

TEST_F(ResultsLocationTest, WritableFolderOrFileIsOk) {
  EXPECT_TRUE(CheckResultsLocationWritable(dir() / "results.db").ok());
  WriteFile(dir() / "existing.db", "");
  EXPECT_TRUE(CheckResultsLocationWritable(dir() / "existing.db").ok());
  EXPECT_FALSE(std::filesystem::exists(dir() / "results.db"));  // nothing created
}

TEST_F(ResultsLocationTest, MissingFolderUnderAWritableOneIsOkAndNotCreated) {
  EXPECT_TRUE(CheckResultsLocationWritable(dir() / "nope" / "deeper" / "r.db").ok());
  EXPECT_FALSE(std::filesystem::exists(dir() / "nope"));
}

TEST_F(ResultsLocationTest, AFileInThePathIsNotFound) {
  WriteFile(dir() / "plain", "");
  Status status = CheckResultsLocationWritable(dir() / "plain" / "r.db");
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "results database " + (dir() / "plain/r.db").string() + ": " +
                                  (dir() / "plain").string() + " is not a folder");
}

TEST_F(ResultsLocationTest, FolderInsteadOfFile) {
  std::filesystem::create_directories(dir() / "db");
  Status status = CheckResultsLocationWritable(dir() / "db");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "results database " + (dir() / "db").string() + ": is a folder, not a database file");
}

TEST_F(ResultsLocationTest, LoaderReportsItAtTheResultsValue) {
  std::filesystem::create_directories(dir() / "out");
  EXPECT_THAT(
      Errors(Replace(kMnistExperiment, "seed = 7", "seed = 7\nresults = \"out\"")),
      ElementsAre("exp.toml:7:11: results database " + (dir() / "out").string() +
                  ": is a folder, not a database file"));
}

// Runs `probe_args` with the config_probe helper inside a private mount
// namespace, after bind-mounting `folder` read-only onto itself (when `ro`).
CommandResult ProbeInNamespace(const std::filesystem::path& folder, bool ro,
                               const std::string& probe_args) {
  std::string unshare = geteuid() == 0 ? "unshare -m" : "unshare -r -m";
  std::string f = ShellQuote(folder.string());
  std::string script = (ro ? "mount --bind -o ro " + f + " " + f + " && " : std::string()) +
                       "exec " + ShellQuote(RUNEXP_CONFIG_PROBE) + " " + probe_args;
  return RunCommand(unshare + " sh -c " + ShellQuote(script));
}

TEST_F(ResultsLocationTest, ReadOnlyFileSystemIsDetectedEvenAsRoot) {
  std::filesystem::path ro = dir() / "ro";
  WriteFile(ro / "existing.db", "");
  WriteFile(ro / "exp.toml",
            Replace(kMnistExperiment, "seed = 7", "seed = 7\nresults = \"results.db\""));
  std::string db = (ro / "results.db").string();
  std::string existing = (ro / "existing.db").string();
  std::string file = (ro / "exp.toml").string();

  // Control: the same commands without the read-only mount pass, so the
  // failures below come from the mount and nothing else.
  CommandResult control = ProbeInNamespace(ro, false, "writable " + ShellQuote(db));
  ASSERT_EQ(control.exit_code, 0) << "unshare -m is needed for this test\n"
                                  << control.out << control.err;
  EXPECT_EQ(control.out, "OK\n");
  EXPECT_EQ(ProbeInNamespace(ro, false, "check " + ShellQuote(file)).out, "OK\n");

  CommandResult folder = ProbeInNamespace(ro, true, "writable " + ShellQuote(db));
  EXPECT_EQ(folder.exit_code, 1) << folder.err;
  EXPECT_EQ(folder.out, "IO error: results database " + db + ": folder " + ro.string() +
                            " is not writable: read-only file system\n");

  CommandResult existing_file = ProbeInNamespace(ro, true, "writable " + ShellQuote(existing));
  EXPECT_EQ(existing_file.exit_code, 1) << existing_file.err;
  EXPECT_EQ(existing_file.out, "IO error: results database " + existing +
                                   ": file is not writable: read-only file system\n");

  CommandResult check = ProbeInNamespace(ro, true, "check " + ShellQuote(file));
  EXPECT_EQ(check.exit_code, 1) << check.err;
  EXPECT_EQ(check.out, file + ":7:11: results database " + db + ": folder " + ro.string() +
                           " is not writable: read-only file system\n");

  // The mount stayed inside the child's namespace.
  EXPECT_TRUE(CheckResultsLocationWritable(db).ok());
}

}  // namespace
}  // namespace runexp::config::testing
