// Schema creation, migration from older versions, and refusing databases
// this runexp must not touch (newer schema, another program's SQLite file).
#include <gtest/gtest.h>

#include <array>
#include <filesystem>

#include "store/migrations.h"
#include "store/schema.h"
#include "store_test_util.h"

namespace runexp::store {
namespace {

using testing::MakeRun;
using testing::OpenOrFail;
using testing::ReadBytes;
using testing::SqlColumn;
using testing::SqlExec;
using testing::SqlScalar;
using testing::TempDir;

Db OpenRaw(const std::string& path) {
  Result<Db> db = Db::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return std::move(db).value();
}

TEST(SchemaTest, FreshDatabaseGetsCurrentSchema) {
  TempDir dir;
  std::string path = dir.File("results.db");
  ASSERT_TRUE(OpenOrFail(path));
  EXPECT_EQ(SqlScalar(path, "PRAGMA user_version"), std::to_string(CurrentSchemaVersion()));
  EXPECT_EQ(SqlScalar(path, "PRAGMA application_id"), std::to_string(kApplicationId));
  EXPECT_EQ(SqlScalar(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(SqlColumn(path, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"),
            (std::vector<std::string>{"checkpoints", "epoch_metrics", "inputs", "metrics",
                                      "params", "runs", "sweep_points", "sweeps", "tags"}));
  EXPECT_EQ(SqlColumn(path, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name"),
            (std::vector<std::string>{"differing_params", "param_spread", "run_summary", "sweep_results"}));
  // Every child table hangs off runs with ON DELETE CASCADE.
  for (const char* table : {"inputs", "params", "epoch_metrics", "metrics", "checkpoints", "tags"}) {
    EXPECT_EQ(SqlScalar(path, std::string("SELECT \"table\" || ':' || on_delete FROM "
                                          "pragma_foreign_key_list('") + table + "')"),
              "runs:CASCADE")
        << table;
  }
}

TEST(SchemaTest, EmptyFileIsAFreshDatabase) {
  TempDir dir;
  std::string path = dir.File("results.db");
  testing::WriteBytes(path, "");
  ASSERT_TRUE(OpenOrFail(path));
  EXPECT_EQ(SqlScalar(path, "PRAGMA user_version"), std::to_string(CurrentSchemaVersion()));
}

TEST(SchemaTest, MigratesVersion1DatabaseAndKeepsItsRows) {
  ASSERT_GE(CurrentSchemaVersion(), 2) << "this test needs an older version to start from";
  TempDir dir;
  std::string path = dir.File("results.db");
  {
    // What runexp with schema version 1 left behind: tables, no views.
    Db db = OpenRaw(path);
    ASSERT_TRUE(Migrate(db, Migrations().first(1)).ok());
  }
  ASSERT_EQ(SqlScalar(path, "PRAGMA user_version"), "1");
  ASSERT_EQ(SqlScalar(path, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'view'"), "0");
  SqlExec(path,
          "INSERT INTO runs (run_id, experiment, status, started_at, finished_at, heartbeat_at,"
          " host, pid) VALUES ('20250101T000000-000001', 'old', 'completed',"
          " '2025-01-01T00:00:00.000Z', '2025-01-01T00:01:00.000Z', '2025-01-01T00:01:00.000Z',"
          " 'h', 1);"
          "INSERT INTO epoch_metrics (run_id, epoch, train_accuracy, test_accuracy, recorded_at)"
          " VALUES ('20250101T000000-000001', 0, 0.9, 0.8, '2025-01-01T00:01:00.000Z');");

  auto store = OpenOrFail(path);
  ASSERT_TRUE(store);
  EXPECT_EQ(SqlScalar(path, "PRAGMA user_version"), std::to_string(CurrentSchemaVersion()));
  Result<RunSummary> summary = store->GetSummary("20250101T000000-000001");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->experiment, "old");
  EXPECT_EQ(summary->epochs, 1);
  EXPECT_DOUBLE_EQ(*summary->duration_seconds, 60.0);
  EXPECT_NEAR(*summary->final_gap_accuracy, 0.1, 1e-12);
}

const std::array<Migration, 2> kFailingSecondStep = {{
    {1, "tables", Migrations()[0].sql},
    {2, "broken", "CREATE TABLE half_done (x INTEGER); SELECT no_such_function();"},
}};

TEST(SchemaTest, FailedMigrationLeavesTheOldVersionIntact) {
  TempDir dir;
  std::string path = dir.File("results.db");
  {
    Db db = OpenRaw(path);
    Status status = Migrate(db, kFailingSecondStep);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("migration 2 (broken)"), std::string::npos)
        << status.ToString();
  }
  // One transaction: not even step 1's tables survive.
  EXPECT_EQ(SqlScalar(path, "PRAGMA user_version"), "0");
  EXPECT_EQ(SqlScalar(path, "SELECT COUNT(*) FROM sqlite_schema"), "0");

  {
    Db db = OpenRaw(path);
    ASSERT_TRUE(Migrate(db, Migrations().first(1)).ok());
    EXPECT_FALSE(Migrate(db, kFailingSecondStep).ok());
  }
  EXPECT_EQ(SqlScalar(path, "PRAGMA user_version"), "1");
  EXPECT_EQ(SqlScalar(path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half_done'"), "0");
}

TEST(SchemaTest, MigrationListMustBeNumberedInOrder) {
  TempDir dir;
  Db db = OpenRaw(dir.File("results.db"));
  constexpr std::array<Migration, 1> kSkipsOne = {{{2, "two", "SELECT 1"}}};
  EXPECT_EQ(Migrate(db, kSkipsOne).code(), StatusCode::kInternal);
}

TEST(SchemaTest, NewerSchemaIsRefusedAndLeftUntouched) {
  TempDir dir;
  std::string path = dir.File("results.db");
  {
    auto store = OpenOrFail(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->BeginRun(MakeRun("mnist")).ok());
  }
  SqlExec(path, "PRAGMA user_version = 99");
  std::string before = ReadBytes(path);
  Result<std::unique_ptr<RunStore>> store = RunStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(store.status().message().find("schema version 99"), std::string::npos)
      << store.status().ToString();
  EXPECT_NE(store.status().message().find("upgrade runexp"), std::string::npos);
  EXPECT_NE(store.status().message().find(path), std::string::npos);
  EXPECT_EQ(ReadBytes(path), before);

  OpenOptions read_only;
  read_only.read_only = true;
  EXPECT_EQ(RunStore::Open(path, read_only).status().code(), StatusCode::kNotSupported);
}

TEST(SchemaTest, AnotherProgramsDatabaseIsRefusedAndLeftUntouched) {
  TempDir dir;
  std::string plain = dir.File("other.db");
  SqlExec(plain, "CREATE TABLE runs (x INTEGER); INSERT INTO runs VALUES (1);");
  std::string before = ReadBytes(plain);
  Result<std::unique_ptr<RunStore>> store = RunStore::Open(plain);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("not a runexp results database"), std::string::npos)
      << store.status().ToString();
  EXPECT_EQ(ReadBytes(plain), before);
  EXPECT_EQ(SqlScalar(plain, "PRAGMA journal_mode"), "delete") << "not even switched to WAL";

  std::string tagged = dir.File("tagged.db");
  SqlExec(tagged, "PRAGMA application_id = 1234; CREATE TABLE t (x);");
  store = RunStore::Open(tagged);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("application_id 0x000004d2"), std::string::npos)
      << store.status().ToString();
}

TEST(SchemaTest, ReadOnlyOpenNeedsAnExistingCurrentDatabase) {
  TempDir dir;
  OpenOptions read_only;
  read_only.read_only = true;
  std::string path = dir.File("results.db");
  EXPECT_EQ(RunStore::Open(path, read_only).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path)) << "a read-only open creates nothing";
  {
    Db db = OpenRaw(path);
    ASSERT_TRUE(Migrate(db, Migrations().first(1)).ok());
  }
  Result<std::unique_ptr<RunStore>> old = RunStore::Open(path, read_only);
  EXPECT_EQ(old.status().code(), StatusCode::kNotSupported) << old.status().ToString();
  ASSERT_TRUE(OpenOrFail(path));  // upgrades
  Result<std::unique_ptr<RunStore>> store = RunStore::Open(path, read_only);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->ListRuns().ok());
  Status writable = (*store)->CheckWritable();
  EXPECT_EQ(writable.code(), StatusCode::kIOError) << writable.ToString();
  EXPECT_NE(writable.message().find("read-only"), std::string::npos) << writable.ToString();
}

}  // namespace
}  // namespace runexp::store
