// The commands that read and edit results.db — runs, show, compare, tag, rm,
// prune — run as a user runs them: the real executable against a database
// written through RunStore (store_cli_fixture.h).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "json_value.h"
#include "output_checks.h"
#include "output_format.h"
#include "store_cli_fixture.h"

namespace runexp::cli::testing {
namespace {

namespace fs = std::filesystem;
using runexp::testing::CommandResult;
using runexp::testing::ShellQuote;

double Number(const std::string& field) { return std::stod(field); }

void SetUserVersion(const std::string& path, int version) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  std::string sql = "PRAGMA user_version = " + std::to_string(version);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ---- runs -------------------------------------------------------------------

TEST_F(StoreCliTest, RunsTableListsNewestFirstOneLinePerRun) {
  CommandResult result = Runexp("runs");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 5u) << result.out;  // header + 4 runs, the newline in a name escaped
  for (const char* header : {"run", "name", "experiment", "status", "started", "duration", "epochs",
                             "train acc", "test acc", "gap", "best test"}) {
    EXPECT_TRUE(Contains(lines[0], header)) << header << " missing from " << lines[0];
  }
  EXPECT_TRUE(lines[1].starts_with(recent_id())) << lines[1];
  EXPECT_TRUE(lines[2].starts_with(kFashionId)) << lines[2];
  EXPECT_TRUE(lines[3].starts_with(kHighLrId)) << lines[3];
  EXPECT_TRUE(lines[4].starts_with(kBaselineId)) << lines[4];
  EXPECT_TRUE(Contains(lines[1], R"(with\na newline)")) << lines[1];
  // baseline: final train 0.95, test 0.88, gap 0.07, best 0.88
  EXPECT_TRUE(std::regex_search(lines[4], std::regex(R"(0\.9500\s+0\.8800\s+0\.0700\s+0\.8800$)"))) << lines[4];
}

TEST_F(StoreCliTest, RunsCsvFiltersByExperimentAndStatus) {
  CommandResult result = Runexp("runs --format csv --experiment mnist --status completed");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto records = CsvRecords(result.out);
  ASSERT_EQ(records.size(), 2u) << result.out;
  EXPECT_EQ(records[0]["run_id"], kHighLrId);
  EXPECT_EQ(records[1]["run_id"], kBaselineId);
  EXPECT_EQ(records[1]["name"], "baseline");
  EXPECT_EQ(records[1]["status"], "completed");
  EXPECT_EQ(records[1]["started_at"], "2020-01-01T00:00:00.000Z");
  EXPECT_EQ(records[1]["epochs"], "3");
  EXPECT_DOUBLE_EQ(Number(records[1]["final_test_accuracy"]), 0.88);
  EXPECT_NEAR(Number(records[1]["final_gap_accuracy"]), 0.07, 1e-12);
  EXPECT_DOUBLE_EQ(Number(records[1]["best_test_accuracy"]), 0.88);
  EXPECT_DOUBLE_EQ(Number(records[0]["learning_rate"]), 0.1);
  EXPECT_EQ(records[0]["error"], "");  // missing: an empty field
}

TEST_F(StoreCliTest, RunsCsvQuotesUserDataPerRfc4180) {
  CommandResult result = Runexp("runs --format csv --status interrupted");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(Contains(result.out, "\"odd \"\"name\"\", with\na newline\"")) << result.out;
  auto records = CsvRecords(result.out);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["name"], kWeirdName);
  EXPECT_EQ(records[0]["final_test_accuracy"], "");
}

