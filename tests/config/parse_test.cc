// Malformed TOML: exactly one clean, located error — including the inputs
// on which toml++ 3.3.0 violates its own preconditions (config/toml.h).
#include <gtest/gtest.h>

#include "config/document_parse.h"
#include "config_test_util.h"

namespace runexp::config::testing {
namespace {

using ::testing::ElementsAre;

class ParseTest : public ConfigTest {};

TEST_F(ParseTest, SyntaxErrorIsOneLocatedLine) {
  EXPECT_THAT(Errors("[experiment]\nname = \"x\ndsl_version = 1\n"),
              ElementsAre("exp.toml:2:10: invalid TOML (string): unescaped control characters "
                          "other than TAB (U+0009) are explicitly prohibited"));
  EXPECT_THAT(Errors("[experiment]\nname = \"x\"\nname = \"y\"\n"),
              ElementsAre("exp.toml:3:8: invalid TOML (key-value pair): cannot redefine "
                          "existing string 'name'"));
}

TEST_F(ParseTest, ParserPreconditionsBecomeLocatedErrors) {
  // Upstream #294 and #301 and the toml-test cases that trip the same
  // precondition: undefined behaviour with NDEBUG, an abort without it.
  const char* kMessage = "invalid TOML: expected a key (bare or quoted) here";
  EXPECT_THAT(Errors("[&"), ElementsAre(std::string("exp.toml:1:2: ") + kMessage));
  EXPECT_THAT(Errors("[\n"), ElementsAre(std::string("exp.toml:1:2: ") + kMessage));
  EXPECT_THAT(Errors("[.]\nk = 1\n"), ElementsAre(std::string("exp.toml:1:2: ") + kMessage));
  EXPECT_THAT(Errors("[experiment]\nname = \"x\"\n\n  [ \u00e9]\n"),
              ElementsAre(std::string("exp.toml:4:5: ") + kMessage));
}

TEST_F(ParseTest, PreconditionInAHugeFileIsReportedUnlocated) {
  std::string text(70 * 1024, '#');  // one long comment line, then the bad header
  text += "\n[&\n";
  EXPECT_THAT(Errors(text),
              ElementsAre("exp.toml:1:1: invalid TOML: expected a key (bare or quoted) here "
                          "(somewhere in this file: it is too large to locate the error)"));
}

TEST_F(ParseTest, PreconditionsNeverEscapeAsExceptions) {
  // Parsed directly too, many times: each call reports, none throws.
  for (const char* text : {"[&", "[.]", "[..]", "[!]\nk = 123\n", "[", "[[[1]]]", "a = [[[1]]"}) {
    SCOPED_TRACE(text);
    ParsedDocument parsed;
    EXPECT_NO_THROW(parsed = ParseDocument(text, "t.toml"));
    ASSERT_TRUE(parsed.error.has_value());
    EXPECT_GE(parsed.error->line, 1);
    EXPECT_GE(parsed.error->column, 1);
  }
}

TEST_F(ParseTest, ControlCharactersInMessagesAreEscaped) {
  std::vector<std::string> errors = Errors("a = \"x\x01y\"\n\r\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "exp.toml:1:7: invalid TOML (string): unescaped control characters other "
            "than TAB (U+0009) are explicitly prohibited");
  // A NUL written as an escape is a valid string; echoed back, it stays one clean line.
  std::vector<std::string> echoed = Errors(
      "[experiment]\nname = 5\ndsl_version = 1\n"
      "description = \"a\\u0000b\\nc\"\n[stages.s]\n"
      "plugin = \"a\\u0001\\nb\"\n");
  EXPECT_THAT(echoed, ElementsAre("exp.toml:2:8: [experiment] key 'name' expects string, got "
                                  "integer 5",
                                  "exp.toml:6:10: unknown plugin 'a\\x01\\nb'; known plugins: "
                                  "evaluator, idx_reader, mlp_trainer, one_hot, "
                                  "reshape_normalize, sink, tagger"));
}

TEST_F(ParseTest, InvalidUtf8IsReportedAndEscaped) {
  EXPECT_THAT(Errors("a = 1\nb = \"\xff\"\n"),
              ElementsAre("exp.toml:2:5: invalid TOML: Encountered invalid utf-8 sequence"));
}

TEST_F(ParseTest, ReadErrorHasNoPosition) {
  CheckResult result = CheckExperimentFile(dir() / "absent.toml", FakeCatalog());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(FormatConfigError(result.errors[0]),
            (dir() / "absent.toml").string() +
                ": cannot read the experiment file: No such file or directory");
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ParseTest, DocumentKeepsPositionsOfKeysAndValues) {
  ParsedDocument parsed = ParseDocument("[a]\n  b = [1, { c = 2.5 }]\n", "t.toml");
  ASSERT_FALSE(parsed.error.has_value());
  const Entry* a = parsed.root.Find("a");
  ASSERT_NE(a, nullptr);
  const Entry* b = a->value.Find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->key_origin.line, 2);
  EXPECT_EQ(b->key_origin.column, 3);
  ASSERT_EQ(b->value.items.size(), 2u);
  const Entry* c = b->value.items[1].Find("c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value.kind, Node::Kind::kFloat);
  EXPECT_EQ(c->value.number, 2.5);
  EXPECT_EQ(c->value.origin.file, "t.toml");
  EXPECT_EQ(c->value.origin.line, 2);
  EXPECT_EQ(c->value.origin.column, 17);
}

TEST_F(ParseTest, CommandLineValuesParseAsOneLiteral) {
  ParsedValue value = ParseTomlValue("{ a = [1, 2] }", "--set x.y={ a = [1, 2] }");
  ASSERT_FALSE(value.error.has_value()) << *value.error;
  EXPECT_TRUE(value.value.is_table());
  EXPECT_EQ(value.value.origin.file, "--set x.y={ a = [1, 2] }");
  EXPECT_EQ(value.value.origin.line, 0);
  EXPECT_EQ(value.value.Find("a")->value.items[1].origin.line, 0);
  EXPECT_TRUE(ParseTomlValue("[&", "x").error.has_value());
  EXPECT_TRUE(ParseTomlValue("1\n[t]", "x").error.has_value());
}

}  // namespace
}  // namespace runexp::config::testing
