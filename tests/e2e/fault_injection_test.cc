// Faults that must lose nothing, on real runs of the book's experiment: the
// process is killed at a named fault point (RUNEXP_FAULT, docs/fault-points.md)
// while loading data, mid-epoch, while writing a checkpoint and while writing
// results.db, or by a real SIGKILL; a disk fills up under a checkpoint or the
// database (injected, and a real tiny tmpfs); results.db is read-only or
// locked. Afterwards results.db passes `PRAGMA integrity_check`, every
// checkpoint under its final name is complete, the run is `interrupted` (or
// `failed` with the reason) and `runexp resume` finishes it with the epoch
// rows and final weights of a run that never stopped. Runs use 15,000
// training images and 4 epochs (118 steps each) to stay quick.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "run_command.h"
#include "runexp/checkpoint.h"
#include "runexp/sha256.h"
#include "sql_reader.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::MakeTempDir;
using testing::QueryRows;
using testing::QueryValue;
using testing::RunCommand;
using testing::ShellQuote;

const std::string kExperiment = std::string(RUNEXP_SOURCE_DIR) + "/experiments/mnist_ch2.toml";
const std::string kSmaller = " --set model.epochs=4 --set train_images.limit=15000 --set train_labels.limit=15000";
constexpr int kKilled = 128 + 9;

std::string Runexp(const std::string& args) { return std::string(RUNEXP_EXE) + " " + args; }

std::string Sha256Of(const std::string& file) {
  Result<std::string> sha256 = Sha256OfFile(file);
  return sha256.ok() ? *sha256 : "unreadable: " + sha256.status().ToString();
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::vector<std::string>> EpochRows(const std::string& db) {
  return QueryRows(db, "SELECT epoch, train_loss, train_accuracy, test_loss, test_accuracy "
                       "FROM epoch_metrics ORDER BY epoch");
}

std::string FinalWeights(const std::string& db) {
  return QueryValue(db, "SELECT weights_sha256 FROM checkpoints ORDER BY epoch DESC LIMIT 1");
}

// A run in a fresh folder; FaultResumeTest adds the reference run to compare with.
class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTempDir("runexp-fault");
    dir_ = root_;
    db_ = dir_ + "/results.db";
  }
  void TearDown() override { fs::remove_all(root_); }

  // The experiment with RUNEXP_FAULT=`fault` (none if empty).
  CommandResult Run(const std::string& fault, const std::string& extra = "") {
    std::string env = fault.empty() ? "" : "RUNEXP_FAULT=" + ShellQuote(fault) + " ";
    return RunCommand(env + Runexp(ShellQuote(kExperiment) + kSmaller + extra + " -q --results " + ShellQuote(db_)));
  }
  std::string RunId() { return QueryValue(db_, "SELECT run_id FROM runs"); }
  std::string RunStatus() { return QueryValue(db_, "SELECT status FROM runs"); }
  std::string CheckpointFolder() { return dir_ + "/" + RunId() + "/checkpoints"; }

  // What must hold after any fault: the database is sound, and every
  // checkpoint file under a final name is complete, readable and recorded.
  void ExpectNothingDamaged() {
    EXPECT_EQ(QueryValue(db_, "PRAGMA integrity_check"), "ok");
    std::set<std::string> recorded;
    for (const auto& row : QueryRows(db_, "SELECT path, bytes, sha256 FROM checkpoints WHERE NOT pruned")) {
      const std::string file = dir_ + "/" + row[0];
      recorded.insert(fs::path(file).filename().string());
      ASSERT_TRUE(fs::exists(file)) << file;
      EXPECT_EQ(std::to_string(fs::file_size(file)), row[1]) << file;
      EXPECT_EQ(Sha256Of(file), row[2]) << file;
    }
    if (!fs::exists(CheckpointFolder())) return;
    for (const auto& entry : fs::directory_iterator(CheckpointFolder())) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(".")) continue;  // a dead writer's temporary: hidden, never read
      EXPECT_TRUE(recorded.count(name)) << "a checkpoint under a final name that results.db does not know: " << name;
      EXPECT_TRUE(ReadCheckpointFile(entry.path()).ok()) << name;
    }
  }

  // The next command notices the dead process and marks the run interrupted.
  void ExpectReapedAsInterrupted() {
    EXPECT_EQ(RunStatus(), "running") << "nobody has noticed the death yet";
    auto listed = RunCommand(Runexp("runs --results " + ShellQuote(db_)));
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_EQ(RunStatus(), "interrupted");
    EXPECT_TRUE(Contains(QueryValue(db_, "SELECT error FROM runs"), "ended without finishing the run"));
  }

  int Count(const std::string& table) { return std::stoi(QueryValue(db_, "SELECT count(*) FROM " + table)); }

  std::string root_, dir_, db_;
};