TEST_F(StoreCliTest, RunsJsonSortsByMetricWithLimitAndNulls) {
  CommandResult result = Runexp("runs --format json --sort best_test_accuracy --limit 3");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  JsonValue json = ParseJsonOrFail(result.out);
  ASSERT_NE(json.AsArray(), nullptr);
  const JsonValue::Array& runs = *json.AsArray();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(*runs[0].Get("run_id")->AsString(), kBaselineId);  // 0.88
  EXPECT_EQ(*runs[1].Get("run_id")->AsString(), kHighLrId);    // 0.74
  EXPECT_EQ(*runs[2].Get("run_id")->AsString(), kFashionId);   // 0.50; `recent` has none: last
  EXPECT_EQ(runs[0].Get("best_test_accuracy")->AsNumber(), 0.88);
  EXPECT_EQ(runs[0].Get("epochs")->AsInt(), 3);
  EXPECT_TRUE(runs[2].Get("name")->is_null());
  EXPECT_EQ(*runs[2].Get("error")->AsString(), "stage trainer: loss diverged");

  // The JSON name survives a newline and quotes exactly.
  result = Runexp("runs --format json --status interrupted");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json = ParseJsonOrFail(result.out);
  ASSERT_EQ(json.AsArray()->size(), 1u);
  EXPECT_EQ(*(*json.AsArray())[0].Get("name")->AsString(), kWeirdName);
  EXPECT_TRUE((*json.AsArray())[0].Get("best_test_accuracy")->is_null());
}

TEST_F(StoreCliTest, RunsSortsByParameterAndFiltersByTag) {
  CommandResult result = Runexp("runs --format csv --sort param:model.optimizer.learning_rate");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto records = CsvRecords(result.out);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[2]["run_id"], kHighLrId);    // 0.1 after the two 0.01 runs
  EXPECT_EQ(records[3]["run_id"], recent_id());  // no such parameter: last

  result = Runexp("runs --format csv --sort param:model.optimizer.learning_rate --reverse");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(CsvRecords(result.out)[0]["run_id"], kHighLrId);

  result = Runexp("runs --format csv --tag baseline=yes");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  records = CsvRecords(result.out);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["run_id"], kBaselineId);
  result = Runexp("runs --format csv --tag baseline=no");
  EXPECT_EQ(CsvRecords(result.out).size(), 0u);
}

TEST_F(StoreCliTest, RunsBadSortSaysWhichColumnsAreAccepted) {
  CommandResult result = Runexp("runs --sort accuracy");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "'accuracy'")) << result.err;
  EXPECT_TRUE(Contains(result.err, "best_test_accuracy")) << result.err;
  EXPECT_TRUE(Contains(result.err, "param:KEY")) << result.err;
  EXPECT_EQ(result.out, "");

  result = Runexp("runs --status finished");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "finished")) << result.err;
  EXPECT_EQ(Runexp("runs --format xml").exit_code, 2);
}

TEST_F(StoreCliTest, TableFitsTheGivenWidth) {
  for (int width : {70, 100}) {
    CommandResult result = RunexpRaw("runs --results " + ShellQuote(db_path()), "COLUMNS=" + std::to_string(width));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<std::string> lines = Lines(result.out);
    ASSERT_EQ(lines.size(), 5u) << result.out;
    for (const std::string& line : lines) {
      EXPECT_LE(CodePoints(line), static_cast<size_t>(width)) << "COLUMNS=" << width << ": " << line;
    }
    EXPECT_TRUE(Contains(result.out, "\u2026")) << "nothing elided at " << width << ":\n" << result.out;
    EXPECT_TRUE(Contains(result.out, kBaselineId)) << "run ids are never elided:\n" << result.out;
  }
  // Without a limit nothing is cut; csv is never cut.
  CommandResult wide = RunexpRaw("runs --results " + ShellQuote(db_path()), "COLUMNS=");
  EXPECT_FALSE(Contains(wide.out, "\u2026")) << wide.out;
  CommandResult csv = RunexpRaw("runs --format csv --results " + ShellQuote(db_path()), "COLUMNS=20");
  EXPECT_TRUE(Contains(csv.out, "high lr")) << csv.out;
}

// ---- show -------------------------------------------------------------------

