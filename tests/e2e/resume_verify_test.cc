// Checkpoints on real runs of the book's experiment: a run stopped by Ctrl-C
// or killed outright is finished by `runexp resume` with the very numbers
// and weights of a run that never stopped; `runexp verify` reproduces a run
// bit for bit and refuses when its data changed; damaged checkpoints are
// refused with nothing changed. Runs use 15,000 training images and 4
// epochs to stay quick; nothing here depends on the size.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "run_command.h"
#include "sql_reader.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;
using testing::MakeTempDir;
using testing::QueryRows;
using testing::QueryValue;
using testing::RunCommand;
using testing::ShellQuote;

const std::string kExperiment = std::string(RUNEXP_SOURCE_DIR) + "/experiments/mnist_ch2.toml";
const std::string kSmaller = " --set model.epochs=4 --set train_images.limit=15000 --set train_labels.limit=15000";

std::string Runexp(const std::string& args) { return std::string(RUNEXP_EXE) + " " + args; }

std::vector<std::vector<std::string>> EpochRows(const std::string& db) {
  return QueryRows(db, "SELECT epoch, train_loss, train_accuracy, test_loss, test_accuracy "
                       "FROM epoch_metrics ORDER BY epoch");
}

std::string FinalWeights(const std::string& db) {
  return QueryValue(db, "SELECT weights_sha256 FROM checkpoints ORDER BY epoch DESC LIMIT 1");
}

class ResumeVerifyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The reference: the same experiment, never stopped.
    reference_dir_ = new std::string(MakeTempDir("runexp-e2e-reference"));
    reference_db_ = new std::string(*reference_dir_ + "/results.db");
    auto result = RunCommand(Runexp(ShellQuote(kExperiment) + kSmaller + " -q --results " + ShellQuote(*reference_db_)));
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*reference_dir_);
    delete reference_dir_;
    delete reference_db_;
  }
  void SetUp() override {
    dir_ = MakeTempDir("runexp-e2e-resume");
    db_ = dir_ + "/results.db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts the experiment, waits for `line` in its output, then sends `signal`
  // (after `delay` seconds); returns the run's exit code.
  int RunUntil(const std::string& line, const std::string& signal, const std::string& extra = "",
               const std::string& delay = "0") {
    std::string out = ShellQuote(dir_ + "/out");
    std::string command = "( " + Runexp(ShellQuote(kExperiment) + kSmaller + extra + " --results " + ShellQuote(db_)) +
                          " & pid=$!; for i in $(seq 600); do grep -q '" + line + "' " + out +
                          " 2>/dev/null && break; sleep 0.05; done; sleep " + delay + "; kill -" + signal +
                          " $pid; wait $pid ) > " + out;
    return RunCommand(command).exit_code;
  }
  std::string RunId() { return QueryValue(db_, "SELECT run_id FROM runs"); }

  void ExpectSameAsReference() {
    EXPECT_EQ(QueryValue(db_, "SELECT status FROM runs"), "completed");
    EXPECT_EQ(EpochRows(db_), EpochRows(*reference_db_));
    EXPECT_EQ(FinalWeights(db_), FinalWeights(*reference_db_));
  }

  static std::string* reference_dir_;
  static std::string* reference_db_;
  std::string dir_, db_;
};

std::string* ResumeVerifyTest::reference_dir_ = nullptr;
std::string* ResumeVerifyTest::reference_db_ = nullptr;

TEST_F(ResumeVerifyTest, ResumeAfterCtrlCAtEpochTwoEndsBitIdentical) {
  ASSERT_EQ(RunUntil("epoch 2/4 - ", "INT"), 130);
  const std::string run_id = RunId();
  EXPECT_EQ(QueryValue(db_, "SELECT status FROM runs"), "interrupted");
  const int checkpoints = std::stoi(QueryValue(db_, "SELECT count(*) FROM checkpoints"));
  ASSERT_GE(checkpoints, 2);
  ASSERT_LT(checkpoints, 4) << "stopped too late to test anything";

  auto resumed = RunCommand(Runexp("resume " + run_id.substr(0, 12) + " --results " + ShellQuote(db_)));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_NE(resumed.out.find("resuming run " + run_id + " after epoch " + std::to_string(checkpoints)),
            std::string::npos) << resumed.out;
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs"), "1");
  EXPECT_EQ(QueryValue(db_, "SELECT run_id FROM runs"), run_id);
  EXPECT_EQ(QueryValue(db_, "SELECT resume_count FROM runs"), "1");
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM checkpoints"), "4");
  ExpectSameAsReference();
  // Resuming a completed run is refused.
  EXPECT_EQ(RunCommand(Runexp("resume " + run_id + " --results " + ShellQuote(db_))).exit_code, 2);
}

