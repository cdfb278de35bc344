// Runs every entry of the bad input catalogue (catalogue.cc): makes the
// input in a fresh folder, runs the command, and checks the exit code, the
// message on stderr and that nothing was written (or, for a run that failed
// on its data, only the failed run's row). Each case's name is printed by
// GoogleTest: BadInputs/BadInputTest.Refuses/idx_wrong_magic, ...
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "catalogue.h"
#include "run_command.h"
#include "runexp/sha256.h"
#include "sql_reader.h"

namespace runexp::bad_inputs {
namespace {

namespace fs = std::filesystem;
using testing::QueryValue;
using testing::RunCommand;

const std::string kData = std::string(RUNEXP_SOURCE_DIR) + "/data/mnist";

std::string Sha256Of(const std::string& file) {
  Result<std::string> sha256 = Sha256OfFile(file);
  return sha256.ok() ? *sha256 : "unreadable: " + sha256.status().ToString();
}

// Every regular file under `dir` with its SHA-256.
std::map<std::string, std::string> Files(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[entry.path().string()] = Sha256Of(entry.path().string());
  }
  return files;
}

// Runs A and B, made on first use and shared read-only by the cases that
// copy them: A failed in epoch 2 (an injected read error,
// docs/fault-points.md) after its first checkpoint; B completed its single
// epoch.
class SharedRuns {
 public:
  ~SharedRuns() {
    if (!vars_.empty()) fs::remove_all(vars_["base_dir"]);
  }
  void AddTo(Workspace& w) {
    if (vars_.empty()) Make();
    w.vars.insert(vars_.begin(), vars_.end());
  }

 private:
  void Make() {
    const std::string dir = testing::MakeTempDir("runexp-bad-inputs-base");
    const std::string toml = dir + "/experiment.toml";
    std::ofstream(toml) << ExperimentToml(kData);
    const std::string run = std::string(RUNEXP_EXE) + " " + toml + " -q --results " + dir + "/results.db";
    auto a = RunCommand("RUNEXP_FAULT=train.step:eio@10 " + run + " --set model.epochs=2");
    auto b = RunCommand(run);
    fs::remove(toml);
    if (a.exit_code != 1 || b.exit_code != 0) throw std::runtime_error("making runs A and B: " + a.err + b.err);
    const std::string db = dir + "/results.db";
    vars_["base_dir"] = dir;
    vars_["run_a"] = QueryValue(db, "SELECT run_id FROM runs WHERE status = 'failed'");
    vars_["checkpoint_a_path"] = QueryValue(db, "SELECT path FROM checkpoints JOIN runs USING (run_id) "
                                                "WHERE status = 'failed' AND epoch = 1");
    vars_["checkpoint_b"] = dir + "/" + QueryValue(db, "SELECT path FROM checkpoints JOIN runs USING (run_id) "
                                                       "WHERE status = 'completed'");
  }
  std::map<std::string, std::string> vars_;
};

SharedRuns shared_runs;

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, Refuses) {
  const BadInput& input = GetParam();
  Workspace w;
  w.dir = testing::MakeTempDir("runexp-bad-input");
  w.vars = {{"runexp", RUNEXP_EXE}, {"data", kData}, {"dir", w.dir}};
  w.need_runs = [](Workspace& workspace) { shared_runs.AddTo(workspace); };
  input.make(w);
  const auto before = Files(w.dir);

  const std::string command = Substitute(input.command, w.vars);
  auto result = RunCommand(command);
  SCOPED_TRACE(input.name + " (" + input.what + "): " + command);
  EXPECT_EQ(result.exit_code, input.exit_code) << result.err;
  const std::string message = Substitute(input.message, w.vars);
  EXPECT_NE(result.err.find(message), std::string::npos) << "wanted: " << message << "\ngot: " << result.err;

  if (input.writes == Writes::kNothing) {
    EXPECT_EQ(Files(w.dir), before) << "something was written, changed or removed";
  } else {
    const std::string db = w.dir + "/results.db";
    EXPECT_EQ(QueryValue(db, "SELECT group_concat(status) FROM runs"), "failed");
    EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM epoch_metrics"), "0");
    EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM checkpoints"), "0");
    for (const auto& [path, sha] : Files(w.dir)) {
      EXPECT_EQ(path.find("/checkpoints/"), std::string::npos) << path;
    }
  }
  fs::remove_all(w.dir);
}

INSTANTIATE_TEST_SUITE_P(BadInputs, BadInputTest, ::testing::ValuesIn(Catalogue()),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

}  // namespace
}  // namespace runexp::bad_inputs