TEST_F(StoreCliTest, ShowPrintsConfigProvenanceInputsEpochsCheckpointsAndTags) {
  CommandResult result = Runexp("show aaaaaa");  // a prefix of the random part
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  for (const char* expected : {
           "run 20200101T000000-aaaaaa  baseline",
           "[model]",                                                      // effective TOML
           "plugin = \"mlp_trainer\"",
           "0123456789abcdef0123456789abcdef01234567 (with uncommitted changes)",
           "0.1.0",
           "runexp run experiments/mnist.toml",
           "/home/user/project",
           "\"OMP_NUM_THREADS\": \"4\"",                                     // pretty JSON
           "\"model\": \"Test CPU\"",
           "data/mnist/train-images-idx3-ubyte.gz",
           "9912422",
           "baseline = yes",
       }) {
    EXPECT_TRUE(Contains(out, expected)) << "missing '" << expected << "' in:\n" << out;
  }
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(threads\s+4\n)"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(seed\s+42\n)"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(config sha256\s+[0-9a-f]{64}\n)"))) << out;
  // epoch 2: train loss/acc, test loss/acc, gap acc, gap loss, seconds
  EXPECT_TRUE(std::regex_search(
      out, std::regex(R"(\n\s+2\s+0\.1500\s+0\.9500\s+0\.4000\s+0\.8800\s+0\.0700\s+0\.2500\s+1\.50\n)")))
      << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(epoch-1\.ckpt.*pruned \d{4}-)"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(epoch-2\.ckpt.*kept)"))) << out;
}

TEST_F(StoreCliTest, ShowFailedAndResumedRuns) {
  CommandResult failed = Runexp(std::string("show ") + kFashionId);
  ASSERT_EQ(failed.exit_code, 0) << failed.err;
  EXPECT_TRUE(std::regex_search(failed.out, std::regex(R"(status\s+failed\n\s+error\s+stage trainer: loss diverged\n)")))
      << failed.out;
  CommandResult resumed = Runexp("show " + recent_id());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(Contains(resumed.out, std::string("verifies    ") + kFashionId + " (runexp verify)")) << resumed.out;
  EXPECT_TRUE(Contains(resumed.out, "resumed     1 time (runexp resume)")) << resumed.out;
  EXPECT_TRUE(Contains(resumed.out, R"(odd "name", with\na newline)")) << resumed.out;
  EXPECT_TRUE(Contains(resumed.out, "interrupted by SIGINT")) << resumed.out;
}

TEST_F(StoreCliTest, ShowJsonHoldsEverything) {
  CommandResult result = Runexp(std::string("show --format json ") + kBaselineId);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  JsonValue json = ParseJsonOrFail(result.out);
  EXPECT_EQ(*json.Get("run_id")->AsString(), kBaselineId);
  EXPECT_TRUE(Contains(*json.Get("config_toml")->AsString(), "[model]"));
  const JsonValue* provenance = json.Get("provenance");
  ASSERT_NE(provenance, nullptr);
  EXPECT_EQ(provenance->Get("git_dirty")->AsBool(), true);
  EXPECT_EQ(provenance->Get("threads")->AsInt(), 4);
  EXPECT_EQ(*provenance->Get("environment")->Get("OMP_NUM_THREADS")->AsString(), "4");
  EXPECT_EQ(json.Get("params")->Get("model.optimizer.learning_rate")->AsNumber(), 0.01);
  EXPECT_EQ(json.Get("params")->Get("model.batch_size")->AsInt(), 32);
  const JsonValue::Array& epochs = *json.Get("epochs")->AsArray();
  ASSERT_EQ(epochs.size(), 3u);
  EXPECT_NEAR(*epochs[2].Get("gap_accuracy")->AsNumber(), 0.07, 1e-12);
  EXPECT_NEAR(*epochs[2].Get("gap_loss")->AsNumber(), 0.25, 1e-12);
  const JsonValue::Array& checkpoints = *json.Get("checkpoints")->AsArray();
  ASSERT_EQ(checkpoints.size(), 2u);
  EXPECT_EQ(checkpoints[0].Get("pruned")->AsBool(), true);
  EXPECT_EQ(checkpoints[1].Get("pruned")->AsBool(), false);
  EXPECT_EQ(*json.Get("tags")->Get("baseline")->AsString(), "yes");
  EXPECT_EQ(*(*json.Get("inputs")->AsArray())[0].Get("sha256")->AsString(), std::string(64, 'e'));

  CommandResult csv = Runexp(std::string("show --format csv ") + kBaselineId);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto records = CsvRecords(csv.out);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_DOUBLE_EQ(Number(records[1]["test_accuracy"]), 0.85);
}