// Faults after which `runexp resume` must finish the run exactly as the
// reference, the same experiment never stopped, did.
class FaultResumeTest : public FaultInjectionTest {
 protected:
  static void SetUpTestSuite() {
    reference_dir_ = new std::string(MakeTempDir("runexp-fault-reference"));
    reference_db_ = new std::string(*reference_dir_ + "/results.db");
    auto result = RunCommand(Runexp(ShellQuote(kExperiment) + kSmaller + " -q --results " + ShellQuote(*reference_db_)));
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*reference_dir_);
    delete reference_dir_;
    delete reference_db_;
  }

  void ResumeAndExpectSameAsReference() {
    auto resumed = RunCommand(Runexp("resume " + RunId() + " -q --results " + ShellQuote(db_)));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
    EXPECT_EQ(RunStatus(), "completed");
    EXPECT_EQ(QueryValue(db_, "SELECT resume_count FROM runs"), "1");
    EXPECT_EQ(EpochRows(db_), EpochRows(*reference_db_));
    EXPECT_EQ(FinalWeights(db_), FinalWeights(*reference_db_));
    EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM checkpoints"), "4");
    ExpectNothingDamaged();
  }

  static std::string* reference_dir_;
  static std::string* reference_db_;
};

std::string* FaultResumeTest::reference_dir_ = nullptr;
std::string* FaultResumeTest::reference_db_ = nullptr;

// ---- The switch itself --------------------------------------------------------

// `runexp inspect` reads one IDX file: the point idx.read is reached once.
TEST(FaultPointSwitchTest, ActsOnlyOnTheNamedPointFromTheNthHitAndWarnsAboutUnknownNames) {
  const std::string file = std::string(RUNEXP_SOURCE_DIR) + "/data/mnist/t10k-labels-idx1-ubyte";
  const std::string inspect = Runexp("inspect " + ShellQuote(file));
  EXPECT_EQ(RunCommand(inspect).exit_code, 0);
  EXPECT_EQ(RunCommand("RUNEXP_FAULT=idx.read " + inspect).exit_code, kKilled);
  EXPECT_EQ(RunCommand("RUNEXP_FAULT=idx.read:kill@2 " + inspect).exit_code, 0) << "only one hit";
  EXPECT_EQ(RunCommand("RUNEXP_FAULT=train.step,db.record_epoch " + inspect).exit_code, 0) << "other points";

  auto failed = RunCommand("RUNEXP_FAULT=idx.read:eio " + inspect);
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_TRUE(Contains(failed.err, file + ": read failed at byte 0: Input/output error")) << failed.err;

  auto misspelt = RunCommand("RUNEXP_FAULT=idx.raed,idx.read:explode,idx.read@0 " + inspect);
  EXPECT_EQ(misspelt.exit_code, 0) << misspelt.err;
  for (const char* spec : {"'idx.raed'", "'idx.read:explode'", "'idx.read@0'"}) {
    EXPECT_TRUE(Contains(misspelt.err, std::string("RUNEXP_FAULT: ignoring ") + spec)) << misspelt.err;
  }
}

// ---- Killed at a named point ------------------------------------------------

TEST_F(FaultResumeTest, KilledWhileLoadingData) {
  // The third of the four IDX files (train images, train labels, test images, ...).
  ASSERT_EQ(Run("idx.read:kill@3").exit_code, kKilled);
  EXPECT_EQ(Count("epoch_metrics"), 0);
  EXPECT_EQ(Count("checkpoints"), 0);
  ExpectNothingDamaged();
  ExpectReapedAsInterrupted();
  ResumeAndExpectSameAsReference();
}

TEST_F(FaultResumeTest, KilledMidEpoch) {
  ASSERT_EQ(Run("train.step:kill@200").exit_code, kKilled);  // step 82 of epoch 2
  EXPECT_EQ(Count("checkpoints"), 1);
  EXPECT_LE(Count("epoch_metrics"), 1);
  ExpectNothingDamaged();
  ExpectReapedAsInterrupted();
  ResumeAndExpectSameAsReference();
}

TEST_F(FaultResumeTest, KilledWhileWritingACheckpoint) {
  // Epoch 2's bytes are in the temporary file, not yet synced nor renamed.
  ASSERT_EQ(Run("checkpoint.after_temp_write@2").exit_code, kKilled);
  EXPECT_EQ(Count("checkpoints"), 1);
  EXPECT_FALSE(fs::exists(CheckpointFolder() + "/epoch-0002.pb")) << "no final name for the interrupted write";
  bool temporary_left = false;
  for (const auto& entry : fs::directory_iterator(CheckpointFolder())) {
    temporary_left |= entry.path().filename().string().starts_with(".epoch-0002.pb.tmp-");
  }
  EXPECT_TRUE(temporary_left) << "the kill hit before the rename";
  ExpectNothingDamaged();
  ExpectReapedAsInterrupted();
  ResumeAndExpectSameAsReference();
}

