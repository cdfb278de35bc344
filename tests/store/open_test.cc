// Opening results.db: files that are not databases, damaged databases,
// read-only mounts and locked databases are reported before work starts.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "store_test_util.h"

namespace runexp::store {
namespace {

using testing::Contains;
using testing::MakeRun;
using testing::OpenOrFail;
using testing::ReadBytes;
using testing::SqlExec;
using testing::TempDir;
using testing::WriteBytes;
namespace fs = std::filesystem;

TEST(OpenTest, NonSqliteFileIsRefusedAndLeftByteIdentical) {
  TempDir dir;
  std::string path = dir.File("results.db");
  std::string text = "epoch,accuracy\n0,0.91\n1,0.93\n" + std::string(5000, 'x');
  WriteBytes(path, text);
  Result<std::unique_ptr<RunStore>> store = RunStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Contains(store.status().message(), path)) << store.status().ToString();
  EXPECT_TRUE(Contains(store.status().message(), "not an SQLite database"));
  EXPECT_EQ(ReadBytes(path), text);
  EXPECT_FALSE(fs::exists(path + "-wal"));
  EXPECT_FALSE(fs::exists(path + "-shm"));
  EXPECT_FALSE(fs::exists(path + "-journal"));
}

TEST(OpenTest, TinyAndTruncatedFilesAreRefused) {
  TempDir dir;
  std::string tiny = dir.File("tiny.db");
  WriteBytes(tiny, "SQL");
  EXPECT_EQ(RunStore::Open(tiny).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ReadBytes(tiny), "SQL");

  std::string truncated = dir.File("truncated.db");
  WriteBytes(truncated, std::string("SQLite format 3\0", 16) + "abc");
  Result<std::unique_ptr<RunStore>> store = RunStore::Open(truncated);
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
  EXPECT_EQ(ReadBytes(truncated).size(), 19u);
}

TEST(OpenTest, DamagedDatabaseIsReportedAsCorruption) {
  TempDir dir;
  std::string path = dir.File("results.db");
  {
    auto store = OpenOrFail(path);
    ASSERT_TRUE(store);
    for (int i = 0; i < 50; ++i) {
      Result<std::string> id = store->BeginRun(MakeRun("mnist", "run" + std::to_string(i)));
      ASSERT_TRUE(id.ok());
      for (int e = 0; e < 5; ++e) {
        ASSERT_TRUE(store->RecordEpoch(*id, testing::Epoch(e, 0.5, 0.9, 0.6, 0.8)).ok());
      }
    }
  }
  ASSERT_FALSE(fs::exists(path + "-wal")) << "last close checkpoints the WAL into the file";
  // Keep the 100-byte header and page 1 (the schema), scribble over the rest.
  std::string bytes = ReadBytes(path);
  ASSERT_GT(bytes.size(), 3 * 4096u);
  for (size_t i = 4096; i < bytes.size(); i += 7) bytes[i] = static_cast<char>(0xA5 ^ i);
  WriteBytes(path, bytes);

  Result<std::unique_ptr<RunStore>> store = RunStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
  EXPECT_TRUE(Contains(store.status().message(), path)) << store.status().ToString();
  EXPECT_EQ(ReadBytes(path), bytes) << "a damaged database is reported, not repaired or rewritten";
}

TEST(OpenTest, MissingDirectoryIsNotCreated) {
  TempDir dir;
  std::string path = dir.File("no/such/dir/results.db");
  Result<std::unique_ptr<RunStore>> store = RunStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(store.status().message(), "does not exist")) << store.status().ToString();
  EXPECT_FALSE(fs::exists(dir.File("no")));
}

TEST(OpenTest, DirectoryIsNotADatabase) {
  TempDir dir;
  EXPECT_EQ(RunStore::Open(dir.path().string()).status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenTest, LockedDatabaseFailsCheckWritableQuickly) {
  TempDir dir;
  std::string path = dir.File("results.db");
  ASSERT_TRUE(OpenOrFail(path));

  // Another process (here: another connection) holds the write lock.
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  OpenOptions options;
  options.busy_timeout = std::chrono::milliseconds(200);
  auto store = OpenOrFail(path, options);  // opening needs no write lock
  ASSERT_TRUE(store);
  Status writable = store->CheckWritable();
  EXPECT_EQ(writable.code(), StatusCode::kIOError) << writable.ToString();
  EXPECT_TRUE(Contains(writable.message(), "locked")) << writable.ToString();
  EXPECT_TRUE(Contains(writable.message(), path));
  EXPECT_EQ(store->BeginRun(MakeRun("mnist")).status().code(), StatusCode::kIOError);

  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_TRUE(store->CheckWritable().ok());
  EXPECT_TRUE(store->BeginRun(MakeRun("mnist")).ok());
}

struct Shell {
  int exit_code;
  std::string output;
};

Shell RunShell(const std::string& command) {
  Shell result{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) result.output.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }  // temp paths have no quotes

// Runs the helper with the directory bind-mounted read-only in a private
// mount namespace, so the file really is on a read-only file system (as
// root, permission bits would not stop us).
Shell RunHelperOnReadOnlyMount(const std::string& dir, const std::string& mode,
                               const std::string& file) {
  return RunShell("unshare -m sh -c 'mount --bind -o ro \"$0\" \"$0\" || exit 77; "
                  "exec \"$1\" \"$2\" \"$0/$3\"' " +
                  Quote(dir) + " " + Quote(STORE_WRITER_HELPER) + " " + Quote(mode) + " " +
                  Quote(file) + " 2>&1");
}

TEST(OpenTest, ReadOnlyMountIsRefusedBeforeWork) {
  Shell probe = RunShell("unshare -m true 2>&1");
  if (probe.exit_code != 0) GTEST_SKIP() << "unshare -m is not permitted here: " << probe.output;

  TempDir dir;
  std::string path = dir.File("results.db");
  {
    auto store = OpenOrFail(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->BeginRun(MakeRun("mnist")).ok());
  }
  std::string before = ReadBytes(path);

  Shell writable = RunHelperOnReadOnlyMount(dir.path().string(), "check-writable", "results.db");
  if (writable.exit_code == 77) GTEST_SKIP() << "bind mount not permitted: " << writable.output;
  EXPECT_EQ(writable.exit_code, 1) << writable.output;
  EXPECT_TRUE(Contains(writable.output, "IO error")) << writable.output;
  EXPECT_TRUE(Contains(writable.output, "read-only")) << writable.output;
  EXPECT_TRUE(Contains(writable.output, "results.db")) << writable.output;
  EXPECT_EQ(ReadBytes(path), before);

  // Reading it is still fine.
  Shell listed = RunHelperOnReadOnlyMount(dir.path().string(), "count-read-only", "results.db");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output, "1\n");

  // And the same helper succeeds on the writable original: the test can tell.
  Shell control = RunShell(Quote(STORE_WRITER_HELPER) + " check-writable " + Quote(path) + " 2>&1");
  EXPECT_EQ(control.exit_code, 0) << control.output;
}

}  // namespace
}  // namespace runexp::store