// ---- compare ----------------------------------------------------------------

TEST_F(StoreCliTest, CompareShowsOnlyDifferingParamsAndEpochsSideBySide) {
  CommandResult result = Runexp("compare aaaaaa bbbbbb");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(model\.dropout\s+\(unset\)\s+0\.5\n)"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(model\.optimizer\.learning_rate\s+0\.01\s+0\.1\n)"))) << out;
  EXPECT_FALSE(Contains(out, "model.batch_size")) << out;
  EXPECT_FALSE(Contains(out, "data.path")) << out;
  EXPECT_FALSE(Contains(out, "model.epochs")) << out;
  // epoch 2: only A has it; B's cells are "-"
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(\n\s*1\s+0\.9000\s+0\.8500\s+0\.0500\s+0\.7500\s+0\.7400\s+0\.0100\n)")))
      << out;
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(\n\s*2\s+0\.9500\s+0\.8800\s+0\.0700\s+-\s+-\s+-\n)"))) << out;

  CommandResult json_result = Runexp("compare --format json aaaaaa bbbbbb");
  ASSERT_EQ(json_result.exit_code, 0) << json_result.err;
  JsonValue json = ParseJsonOrFail(json_result.out);
  const JsonValue::Array& diffs = *json.Get("differing_params")->AsArray();
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(*diffs[0].Get("key")->AsString(), "model.dropout");
  EXPECT_TRUE(diffs[0].Get("values")->Get(kBaselineId)->is_null());
  EXPECT_EQ(diffs[0].Get("values")->Get(kHighLrId)->AsNumber(), 0.5);
  EXPECT_EQ(*diffs[1].Get("key")->AsString(), "model.optimizer.learning_rate");
  EXPECT_EQ(json.Get("runs")->AsArray()->size(), 2u);

  CommandResult csv = Runexp("compare --format csv aaaaaa bbbbbb");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto records = CsvRecords(csv.out);
  ASSERT_EQ(records.size(), 5u);  // 3 + 2 epochs
  EXPECT_EQ(records[4]["run_id"], kHighLrId);
  EXPECT_EQ(records[4]["model.dropout"], "0.5");
  EXPECT_EQ(records[0]["model.dropout"], "");
  EXPECT_EQ(records[0].count("model.batch_size"), 0u);
}

TEST_F(StoreCliTest, CompareNeedsTwoDistinctRuns) {
  EXPECT_EQ(Runexp("compare aaaaaa").exit_code, 2);
  CommandResult twice = Runexp(std::string("compare aaaaaa ") + kBaselineId);
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_TRUE(Contains(twice.err, "twice")) << twice.err;
}

// ---- run ids ----------------------------------------------------------------

TEST_F(StoreCliTest, UnknownIdSuggestsTheClosest) {
  CommandResult result = Runexp("show aaaaab");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "did you mean")) << result.err;
  EXPECT_TRUE(Contains(result.err, kBaselineId)) << result.err;
  EXPECT_EQ(result.out, "");
}

TEST_F(StoreCliTest, AmbiguousPrefixListsCandidates) {
  CommandResult result = Runexp("show 2020010");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "ambiguous")) << result.err;
  for (const char* id : {kBaselineId, kHighLrId, kFashionId}) {
    EXPECT_TRUE(Contains(result.err, id)) << result.err;
  }
  CommandResult rm = Runexp("rm 2020010 --yes");
  EXPECT_EQ(rm.exit_code, 2);
  EXPECT_EQ(RunIds().size(), 4u);
}

// ---- tag --------------------------------------------------------------------

TEST_F(StoreCliTest, TagAddsChangesAndRemovesTags) {
  CommandResult result = Runexp("tag bbbbbb note='try again' baseline=no empty=");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(Contains(result.out, "baseline=no empty= note=try again")) << result.out;
  auto details = OpenStore()->GetRun(kHighLrId);
  ASSERT_TRUE(details.ok());
  EXPECT_EQ(details->tags, (std::map<std::string, std::string>{{"baseline", "no"}, {"empty", ""}, {"note", "try again"}}));

  result = Runexp("tag bbbbbb --remove note --remove empty");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  details = OpenStore()->GetRun(kHighLrId);
  EXPECT_EQ(details->tags, (std::map<std::string, std::string>{{"baseline", "no"}}));
  EXPECT_EQ(CsvRecords(Runexp("runs --format csv --tag baseline=no").out).size(), 1u);
}

