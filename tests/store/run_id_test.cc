// Run ids: format, time order, prefix resolution, ambiguity and suggestions.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "store/run_id.h"
#include "store_test_util.h"

namespace runexp::store {
namespace {

using namespace std::chrono_literals;
using testing::MakeRun;
using testing::OpenOrFail;
using testing::TempDir;

Clock::time_point At(int64_t unix_seconds) { return Clock::time_point(std::chrono::seconds(unix_seconds)); }

TEST(RunIdTest, FormatIsUtcSecondDashSixHex) {
  // 2026-11-30T00:35:01Z
  EXPECT_EQ(NewRunId(At(1795998901), 0x7f3a9c), "20261130T003501-7f3a9c");
  EXPECT_EQ(NewRunId(At(0), 0x1), "19700101T000000-000001");
  EXPECT_EQ(NewRunId(At(0), 0xff123456), "19700101T000000-123456") << "only 24 bits are used";
  EXPECT_TRUE(IsGeneratedRunId(NewRunId(Clock::now())));
  EXPECT_FALSE(IsGeneratedRunId("20261130T003501-7F3A9C"));
  EXPECT_FALSE(IsGeneratedRunId("20261130T003501_7f3a9c"));
  EXPECT_FALSE(IsGeneratedRunId("20261130T003501-7f3a9"));
}

TEST(RunIdTest, SortingIdsSortsByStartTime) {
  std::vector<std::pair<int64_t, std::string>> made;
  for (int64_t t : {1795998901, 1700000000, 1795998902, 1800000000, 1795998900}) {
    // Random parts deliberately in the opposite order of the times.
    made.emplace_back(t, NewRunId(At(t), static_cast<uint32_t>(0xffffff - t % 1000)));
  }
  std::vector<std::pair<int64_t, std::string>> by_time = made, by_id = made;
  std::sort(by_time.begin(), by_time.end());
  std::sort(by_id.begin(), by_id.end(), [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_EQ(by_time, by_id);
}

TEST(RunIdTest, RandomPartsDifferAcrossCalls) {
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.insert(NewRunId(At(1795998901)));
  EXPECT_GT(ids.size(), 195u) << "24 random bits should almost never collide in 200 draws";
}

TEST(RunIdTest, AcceptableCallerIds) {
  EXPECT_TRUE(IsAcceptableRunId("baseline-1.2_a"));
  EXPECT_FALSE(IsAcceptableRunId(""));
  EXPECT_FALSE(IsAcceptableRunId("has space"));
  EXPECT_FALSE(IsAcceptableRunId("quote'"));
  EXPECT_FALSE(IsAcceptableRunId(std::string(65, 'a')));
}

const std::vector<std::string> kIds = {
    "20261130T003501-7f3a9c", "20261130T003501-a01b2c", "20261130T004210-7f9911",
    "20261201T120000-c0ffee"};

TEST(MatchRunIdTest, ExactAndUniquePrefix) {
  EXPECT_EQ(*MatchRunId("20261130T004210-7f9911", kIds), "20261130T004210-7f9911");
  EXPECT_EQ(*MatchRunId("20261201", kIds), "20261201T120000-c0ffee");
  EXPECT_EQ(*MatchRunId("20261130T003501-a", kIds), "20261130T003501-a01b2c");
}

TEST(MatchRunIdTest, PrefixOfRandomPart) {
  EXPECT_EQ(*MatchRunId("c0f", kIds), "20261201T120000-c0ffee");
  EXPECT_EQ(*MatchRunId("a01b", kIds), "20261130T003501-a01b2c");
}

TEST(MatchRunIdTest, AmbiguousListsCandidates) {
  Result<std::string> r = MatchRunId("20261130T0035", kIds);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("20261130T003501-7f3a9c"), std::string::npos);
  EXPECT_NE(r.status().message().find("20261130T003501-a01b2c"), std::string::npos);
  EXPECT_EQ(r.status().message().find("c0ffee"), std::string::npos);

  Result<std::string> random_part = MatchRunId("7f", kIds);  // 7f3a9c and 7f9911
  ASSERT_FALSE(random_part.ok());
  EXPECT_EQ(random_part.status().code(), StatusCode::kInvalidArgument);
}

TEST(MatchRunIdTest, FullIdPrefixWinsOverRandomPart) {
  std::vector<std::string> ids = {"20261130T003501-2026ab", "20270101T000000-000001"};
  EXPECT_EQ(*MatchRunId("2026", ids), "20261130T003501-2026ab");
}

TEST(MatchRunIdTest, NotFoundSuggestsClosest) {
  Result<std::string> typo = MatchRunId("20261130T004211", kIds);  // last digit wrong
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().code(), StatusCode::kNotFound);
  EXPECT_NE(typo.status().message().find("did you mean 20261130T004210-7f9911"),
            std::string::npos)
      << typo.status().message();

  Result<std::string> random_typo = MatchRunId("c0fefe", kIds);
  ASSERT_FALSE(random_typo.ok());
  EXPECT_NE(random_typo.status().message().find("20261201T120000-c0ffee"), std::string::npos)
      << random_typo.status().message();

  Result<std::string> far = MatchRunId("zzzzzzzzzzzz", kIds);
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.status().message().find("did you mean"), std::string::npos);
}

TEST(MatchRunIdTest, EmptyIsInvalid) {
  EXPECT_EQ(MatchRunId("", kIds).status().code(), StatusCode::kInvalidArgument);
}

TEST(ResolveRunIdTest, AgainstTheDatabase) {
  TempDir dir;
  auto store = OpenOrFail(dir.File("results.db"));
  ASSERT_TRUE(store);
  RunRecord a = MakeRun("mnist");
  a.run_id = "20261130T003501-7f3a9c";
  RunRecord b = MakeRun("mnist");
  b.run_id = "20261130T003501-a01b2c";
  ASSERT_TRUE(store->BeginRun(a).ok());
  ASSERT_TRUE(store->BeginRun(b).ok());
  EXPECT_EQ(*store->ResolveRunId("7f3a"), a.run_id);
  EXPECT_EQ(*store->ResolveRunId("20261130T003501-a"), b.run_id);
  Result<std::string> ambiguous = store->ResolveRunId("2026");
  EXPECT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
  Result<std::string> missing = store->ResolveRunId("20261130T003501-7f3a9d");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir.File("results.db")), std::string::npos)
      << "the error names the database";
  EXPECT_NE(missing.status().message().find("did you mean 20261130T003501-7f3a9c"),
            std::string::npos)
      << missing.status().message();
}

TEST(ResolveRunIdTest, GeneratedIdsAreUsedAndWellFormed) {
  TempDir dir;
  auto store = OpenOrFail(dir.File("results.db"));
  ASSERT_TRUE(store);
  Result<std::string> id = store->BeginRun(MakeRun("mnist"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(IsGeneratedRunId(*id)) << *id;
  EXPECT_EQ(*store->ResolveRunId(id->substr(0, 18)), *id);

  RunRecord duplicate = MakeRun("mnist");
  duplicate.run_id = *id;
  EXPECT_EQ(store->BeginRun(duplicate).status().code(), StatusCode::kInvalidArgument);
  RunRecord bad = MakeRun("mnist");
  bad.run_id = "no spaces please";
  EXPECT_EQ(store->BeginRun(bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace runexp::store