TEST_F(ResumeVerifyTest, ResumeAfterSigkillMidEpochEndsBitIdentical) {
  ASSERT_EQ(RunUntil("epoch 1/4 - ", "KILL", "", "0.15"), 128 + 9);
  const std::string run_id = RunId();
  EXPECT_EQ(QueryValue(db_, "SELECT status FROM runs"), "running") << "nobody has noticed the death yet";
  // No truncated checkpoint under a final name, whatever moment the kill hit.
  for (const auto& row : QueryRows(db_, "SELECT path, bytes FROM checkpoints")) {
    EXPECT_EQ(std::to_string(fs::file_size(dir_ + "/" + row[0])), row[1]) << row[0];
  }

  auto resumed = RunCommand(Runexp("resume " + run_id + " -q --results " + ShellQuote(db_)));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(QueryValue(db_, "SELECT resume_count FROM runs"), "1");
  EXPECT_EQ(QueryValue(db_, "SELECT reaped_at IS NULL FROM runs"), "1");
  ExpectSameAsReference();
}

// The trainer may run ahead of the evaluator (it only queues snapshots), so
// Ctrl-C can leave checkpoints of epochs nobody recorded. That is made
// certain here by removing the rows of the evaluator's last epochs, as if
// their snapshots had still been queued: resuming from the newest checkpoint
// would skip those epochs; resume must pick the one after the last recorded.
TEST_F(ResumeVerifyTest, ResumeWhenTheTrainerRanAheadOfTheEvaluatorSkipsNoEpoch) {
  ASSERT_EQ(RunUntil("epoch 2/4 - ", "INT"), 130);
  const int saved = std::stoi(QueryValue(db_, "SELECT count(*) FROM checkpoints"));
  ASSERT_GE(saved, 2);
  ASSERT_EQ(RunCommand("sqlite3 " + ShellQuote(db_) + " 'DELETE FROM epoch_metrics WHERE epoch >= " +
                       std::to_string(saved - 1) + "'").exit_code, 0);
  ASSERT_EQ(QueryValue(db_, "SELECT count(*) FROM epoch_metrics"), std::to_string(saved - 2));

  auto resumed = RunCommand(Runexp("resume " + RunId() + " --results " + ShellQuote(db_)));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_NE(resumed.out.find("after epoch " + std::to_string(saved - 1)), std::string::npos) << resumed.out;
  ExpectSameAsReference();
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM epoch_metrics"), "4");
}

TEST_F(ResumeVerifyTest, ARunWithoutCheckpointsResumesFromTheStart) {
  // checkpoint_every = 0: only the final model would have been saved.
  ASSERT_EQ(RunUntil("epoch 1/4 - ", "INT", " --set experiment.checkpoint_every=0"), 130);
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM checkpoints"), "0");
  auto resumed = RunCommand(Runexp("resume " + RunId() + " --results " + ShellQuote(db_)));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("from the start (it has no checkpoint)"), std::string::npos) << resumed.out;
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM checkpoints"), "1") << "the final model only";
  EXPECT_EQ(EpochRows(db_), EpochRows(*reference_db_));
  EXPECT_EQ(FinalWeights(db_), FinalWeights(*reference_db_));
}