TEST_F(StoreCliTest, TagRejectsBadInputAndChangesNothing) {
  CommandResult result = Runexp("tag bbbbbb note");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "KEY=VALUE")) << result.err;
  result = Runexp("tag bbbbbb a=1 --remove nosuch");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "nosuch")) << result.err;
  EXPECT_EQ(Runexp("tag bbbbbb =value").exit_code, 2);
  EXPECT_EQ(Runexp("tag zzzzzz a=1").exit_code, 2);
  EXPECT_TRUE(OpenStore()->GetRun(kHighLrId)->tags.empty());
}

// ---- rm ---------------------------------------------------------------------

TEST_F(StoreCliTest, RmWithoutYesOnANonTerminalRefuses) {
  CommandResult result = Runexp("rm aaaaaa");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "--yes")) << result.err;
  EXPECT_EQ(RunIds().size(), 4u);
  EXPECT_TRUE(fs::exists(dir() / kBaselineId / "run.log"));
}

TEST_F(StoreCliTest, RmWithYesDeletesRowsAndOnlyTheRunsFolder) {
  std::ofstream(dir() / "notes.txt") << "mine\n";
  CommandResult result = Runexp("rm aaaaaa cccccc --yes");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(Contains(result.out, std::string("removed run ") + kBaselineId)) << result.out;
  EXPECT_EQ(RunIds(), (std::vector<std::string>{kHighLrId, recent_id()}));
  EXPECT_FALSE(fs::exists(dir() / kBaselineId));
  EXPECT_FALSE(fs::exists(dir() / kFashionId));
  EXPECT_TRUE(fs::exists(dir() / kHighLrId / "run.log"));  // the sibling folder
  EXPECT_TRUE(fs::exists(dir() / recent_id() / "run.log"));
  EXPECT_TRUE(fs::exists(dir() / "notes.txt"));
  // The rows of every table went with the run: show no longer finds it.
  EXPECT_EQ(Runexp(std::string("show ") + kBaselineId).exit_code, 2);
  // The run resumed from the deleted one keeps running, parentless.
  EXPECT_FALSE(OpenStore()->GetRun(recent_id())->run.parent_run_id.has_value());
}

TEST_F(StoreCliTest, RmOfARunWithoutAFolderStillDeletesItsRows) {
  fs::remove_all(dir() / kHighLrId);
  CommandResult result = Runexp("rm bbbbbb -y");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(Contains(result.out, "no folder")) << result.out;
  EXPECT_EQ(RunIds().size(), 3u);
}

TEST_F(StoreCliTest, RmNeverLeavesTheResultsFolder) {
  // ".." is an acceptable run id to the store; its "folder" is the parent.
  fs::path nested = dir() / "nested";
  fs::create_directories(nested);
  std::string db = (nested / "results.db").string();
  {
    auto opened = store::RunStore::Open(db);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store::RunRecord record;
    record.run_id = "..";
    record.experiment = "e";
    ASSERT_TRUE((*opened)->BeginRun(record).ok());
    ASSERT_TRUE((*opened)->FinishRun("..", store::RunStatus::kFailed, "x").ok());
  }
  CommandResult result = RunexpRaw("rm .. --yes --results " + ShellQuote(db));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(fs::exists(db));
  EXPECT_TRUE(fs::exists(dir() / kBaselineId / "run.log"));
}

TEST_F(StoreCliTest, RmRefusesARunningRunUnlessForced) {
  std::string running;
  {
    std::unique_ptr<store::RunStore> db = OpenStore();
    store::RunRecord record;
    record.run_id = "20200105T000000-dddddd";
    record.experiment = "mnist";
    record.started_at = "2020-01-05T00:00:00.000Z";
    auto id = db->BeginRun(record);  // by this (live) test process: never reaped
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    running = *id;
  }
  CommandResult result = Runexp("rm dddddd --yes");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "still running")) << result.err;
  EXPECT_EQ(RunIds().size(), 5u);
  result = Runexp("rm dddddd --yes --force");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(RunIds().size(), 4u);
}

