// The flow-graph runtime on small fake stages: fan-out, joins, ordered
// streams, overlap between producer and consumer, failure and cancellation.
#include "graph/graph_runner.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace runexp {
namespace {

// Shared by the fake stages of one test; the graph serialises each stage,
// but different stages write concurrently.
struct Journal {
  std::mutex mutex;
  std::vector<std::string> events;
  std::atomic<int64_t> consumed{-1};
  void Add(std::string event) {
    std::lock_guard lock(mutex);
    events.push_back(std::move(event));
  }
};
Journal* journal = nullptr;

class NullSink : public MetricsSink {
 public:
  Status RecordEpoch(const EpochMetrics&) override { return Status::OK(); }
  Status RecordMetric(std::string_view, int, int64_t, double) override { return Status::OK(); }
};
class NullLogger : public Logger {
 public:
  void Info(std::string_view) override {}
  void Debug(std::string_view) override {}
  void Progress(std::string_view) override {}
};

// Emits `count` integers 0..count-1 on stream "out", then their sum on value "sum".
// With `wait_for_consumer`, it waits until packet k was consumed before emitting k+1.
class CounterStage : public Stage {
 public:
  Status Open(StageContext& ctx) override {
    int64_t count = ctx.param("count").as_integer();
    bool wait = ctx.param("wait_for_consumer").as_boolean();
    int64_t sum = 0;
    for (int64_t i = 0; i < count; ++i) {
      journal->Add("produce " + std::to_string(i));
      if (Status s = ctx.Emit("out", Packet::Make<int64_t>(i)); !s.ok()) return s;
      sum += i;
      if (wait) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (journal->consumed.load() < i) {
          if (std::chrono::steady_clock::now() > deadline) return Status::Internal("consumer never ran");
          std::this_thread::yield();
        }
      }
    }
    return ctx.Emit("sum", Packet::Make<int64_t>(sum));
  }
};

// Multiplies each stream packet by `factor`.
class ScaleStage : public Stage {
 public:
  Status Process(StageContext& ctx, std::string_view, const Packet& packet) override {
    return ctx.Emit("out", Packet::Make<int64_t>(packet.Get<int64_t>() * ctx.param("factor").as_integer()));
  }
};

// Records every stream packet; fails on the value `fail_at` if it is >= 0.
class RecorderStage : public Stage {
 public:
  Status Process(StageContext& ctx, std::string_view, const Packet& packet) override {
    int64_t value = packet.Get<int64_t>();
    if (value == ctx.param("fail_at").as_integer()) return Status::InvalidArgument("bad value " + std::to_string(value));
    if (ctx.param("throw_at").as_integer() == value) throw std::runtime_error("boom");
    journal->Add(ctx.stage_id() + " " + std::to_string(value));
    journal->consumed.store(packet.sequence());
    return Status::OK();
  }
  Status Close(StageContext& ctx) override {
    journal->Add(ctx.stage_id() + " closed");
    return Status::OK();
  }
};

// Joins two value inputs.
class AddStage : public Stage {
 public:
  Status Open(StageContext& ctx) override {
    int64_t total = ctx.Input("a").Get<int64_t>() + ctx.Input("b").Get<int64_t>();
    journal->Add("add " + std::to_string(total));
    return Status::OK();
  }
};

PortSpec Stream(std::string name) { return {std::move(name), "int", PortKind::kStream, "", false}; }
PortSpec Value(std::string name) { return {std::move(name), "int", PortKind::kValue, "", false}; }

const PluginSpec kCounter{"counter", "", {}, {Stream("out"), Value("sum")}, {}, [] { return std::make_unique<CounterStage>(); }, {}};
const PluginSpec kScale{"scale", "", {Stream("in")}, {Stream("out")}, {}, [] { return std::make_unique<ScaleStage>(); }, {}};
const PluginSpec kRecorder{"recorder", "", {Stream("in")}, {}, {}, [] { return std::make_unique<RecorderStage>(); }, {}};
const PluginSpec kAdd{"add", "", {Value("a"), Value("b")}, {}, {}, [] { return std::make_unique<AddStage>(); }, {}};

PlannedStage Counter(std::string id, int64_t count, bool wait = false) {
  return {std::move(id), &kCounter, {{"count", count}, {"wait_for_consumer", wait}}, {}};
}
PlannedStage Scale(std::string id, std::string from, int64_t factor) {
  return {std::move(id), &kScale, {{"factor", factor}}, {{"in", std::move(from), "out"}}};
}
PlannedStage Recorder(std::string id, std::string from, int64_t fail_at = -1, int64_t throw_at = -1) {
  return {std::move(id), &kRecorder, {{"fail_at", fail_at}, {"throw_at", throw_at}}, {{"in", std::move(from), "out"}}};
}

class GraphRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { journal = &journal_; }
  void TearDown() override { journal = nullptr; }

  Status RunPlan(const GraphPlan& plan, int threads = 2, const std::atomic<bool>* interrupt = nullptr) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    RunServices services;
    services.seed = 7;
    services.metrics = [this](const std::string&) -> MetricsSink& { return sink_; };
    services.logger = &logger_;
    services.interrupt = interrupt;
    return GraphRunner(plan, services).Run();
  }

  std::vector<std::string> EventsOf(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& e : journal_.events) if (e.rfind(prefix, 0) == 0) out.push_back(e);
    return out;
  }

  Journal journal_;
  NullSink sink_;
  NullLogger logger_;
};

TEST_F(GraphRunnerTest, StreamArrivesInOrderThroughAChain) {
  GraphPlan plan{{Counter("c", 200), Scale("s", "c", 3), Recorder("r", "s")}};
  ASSERT_TRUE(RunPlan(plan).ok());
  std::vector<std::string> events = EventsOf("r ");
  ASSERT_EQ(events.size(), 201u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(events[i], "r " + std::to_string(3 * i));
  EXPECT_EQ(events.back(), "r closed");
}

TEST_F(GraphRunnerTest, FanOutFeedsEveryConsumer) {
  GraphPlan plan{{Counter("c", 5), Recorder("r1", "c"), Recorder("r2", "c")}};
  ASSERT_TRUE(RunPlan(plan).ok());
  EXPECT_EQ(EventsOf("r1 ").size(), 6u);  // five values and "closed"
  EXPECT_EQ(EventsOf("r2 ").size(), 6u);
}

TEST_F(GraphRunnerTest, JoinWaitsForBothValueInputs) {
  PlannedStage add{"add", &kAdd, {}, {{"a", "c1", "sum"}, {"b", "c2", "sum"}}};
  GraphPlan plan{{Counter("c1", 4), Counter("c2", 5), add}};
  ASSERT_TRUE(RunPlan(plan).ok());
  EXPECT_EQ(EventsOf("add "), std::vector<std::string>{"add 16"});  // 6 + 10
}

TEST_F(GraphRunnerTest, ConsumerOverlapsWithProducer) {
  // The counter waits for packet k to be consumed before emitting k+1, so
  // the run finishes only if the recorder runs while the counter is still in Open.
  GraphPlan plan{{Counter("c", 3, /*wait=*/true), Recorder("r", "c")}};
  Status status = RunPlan(plan, 2);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(journal_.events,
            (std::vector<std::string>{"produce 0", "r 0", "produce 1", "r 1", "produce 2", "r 2", "r closed"}));
}

TEST_F(GraphRunnerTest, StageErrorFailsTheRunAndNamesTheStage) {
  GraphPlan plan{{Counter("c", 100), Recorder("r", "c", /*fail_at=*/10)}};
  Status status = RunPlan(plan);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "stage 'r' (recorder): bad value 10");
  EXPECT_TRUE(EventsOf("r closed").empty());
}

TEST_F(GraphRunnerTest, ExceptionInAStageBecomesAnError) {
  GraphPlan plan{{Counter("c", 10), Recorder("r", "c", -1, /*throw_at=*/4)}};
  Status status = RunPlan(plan);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("stage 'r' (recorder): uncaught exception: boom"), std::string::npos);
}

TEST_F(GraphRunnerTest, InterruptStopsStreamProcessing) {
  std::atomic<bool> interrupt{true};
  GraphPlan plan{{Counter("c", 10), Recorder("r", "c")}};
  Status status = RunPlan(plan, 2, &interrupt);
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_TRUE(EventsOf("r ").empty());
}

TEST_F(GraphRunnerTest, SameResultsWithOneAndTwoThreads) {
  GraphPlan plan{{Counter("c", 50), Scale("s", "c", 5), Recorder("r", "s"), Recorder("q", "c")}};
  ASSERT_TRUE(RunPlan(plan, 1).ok());
  std::vector<std::string> one_r = EventsOf("r "), one_q = EventsOf("q ");
  journal_.events.clear();
  ASSERT_TRUE(RunPlan(plan, 2).ok());
  EXPECT_EQ(EventsOf("r "), one_r);
  EXPECT_EQ(EventsOf("q "), one_q);
}

TEST(StreamSeedTest, DependsOnSeedStageAndNameOnly) {
  EXPECT_EQ(DeriveStreamSeed(1, "model", "shuffle"), DeriveStreamSeed(1, "model", "shuffle"));
  EXPECT_NE(DeriveStreamSeed(1, "model", "shuffle"), DeriveStreamSeed(2, "model", "shuffle"));
  EXPECT_NE(DeriveStreamSeed(1, "model", "shuffle"), DeriveStreamSeed(1, "model", "init"));
  EXPECT_NE(DeriveStreamSeed(1, "a", "bc"), DeriveStreamSeed(1, "ab", "c"));
}

}  // namespace
}  // namespace runexp
