// `runexp report` as a user runs it: choosing runs (ids, prefixes,
// --experiment), where the page goes (-o FILE, -o -), and the errors.
// What the page looks like in a browser: report_browser_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "report_fixture.h"
#include "store_cli_fixture.h"

namespace runexp::cli::testing {
namespace {

using runexp::testing::CommandResult;
using runexp::testing::ShellQuote;

class ReportCommandTest : public ReportStoreTest {
 protected:
  std::string Out() const { return (dir() / "report.html").string(); }
};

TEST_F(ReportCommandTest, WritesOnePageForTheNamedRunsInOrder) {
  CommandResult r = Runexp(std::string("report b00002 ") + kRunA + " -o " + ShellQuote(Out()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("report of 2 runs: " + Out()), std::string::npos) << r.out;
  std::string page = ReadFile(Out());
  EXPECT_NE(page.find("<body data-runs=\"2\">"), std::string::npos);
  // Labels follow the order typed: B's run is A here.
  EXPECT_NE(page.find("<li data-run=\"A\">"), std::string::npos);
  EXPECT_LT(page.find(kRunB), page.find(kRunA));
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"),
            std::string::npos);
  // The differing parameters: learning rate, and the split only A has.
  std::string params = Element(page, "<table class=\"params\"", "</table>");
  EXPECT_NE(params.find("model.optimizer.learning_rate"), std::string::npos);
  EXPECT_NE(params.find("model.validation_split"), std::string::npos);
  EXPECT_EQ(params.find("model.epochs"), std::string::npos) << "the same in both runs";
  EXPECT_FALSE(std::filesystem::exists(Out() + ".tmp-0"));
}

TEST_F(ReportCommandTest, ExperimentTakesItsCompletedRunsOldestFirst) {
  CommandResult r = Runexp("report --experiment curves -o " + ShellQuote(Out()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string page = ReadFile(Out());
  EXPECT_NE(page.find("<body data-runs=\"2\">"), std::string::npos);
  EXPECT_NE(page.find(kRunA), std::string::npos);
  EXPECT_NE(page.find(kRunB), std::string::npos);
  EXPECT_LT(page.find(kRunA), page.find(kRunB));
  for (const char* other : {kRunC, kRunD, kRunE}) EXPECT_EQ(page.find(other), std::string::npos) << other;
}

TEST_F(ReportCommandTest, DashWritesToStdout) {
  CommandResult r = Runexp(std::string("report ") + kRunA + " -o -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(r.out.find("id=\"report-end\""), std::string::npos);
}

TEST_F(ReportCommandTest, DefaultOutputIsReportHtmlInTheCurrentDirectory) {
  CommandResult r = runexp::testing::RunCommand("cd " + ShellQuote(dir().string()) + " && " + RUNEXP_EXE +
                                                " report " + kRunA + " --results results.db");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir() / "report.html"));
}

TEST_F(ReportCommandTest, UsageErrorsWriteNothing) {
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"report", "needs run ids, --experiment NAME or --sweep ID"},
      {std::string("report ") + kRunA + " --experiment curves", "not several"},
      {"report --experiment nosuch", "no completed runs of experiment 'nosuch'"},
      {"report zzzz", "zzzz"},
      {std::string("report ") + kRunA + " a00001", "named twice"},
  };
  for (const Case& c : cases) {
    CommandResult r = Runexp(c.args + " -o " + ShellQuote(Out()));
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(Out())) << c.args;
  }
}

TEST_F(ReportCommandTest, MissingDatabaseIsAUsageError) {
  CommandResult r = runexp::testing::RunCommand(std::string(RUNEXP_EXE) + " report " + kRunA + " --results " +
                                                ShellQuote((dir() / "none.db").string()) + " -o -");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no results database"), std::string::npos) << r.err;
}

TEST_F(ReportCommandTest, UnwritableOutputFailsAndKeepsNoTemporaryFile) {
  std::filesystem::path missing_dir = dir() / "no" / "such" / "dir" / "report.html";
  CommandResult r = Runexp(std::string("report ") + kRunA + " -o " + ShellQuote(missing_dir.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir() / "no"));
}

TEST_F(ReportCommandTest, ReplacesAnExistingReport) {
  ASSERT_EQ(Runexp(std::string("report ") + kRunA + " -o " + ShellQuote(Out())).exit_code, 0);
  ASSERT_EQ(Runexp(std::string("report ") + kRunB + " -o " + ShellQuote(Out())).exit_code, 0);
  std::string page = ReadFile(Out());
  EXPECT_NE(page.find(kRunB), std::string::npos);
  EXPECT_EQ(page.find(kRunA), std::string::npos);
}

TEST_F(ReportCommandTest, HelpDescribesTheCommand) {
  CommandResult r = runexp::testing::RunCommand(std::string(RUNEXP_EXE) + " help report");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--experiment"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("self-contained"), std::string::npos) << r.out;
}

// The store CLI fixture's database: its failed and interrupted runs are
// reported too when named, and --experiment takes only completed runs.
class ReportOnStoreCliTest : public StoreCliTest {};

TEST_F(ReportOnStoreCliTest, ExperimentSkipsRunsThatDidNotComplete) {
  CommandResult r = Runexp("report --experiment mnist -o -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<body data-runs=\"2\">"), std::string::npos);
  EXPECT_EQ(r.out.find(recent_id()), std::string::npos);
  std::string accuracy = Element(r.out, "data-chart=\"accuracy\"", "</svg>");
  EXPECT_EQ(Count(accuracy, "<circle class=\"point\""), 10u);  // (3 + 2 epochs) × train, test
}

}  // namespace
}  // namespace runexp::cli::testing