// ---- prune ------------------------------------------------------------------

TEST_F(StoreCliTest, PruneListsWhatItWouldRemoveWithoutYes) {
  CommandResult result = Runexp("prune");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(Contains(result.out, kFashionId)) << result.out;
  EXPECT_TRUE(Contains(result.out, recent_id())) << result.out;
  EXPECT_FALSE(Contains(result.out, kBaselineId)) << result.out;
  EXPECT_TRUE(Contains(result.out, "pass --yes")) << result.out;
  EXPECT_EQ(RunIds().size(), 4u);
  EXPECT_TRUE(fs::exists(dir() / kFashionId));

  result = Runexp("prune --older-than 30 --format csv");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto records = CsvRecords(result.out);
  ASSERT_EQ(records.size(), 1u) << result.out;  // `recent` started today
  EXPECT_EQ(records[0]["run_id"], kFashionId);
  EXPECT_EQ(records[0]["error"], "stage trainer: loss diverged");
  EXPECT_TRUE(Contains(result.err, "pass --yes")) << result.err;
}

TEST_F(StoreCliTest, PruneWithYesRemovesOnlyTheSelectedRuns) {
  CommandResult result = Runexp("prune --status failed --yes");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(RunIds(), (std::vector<std::string>{kBaselineId, kHighLrId, recent_id()}));
  EXPECT_FALSE(fs::exists(dir() / kFashionId));
  EXPECT_TRUE(fs::exists(dir() / recent_id()));

  result = Runexp("prune --yes");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(RunIds(), (std::vector<std::string>{kBaselineId, kHighLrId}));
  result = Runexp("prune --format json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(ParseJsonOrFail(result.out).AsArray()->size(), 0u);
}

TEST_F(StoreCliTest, PruneNeverTakesCompletedRuns) {
  CommandResult result = Runexp("prune --status completed --yes");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "runexp rm")) << result.err;
  EXPECT_EQ(RunIds().size(), 4u);
}

// ---- the database itself ----------------------------------------------------

TEST_F(StoreCliTest, MissingDatabaseIsReportedAndNotCreated) {
  std::string missing = (dir() / "none" / "results.db").string();
  fs::create_directories(dir() / "none");
  for (const char* command : {"runs", "show aaaaaa", "compare aaaaaa bbbbbb", "tag aaaaaa a=b", "rm aaaaaa --yes",
                              "prune", "prune --yes"}) {
    CommandResult result = RunexpRaw(std::string(command) + " --results " + ShellQuote(missing));
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_TRUE(Contains(result.err, "no results database at " + missing + "; run an experiment first"))
        << command << ": " << result.err;
    EXPECT_TRUE(fs::is_empty(dir() / "none")) << command << " created something";
  }
}

TEST_F(StoreCliTest, DefaultLocationIsResultsFolderOfTheCurrentDirectory) {
  fs::create_directories(dir() / "project" / "results");
  fs::copy_file(db_path(), dir() / "project" / "results" / "results.db");
  CommandResult result =
      runexp::testing::RunCommand("cd " + ShellQuote((dir() / "project").string()) + " && " + RUNEXP_EXE + " runs --format csv");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(CsvRecords(result.out).size(), 4u);
  result = runexp::testing::RunCommand("cd " + ShellQuote(dir().string()) + " && " + RUNEXP_EXE + " runs");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "no results database at results/results.db")) << result.err;
  EXPECT_FALSE(fs::exists(dir() / "results"));
}

