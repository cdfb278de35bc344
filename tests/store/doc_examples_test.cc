// docs/results-db.md cannot rot: every ```sql block in it runs against a
// synthetic database here and the named examples must give the expected
// answers; every table and view column must be described on the page.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <sstream>

#include "store/migrations.h"
#include "store_test_util.h"

namespace runexp::store {
namespace {

using testing::Epoch;
using testing::MakeRun;
using testing::OpenOrFail;
using testing::ReadBytes;
using testing::SqlColumn;
using testing::TempDir;

std::string Doc() {
  std::string text = ReadBytes(RUNEXP_RESULTS_DB_DOC);
  EXPECT_FALSE(text.empty()) << "cannot read " << RUNEXP_RESULTS_DB_DOC;
  return text;
}

// name ("-- example: NAME" on the first line, or "block N") -> SQL
std::map<std::string, std::string> SqlBlocks(const std::string& markdown) {
  std::map<std::string, std::string> blocks;
  std::istringstream in(markdown);
  std::string line, current;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```sql") {
      inside = true;
      current.clear();
    } else if (inside && line == "```") {
      inside = false;
      std::string name = "block " + std::to_string(blocks.size() + 1);
      const std::string marker = "-- example: ";
      if (current.starts_with(marker)) name = current.substr(marker.size(), current.find('\n') - marker.size());
      blocks[name] = current;
    } else if (inside) {
      current += line + "\n";
    }
  }
  EXPECT_FALSE(inside) << "unterminated ```sql block";
  return blocks;
}

// Each row as its columns joined by '|', NULL as "NULL".
std::vector<std::string> Rows(const std::string& path, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, &tail) != SQLITE_OK) {
    ADD_FAILURE() << sqlite3_errmsg(db) << "\n" << sql;
  } else {
    EXPECT_EQ(std::string(tail).find_first_not_of(" \n"), std::string::npos)
        << "one statement per block, please: " << tail;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const unsigned char* text = sqlite3_column_text(stmt, c);
        if (c > 0) row += '|';
        row += text ? reinterpret_cast<const char*>(text) : "NULL";
      }
      rows.push_back(row);
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sqlite3_errmsg(db) << "\n" << sql;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

class DocExamplesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(path_);
    ASSERT_TRUE(store_);
    Add("r1", "sweep", 0.1, 32, RunStatus::kCompleted,
        {{0.80, 0.80}, {0.90, 0.895}, {0.95, 0.93}, {0.99, 0.94}});
    Add("r2", "sweep", 0.01, 32, RunStatus::kCompleted, {{0.85, 0.86}, {0.92, 0.90}});
    Add("r3", "sweep", 0.01, 64, RunStatus::kCompleted, {{0.88, 0.875}});
    Add("r4", "other", 0.1, 32, RunStatus::kFailed, {{0.99, 0.50}});
  }

  void Add(const std::string& id, const std::string& experiment, double lr, int64_t batch,
           RunStatus end, const std::vector<std::pair<double, double>>& accuracies) {
    RunRecord r = MakeRun(experiment);
    r.run_id = id;
    ASSERT_TRUE(store_->BeginRun(r).ok());
    std::vector<Param> params = {{"model.optimizer.learning_rate", lr},
                                 {"train.batch_size", batch},
                                 {"train.epochs", int64_t{10}}};
    ASSERT_TRUE(store_->RecordParams(id, params).ok());
    for (size_t e = 0; e < accuracies.size(); ++e) {
      auto [train, test] = accuracies[e];
      ASSERT_TRUE(store_->RecordEpoch(id, Epoch(static_cast<int64_t>(e), 1 - train, train,
                                                1 - test, test)).ok());
    }
    ASSERT_TRUE(store_->FinishRun(id, end).ok());
  }

  TempDir dir_;
  std::string path_ = dir_.File("results.db");
  std::unique_ptr<RunStore> store_;
};

TEST_F(DocExamplesTest, EverySqlBlockRunsAndTheExamplesAnswerCorrectly) {
  std::map<std::string, std::string> blocks = SqlBlocks(Doc());
  const std::map<std::string, std::vector<std::string>> expected = {
      {"best-accuracy-per-learning-rate", {"0.01|0.9|2", "0.1|0.94|1"}},
      {"first-epoch-gap-exceeds", {"r1|2|0.02", "r2|1|0.02", "r4|0|0.49"}},
      {"runs-differing-in-one-parameter",
       {"r1|r2|model.optimizer.learning_rate|0.1|0.01", "r2|r3|train.batch_size|32|64"}},
  };
  for (const auto& [name, rows] : expected) {
    ASSERT_TRUE(blocks.count(name)) << "docs/results-db.md lost the example '" << name << "'";
  }
  for (const auto& [name, sql] : blocks) {
    SCOPED_TRACE(name);
    std::vector<std::string> rows = Rows(path_, sql);
    if (expected.count(name)) {
      EXPECT_EQ(rows, expected.at(name)) << sql;
    }
  }
}

TEST_F(DocExamplesTest, EveryColumnIsDocumentedUnderItsTableOrView) {
  const std::string doc = Doc();
  std::vector<std::string> objects = SqlColumn(
      path_, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
             "AND name NOT LIKE 'sqlite_%' ORDER BY name");
  ASSERT_GE(objects.size(), 10u);
  for (const std::string& object : objects) {
    size_t start = doc.find("### `" + object + "`");
    ASSERT_NE(start, std::string::npos) << "no section for " << object;
    size_t end = doc.find("\n#", start + 1);
    std::string section = doc.substr(start, end == std::string::npos ? end : end - start);
    for (const std::string& column :
         SqlColumn(path_, "SELECT name FROM pragma_table_xinfo('" + object + "')")) {
      EXPECT_NE(section.find("`" + column + "`"), std::string::npos)
          << object << "." << column << " is not described in docs/results-db.md";
    }
  }
  EXPECT_NE(doc.find("| " + std::to_string(CurrentSchemaVersion()) + " |"), std::string::npos)
      << "the version table in the doc lacks the current schema version";
}

}  // namespace
}  // namespace runexp::store