TEST_F(FaultResumeTest, KilledWhileWritingTheDatabase) {
  // Inside the transaction that records epoch 2, every row written, before COMMIT.
  ASSERT_EQ(Run("db.record_epoch@2").exit_code, kKilled);
  EXPECT_EQ(QueryValue(db_, "SELECT group_concat(epoch) FROM epoch_metrics"), "1") << "epoch 2 rolled back whole";
  ExpectNothingDamaged();
  ExpectReapedAsInterrupted();
  ResumeAndExpectSameAsReference();
}

TEST_F(FaultResumeTest, RealSigkillRightAfterAnEpochLine) {
  // Whatever the trainer, the checkpoint writer and the store are doing then.
  std::string out = ShellQuote(dir_ + "/out");
  std::string command = "( " + Runexp(ShellQuote(kExperiment) + kSmaller + " --results " + ShellQuote(db_)) +
                        " & pid=$!; for i in $(seq 600); do grep -q 'epoch 2/4 - ' " + out +
                        " 2>/dev/null && break; sleep 0.02; done; kill -KILL $pid; wait $pid ) > " + out;
  ASSERT_EQ(RunCommand(command).exit_code, kKilled);
  ASSERT_LT(Count("checkpoints"), 4) << "finished before the kill";
  ExpectNothingDamaged();
  ExpectReapedAsInterrupted();
  ResumeAndExpectSameAsReference();
}

// ---- A full disk ------------------------------------------------------------

TEST_F(FaultResumeTest, DiskFullWhileWritingACheckpointFailsTheRunAndKeepsEarlierOnes) {
  auto result = Run("checkpoint.after_temp_write:enospc@3");
  EXPECT_EQ(result.exit_code, 1);
  const std::string file = CheckpointFolder() + "/epoch-0003.pb";
  EXPECT_TRUE(Contains(result.err, "saving the checkpoint of epoch 3")) << result.err;
  EXPECT_TRUE(Contains(result.err, file + ": cannot write: No space left on device")) << result.err;
  EXPECT_EQ(RunStatus(), "failed");
  EXPECT_TRUE(Contains(QueryValue(db_, "SELECT error FROM runs"), "No space left on device"));
  EXPECT_EQ(QueryValue(db_, "SELECT group_concat(epoch) FROM checkpoints"), "1,2");
  EXPECT_FALSE(fs::exists(file));
  for (const auto& entry : fs::directory_iterator(CheckpointFolder())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".")) << "temporary not removed: " << entry.path();
  }
  ExpectNothingDamaged();
  ResumeAndExpectSameAsReference();  // a failed run resumes too, once there is room
}

TEST_F(FaultInjectionTest, DiskFullWhileWritingTheDatabaseIsRecordedAsFailed) {
  auto result = Run("db.record_epoch:enospc@2");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(Contains(result.err, db_ + ": recording epoch 2 of run")) << result.err;
  EXPECT_TRUE(Contains(result.err, "No space left on device")) << result.err;
  EXPECT_EQ(RunStatus(), "failed");
  EXPECT_TRUE(Contains(QueryValue(db_, "SELECT error FROM runs"), "No space left on device"));
  EXPECT_EQ(QueryValue(db_, "SELECT group_concat(epoch) FROM epoch_metrics"), "1");
  ExpectNothingDamaged();
}

TEST_F(FaultResumeTest, DiskFullThatAlsoRefusesTheFailureIsMarkedInterruptedByTheNextCommand) {
  auto result = Run("db.record_epoch:enospc@2,db.finish_run:enospc");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(Contains(result.err, "No space left on device")) << result.err;
  EXPECT_TRUE(Contains(result.err, "could not record the failure: " + db_ + ": recording the end of run"))
      << result.err;
  EXPECT_TRUE(Contains(result.err, "the next runexp command will mark the run interrupted")) << result.err;
  EXPECT_EQ(QueryValue(db_, "SELECT group_concat(epoch) FROM epoch_metrics"), "1");
  ExpectNothingDamaged();
  ExpectReapedAsInterrupted();
  ResumeAndExpectSameAsReference();
}

