// The report in a real browser: headless Chromium (Debian's `chromium`)
// loads a report of runs A-E (report_fixture.h) and
//   - as HTML: the page loads completely, no console error, the charts hold
//     the expected point markers per run, user markup is text, not elements;
//   - as XHTML: the strict XML parser finds no error (a stray '<' or '&'
//     from user data would be one);
//   - as a screenshot 800 px wide: a PNG of that size in which each run's
//     colour was actually painted.
// and a sweep's report (sweep_fixture.h): its parameter charts hold the
// expected markers and the page parses as XHTML.
//
// Chromium is required, not optional: scripts/debian-packages.txt installs
// it, so a machine without it is set up wrongly and this test fails saying
// so. $RUNEXP_CHROMIUM names another binary.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "png_image.h"
#include "report_fixture.h"
#include "sweep_fixture.h"

namespace runexp::cli::testing {
namespace {

using runexp::testing::CommandResult;
using runexp::testing::ShellQuote;

constexpr int kWidth = 800, kHeight = 1400;

std::string Chromium() {
  const char* override_path = std::getenv("RUNEXP_CHROMIUM");
  if (override_path && *override_path) return override_path;
  CommandResult found = runexp::testing::RunCommand("command -v chromium");
  if (found.exit_code != 0) return "";
  std::string path = found.out;
  while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
  return path;
}

// Chromium with a profile of its own per call (so tests running at once, or
// a user's browser, never share one) and console messages on stderr.
class HeadlessChromium {
 public:
  // Fails the current test when chromium is missing or does not run.
  void Start(const std::filesystem::path& profiles_dir) {
    profiles_dir_ = profiles_dir;
    binary_ = Chromium();
    const char* kInstall = "; scripts/install-packages.sh installs it (scripts/debian-packages.txt)";
    ASSERT_FALSE(binary_.empty()) << "chromium is not installed" << kInstall;
    CommandResult version = runexp::testing::RunCommand(ShellQuote(binary_) + " --version");
    ASSERT_EQ(version.exit_code, 0) << binary_ << " does not run: " << version.err << kInstall;
  }

  CommandResult Browse(const std::string& args, const std::filesystem::path& page) {
    std::filesystem::path profile = profiles_dir_ / ("profile-" + std::to_string(profiles_++));
    return runexp::testing::RunCommand(
        ShellQuote(binary_) + " --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" +
        ShellQuote(profile.string()) + " --enable-logging=stderr --v=0 " + args + " " +
        ShellQuote("file://" + page.string()));
  }