TEST_F(StoreCliTest, NonSqliteFileIsRefusedUntouched) {
  fs::path file = dir() / "notes.db";
  const std::string bytes = "these are my notes, not a database\n";
  std::ofstream(file, std::ios::binary) << bytes;
  for (const char* command : {"runs", "show aaaaaa", "tag aaaaaa a=b", "rm aaaaaa --yes", "prune --yes"}) {
    CommandResult result = RunexpRaw(std::string(command) + " --results " + ShellQuote(file.string()));
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_TRUE(Contains(result.err, "not an SQLite database")) << command << ": " << result.err;
  }
  EXPECT_EQ(ReadFile(file), bytes);
  EXPECT_FALSE(fs::exists(file.string() + "-wal"));
}

TEST_F(StoreCliTest, DamagedOrNewerDatabaseIsRefusedUntouched) {
  // A valid SQLite header followed by garbage.
  fs::path damaged = dir() / "damaged.db";
  std::string bytes = ReadFile(db_path()).substr(0, 100) + std::string(4096 * 3, '\x5a');
  std::ofstream(damaged, std::ios::binary) << bytes;
  CommandResult result = RunexpRaw("runs --results " + ShellQuote(damaged.string()));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_FALSE(result.err.empty());
  EXPECT_EQ(ReadFile(damaged), bytes);

  // Newer schema: a version this build does not know.
  SetUserVersion(db_path(), 99);
  std::string before = ReadFile(db_path());
  result = Runexp("runs");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "upgrade runexp")) << result.err;
  EXPECT_EQ(ReadFile(db_path()), before);
}

TEST_F(StoreCliTest, HelpListsTheStoreCommands) {
  CommandResult result = RunexpRaw("--help");
  ASSERT_EQ(result.exit_code, 0);
  for (const char* command : {"runs", "show", "compare", "tag", "rm", "prune"}) {
    EXPECT_TRUE(std::regex_search(result.out, std::regex(std::string(R"(\n\s+)") + command + R"(\s)"))) << command;
  }
}

// ---- rendering, directly -----------------------------------------------------

TEST(OutputFormatTest, TableKeepsRowsOnOneLineAndElidesTheWidestTextColumn) {
  Table table;
  table.columns = {{"id", "id"}, {"name", "name", Align::kLeft, true}, {"value", "value", Align::kRight}};
  table.rows.push_back({Cell::Text("r1"), Cell::Text(std::string(50, 'x') + "\n\x1b[31m"), Cell::Real(0.5, 2)});
  table.rows.push_back({Cell::Text("r2"), Cell::Text("\u00e9t\u00e9"), Cell::Null()});
  std::string text = RenderTable(table, 30);
  std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 3u) << text;
  for (const std::string& line : lines) EXPECT_LE(CodePoints(line), 30u) << line;
  EXPECT_TRUE(Contains(lines[1], "\u2026")) << lines[1];
  EXPECT_TRUE(lines[1].ends_with("0.50")) << lines[1];
  EXPECT_FALSE(Contains(text, "\x1b")) << "a raw escape reached the terminal";
  EXPECT_TRUE(Contains(lines[2], "\u00e9t\u00e9")) << lines[2];
  EXPECT_TRUE(lines[2].ends_with("-")) << lines[2];
  EXPECT_EQ(EscapeForTerminal("a\nb\tc\x1b\xff"), "a\\nb\\tc\\x1b\\xff");
  EXPECT_EQ(DisplayWidth("\u4e2d\u6587"), 4u);
}

TEST(OutputFormatTest, JsonEscapesEverythingAndStaysValid) {
  JsonValue value;
  value.Set("text", std::string("q\"b\\n\n\x01\xff")).Set("int", int64_t{-3}).Set("real", 0.1).Set("none", JsonValue());
  value.Set("nan", std::nan(""));
  std::string dumped = value.Dump(0);
  EXPECT_EQ(dumped, R"({"text":"q\"b\\n\n\u0001\ufffd","int":-3,"real":0.1,"none":null,"nan":null})");
  std::optional<JsonValue> parsed = JsonValue::Parse(dumped);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed->Get("text")->AsString(), "q\"b\\n\n\x01\xef\xbf\xbd");
  EXPECT_FALSE(JsonValue::Parse("{\"a\":1,}"));
  EXPECT_FALSE(JsonValue::Parse("\"raw\ncontrol\""));
}

}  // namespace
}  // namespace runexp::cli::testing