// A real full disk: results.db and the checkpoints on a 5 MB tmpfs in a
// private mount namespace (CI runs as root). One checkpoint is ~3.2 MB, so
// the second one cannot be written.
TEST_F(FaultInjectionTest, RealTinyTmpfsFailsTheRunWithTheReason) {
  if (RunCommand("unshare -m true").exit_code != 0) GTEST_SKIP() << "unshare -m is not permitted here";
  const std::string mount = dir_ + "/tmpfs", copy = dir_ + "/copy";
  fs::create_directories(mount);
  fs::create_directories(copy);
  std::string inner = "mount -t tmpfs -o size=5m tmpfs " + ShellQuote(mount) + " || exit 77; " +
                      Runexp(ShellQuote(kExperiment) + kSmaller + " -q --results " + ShellQuote(mount + "/results.db")) +
                      "; code=$?; cp -a " + ShellQuote(mount) + "/. " + ShellQuote(copy) + "; exit $code";
  auto result = RunCommand("unshare -m sh -c " + ShellQuote(inner));
  if (result.exit_code == 77) GTEST_SKIP() << "mounting a tmpfs is not permitted here: " << result.err;
  EXPECT_EQ(result.exit_code, 1) << result.err;
  // The very message the injected fault produces (see above).
  EXPECT_TRUE(Contains(result.err, "saving the checkpoint of epoch 2: " + mount + "/")) << result.err;
  EXPECT_TRUE(Contains(result.err, "/checkpoints/epoch-0002.pb: cannot write: No space left on device")) << result.err;
  db_ = copy + "/results.db";
  dir_ = copy;
  EXPECT_EQ(RunStatus(), "failed");
  EXPECT_TRUE(Contains(QueryValue(db_, "SELECT error FROM runs"), "No space left on device"));
  EXPECT_EQ(QueryValue(db_, "SELECT group_concat(epoch) FROM checkpoints"), "1");
  for (const auto& entry : fs::directory_iterator(CheckpointFolder())) {
    EXPECT_EQ(entry.path().filename().string(), "epoch-0001.pb") << "the failed write left a file behind";
  }
  ExpectNothingDamaged();
}

// ---- results.db that cannot be written ------------------------------------

// Snapshot of every file under `dir`: path → SHA-256.
std::map<std::string, std::string> FilesUnder(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[entry.path().string()] = Sha256Of(entry.path().string());
  }
  return files;
}

TEST_F(FaultInjectionTest, ReadOnlyResultsDatabaseIsRefusedBeforeTraining) {
  if (RunCommand("unshare -m true").exit_code != 0) GTEST_SKIP() << "unshare -m is not permitted here";
  ASSERT_EQ(Run("", " --set model.epochs=1").exit_code, 0);
  const auto before = FilesUnder(dir_);
  std::string inner = "mount --bind -o ro " + ShellQuote(dir_) + " " + ShellQuote(dir_) + " || exit 77; " +
                      Runexp(ShellQuote(kExperiment) + kSmaller + " --results " + ShellQuote(db_));
  auto result = RunCommand("unshare -m sh -c " + ShellQuote(inner));
  if (result.exit_code == 77) GTEST_SKIP() << "bind mount not permitted: " << result.err;
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_TRUE(Contains(result.err, db_)) << result.err;
  EXPECT_TRUE(Contains(result.err, "read-only")) << result.err;
  EXPECT_FALSE(Contains(result.out, "epoch 1/4")) << "training started: " << result.out;
  EXPECT_EQ(FilesUnder(dir_), before);
}

TEST_F(FaultInjectionTest, LockedResultsDatabaseIsRefusedAfterTheBusyTimeoutBeforeTraining) {
  ASSERT_EQ(Run("", " --set model.epochs=1").exit_code, 0);
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto runs_before = QueryRows(db_, "SELECT * FROM runs");
  auto result = RunCommand(Runexp(ShellQuote(kExperiment) + kSmaller + " --results " + ShellQuote(db_)));
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, db_ + ": checking that the database is writable: database is locked by another "
                                         "process and stayed locked for the whole busy timeout")) << result.err;
  EXPECT_FALSE(Contains(result.out, "epoch 1/4")) << "training started: " << result.out;
  EXPECT_EQ(QueryRows(db_, "SELECT * FROM runs"), runs_before);
}

// ---- A diverging loss -------------------------------------------------------

TEST_F(FaultInjectionTest, NonFiniteLossStopsTheRunNamingEpochAndStep) {
  // RMSprop steps of ~1e30 overflow float in the second step. (A learning
  // rate of 1e6 does not: every step is ~1e6 and the clipped cross-entropy
  // stays finite, ~11, so that run completes with 30% accuracy.)
  auto result = Run("", " --set model.optimizer.learning_rate=1e30");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(Contains(result.err, "stage 'model' (mlp_trainer): the training loss became ")) << result.err;
  EXPECT_TRUE(Contains(result.err, " in epoch 1, step 2 (learning rate too high?)")) << result.err;
  EXPECT_EQ(RunStatus(), "failed");
  EXPECT_TRUE(Contains(QueryValue(db_, "SELECT error FROM runs"), "in epoch 1, step 2 "));
  EXPECT_EQ(Count("epoch_metrics"), 0) << "no epoch of a diverged run is reported as finished";
  EXPECT_EQ(Count("checkpoints"), 0);
}

}  // namespace
}  // namespace runexp