 private:
  std::string binary_;
  std::filesystem::path profiles_dir_;
  int profiles_ = 0;
};

// No console message (script errors and failed loads are reported there).
void ExpectNoConsoleErrors(const CommandResult& r) {
  EXPECT_EQ(r.err.find(":CONSOLE"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Uncaught"), std::string::npos) << r.err;
}

class ReportBrowserTest : public ReportStoreTest {
 protected:
  void SetUp() override {
    ReportStoreTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(chromium_.Start(dir()));
    report_ = dir() / "report.html";
    CommandResult r = Runexp(std::string("report ") + kRunA + " " + kRunB + " " + kRunC + " " + kRunD + " " +
                             kRunE + " -o " + ShellQuote(report_.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  CommandResult Browse(const std::string& args, const std::filesystem::path& page) {
    return chromium_.Browse(args, page);
  }

  void TearDown() override {
    // RUNEXP_TEST_KEEP=DIR keeps the page and screenshot for a look.
    if (const char* keep = std::getenv("RUNEXP_TEST_KEEP"); keep && *keep) {
      std::error_code ignored;
      for (const char* name : {"report.html", "report.png"}) {
        std::filesystem::copy_file(dir() / name, std::filesystem::path(keep) / name,
                                   std::filesystem::copy_options::overwrite_existing, ignored);
      }
    }
    ReportStoreTest::TearDown();
  }

  HeadlessChromium chromium_;
  std::filesystem::path report_;
};

TEST_F(ReportBrowserTest, PageLoadsWithTheExpectedPoints) {
  CommandResult r = Browse("--dump-dom", report_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoConsoleErrors(r);
  const std::string& dom = r.out;
  ASSERT_NE(dom.find("id=\"report-end\""), std::string::npos) << "the page did not load to its end:\n" << dom;

  std::string accuracy = Element(dom, "data-chart=\"accuracy\"", "</svg>");
  std::string loss = Element(dom, "data-chart=\"loss\"", "</svg>");
  ASSERT_FALSE(accuracy.empty()) << dom;
  ASSERT_FALSE(loss.empty()) << dom;
  EXPECT_EQ(Count(accuracy, "<circle class=\"point\""), static_cast<size_t>(kAccuracyPoints));
  EXPECT_EQ(Count(loss, "<circle class=\"point\""), static_cast<size_t>(kLossPoints));
  // Per run, in the order given (A-E): the markers and the gap bands.
  EXPECT_EQ(Count(accuracy, "class=\"point\" cx"), static_cast<size_t>(kAccuracyPoints));
  EXPECT_EQ(Count(accuracy, "data-run=\"A\" data-series=\"val_accuracy\" data-x="), 5u);
  EXPECT_EQ(Count(loss, "data-run=\"B\" data-series=\"test_loss\" data-x="), 2u);  // epoch 2 is NaN
  EXPECT_EQ(Count(accuracy, "data-run=\"D\" data-series=\"train_accuracy\" data-x="), 1u);
  EXPECT_EQ(Count(accuracy, "data-run=\"E\" data-series=\"train_accuracy\" data-x="), 0u);
  EXPECT_EQ(Count(accuracy, "<polygon class=\"band\""), 3u);  // A, B, C; D has one epoch, E none

  // Markup in a run's name, tag and error is text, not elements.
  EXPECT_EQ(dom.find("<script"), std::string::npos);
  EXPECT_EQ(dom.find("<i>tuned"), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;alert(\"pwned\")&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"),
            std::string::npos);
  EXPECT_NE(dom.find("loss diverged &lt;at&gt; step 7"), std::string::npos);
  EXPECT_NE(dom.find("<details class=\"provenance\">"), std::string::npos);
}

TEST_F(ReportBrowserTest, StrictXmlParserFindsNoError) {
  std::filesystem::path xhtml = dir() / "report.xhtml";
  std::filesystem::copy_file(report_, xhtml);
  CommandResult r = Browse("--dump-dom", xhtml);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("parsererror"), std::string::npos) << r.out.substr(0, 2000);
  EXPECT_NE(r.out.find("id=\"report-end\""), std::string::npos);
}

TEST_F(ReportBrowserTest, ScreenshotAt800PixelsShowsEveryRunsColour) {
  std::filesystem::path png = dir() / "report.png";
  CommandResult r = Browse("--hide-scrollbars --window-size=" + std::to_string(kWidth) + "," +
                               std::to_string(kHeight) + " --screenshot=" + ShellQuote(png.string()),
                           report_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoConsoleErrors(r);
  std::string error;
  std::optional<PngImage> image = ReadPng(png.string(), &error);
  ASSERT_TRUE(image) << error;
  EXPECT_EQ(image->width, static_cast<uint32_t>(kWidth));
  EXPECT_EQ(image->height, static_cast<uint32_t>(kHeight));
  // Lines 2 px wide and filled markers leave pixels of the exact colour;
  // legend and table swatches add some. A-C have curves, D one epoch (two
  // markers per chart), E no epochs, so its colour is in swatches only.
  const std::pair<uint32_t, size_t> least_pixels[] = {
      {0x1f77b4, 300}, {0xff7f0e, 300}, {0x2ca02c, 300}, {0xd62728, 60}, {0x9467bd, 20}};
  for (const auto& [colour, least] : least_pixels) {
    EXPECT_GT(image->CountColour(colour, 8), least) << std::hex << colour;
  }
  size_t white = image->CountColour(0xffffff);
  EXPECT_LT(white, size_t{image->width} * image->height * 97 / 100) << "an almost blank page";
}

// ---- a sweep's report ---------------------------------------------------------

class SweepReportBrowserTest : public SweepCliTest {
 protected:
  void SetUp() override {
    SweepCliTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(chromium_.Start(dir()));
    report_ = dir() / "sweep.html";
    CommandResult r = Runexp(std::string("report --sweep ") + kGridSweepId + " -o " + ShellQuote(report_.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  HeadlessChromium chromium_;
  std::filesystem::path report_;
};

TEST_F(SweepReportBrowserTest, ParameterChartsAndPointsLoad) {
  CommandResult r = chromium_.Browse("--dump-dom", report_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoConsoleErrors(r);
  const std::string& dom = r.out;
  ASSERT_NE(dom.find("id=\"report-end\""), std::string::npos) << "the page did not load to its end:\n" << dom;
  // Four completed points on each of the four parameter charts.
  for (const char* id : {"sweep-test-accuracy-0", "sweep-gap-0", "sweep-test-accuracy-1", "sweep-gap-1"}) {
    std::string chart = Element(dom, std::string("data-chart=\"") + id + "\"", "</svg>");
    ASSERT_FALSE(chart.empty()) << id;
    EXPECT_EQ(Count(chart, "<circle class=\"point\""), 4u) << id;
  }
  EXPECT_EQ(Count(dom, "<tr data-point="), 6u);
  EXPECT_NE(dom.find("data-status=\"pending\""), std::string::npos);
}

TEST_F(SweepReportBrowserTest, StrictXmlParserFindsNoError) {
  for (const char* sweep : {kGridSweepId, kTextSweepId}) {
    std::filesystem::path xhtml = dir() / (std::string(sweep) + ".xhtml");
    CommandResult written = Runexp(std::string("report --sweep ") + sweep + " -o " + ShellQuote(xhtml.string()));
    ASSERT_EQ(written.exit_code, 0) << written.err;
    CommandResult r = chromium_.Browse("--dump-dom", xhtml);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("parsererror"), std::string::npos) << sweep << "\n" << r.out.substr(0, 2000);
    EXPECT_NE(r.out.find("id=\"report-end\""), std::string::npos) << sweep;
  }
}

}  // namespace
}  // namespace runexp::cli::testing