TEST_F(ResumeVerifyTest, ADamagedCheckpointIsRefusedAndNothingChanges) {
  ASSERT_EQ(RunUntil("epoch 2/4 - ", "INT"), 130);
  const std::string run_id = RunId();
  const auto rows_before = QueryRows(db_, "SELECT * FROM runs");
  const auto epochs_before = EpochRows(db_);
  const auto checkpoints_before = QueryRows(db_, "SELECT * FROM checkpoints");
  const auto metrics_before = QueryRows(db_, "SELECT * FROM metrics");
  const std::string newest = QueryValue(db_, "SELECT path FROM checkpoints ORDER BY epoch DESC LIMIT 1");
  const std::string file = dir_ + "/" + newest;
  fs::resize_file(file, fs::file_size(file) / 2);

  auto refused = RunCommand(Runexp("resume " + run_id + " --results " + ShellQuote(db_)));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find(file), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("damaged or replaced"), std::string::npos) << refused.err;
  EXPECT_EQ(QueryRows(db_, "SELECT * FROM runs"), rows_before);
  EXPECT_EQ(EpochRows(db_), epochs_before);
  EXPECT_EQ(QueryRows(db_, "SELECT * FROM checkpoints"), checkpoints_before);
  EXPECT_EQ(QueryRows(db_, "SELECT * FROM metrics"), metrics_before);

  // Another run's checkpoint in its place is refused just the same.
  const std::string other = QueryValue(*reference_db_, "SELECT path FROM checkpoints WHERE epoch = 2");
  fs::copy_file(*reference_dir_ + "/" + other, file, fs::copy_options::overwrite_existing);
  refused = RunCommand(Runexp("resume " + run_id + " --results " + ShellQuote(db_)));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("damaged or replaced"), std::string::npos) << refused.err;
  EXPECT_EQ(QueryRows(db_, "SELECT * FROM runs"), rows_before);
}

TEST_F(ResumeVerifyTest, KeepCheckpointsPrunesOldFilesAndSaysSo) {
  auto result = RunCommand(Runexp(ShellQuote(kExperiment) + kSmaller +
                                  " -q --set experiment.keep_checkpoints=2 --results " + ShellQuote(db_)));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(QueryRows(db_, "SELECT epoch, pruned, pruned_at IS NOT NULL FROM checkpoints ORDER BY epoch"),
            (std::vector<std::vector<std::string>>{{"1", "1", "1"}, {"2", "1", "1"}, {"3", "0", "0"}, {"4", "0", "0"}}));
  for (const auto& row : QueryRows(db_, "SELECT path, pruned FROM checkpoints")) {
    EXPECT_EQ(fs::exists(dir_ + "/" + row[0]), row[1] == "0") << row[0];
  }
  EXPECT_EQ(FinalWeights(db_), FinalWeights(*reference_db_));
}

TEST_F(ResumeVerifyTest, VerifyReproducesARunBitForBit) {
  // On a copy: the shared reference stays one run for the other tests.
  fs::copy(*reference_dir_, dir_ + "/copy", fs::copy_options::recursive);
  const std::string db = dir_ + "/copy/results.db";
  const std::string parent = QueryValue(db, "SELECT run_id FROM runs");
  auto verified = RunCommand(Runexp("verify " + parent + " -q --results " + ShellQuote(db)));
  ASSERT_EQ(verified.exit_code, 0) << verified.err << verified.out;
  EXPECT_NE(verified.out.find("reproduced: 4 epochs of train/test loss and accuracy, 8 further metric values"),
            std::string::npos) << verified.out;
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM runs WHERE parent_run_id = '" + parent + "'"), "1");
  EXPECT_EQ(QueryValue(db, "SELECT t.value FROM tags t JOIN runs r USING (run_id) "
                           "WHERE r.parent_run_id = '" + parent + "' AND t.key = 'verify'"),
            "reproduced");
  EXPECT_EQ(QueryValue(db, "SELECT resume_count FROM runs WHERE parent_run_id = '" + parent + "'"), "0");
}

TEST_F(ResumeVerifyTest, VerifyRefusesWhenAnInputFileChanged) {
  // A private copy of the test labels, so that it can be changed.
  const std::string labels = dir_ + "/t10k-labels-idx1-ubyte";
  fs::copy_file(std::string(RUNEXP_SOURCE_DIR) + "/data/mnist/t10k-labels-idx1-ubyte", labels);
  auto result = RunCommand(Runexp(ShellQuote(kExperiment) + " -q --set model.epochs=1 --set train_images.limit=2000" +
                                  " --set train_labels.limit=2000 --set test_labels.path=" + ShellQuote("\"" + labels + "\"") +
                                  " --results " + ShellQuote(db_)));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  {
    std::fstream file(labels, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    file.put(3);
  }
  auto refused = RunCommand(Runexp("verify " + RunId() + " --results " + ShellQuote(db_)));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("input " + labels + " (stage test_labels) has changed since run"), std::string::npos)
      << refused.err;
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs"), "1") << "nothing was run";
}

}  // namespace
}  // namespace runexp
