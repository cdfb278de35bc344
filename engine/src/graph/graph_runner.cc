#include "graph/graph_runner.h"

#include <exception>

#include "graph/graph_runner_core.h"

namespace runexp {

namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint64_t Fnv1a64(std::string_view text, uint64_t hash = 0xCBF29CE484222325ULL) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

}  // namespace

uint64_t DeriveStreamSeed(uint64_t experiment_seed, std::string_view stage_id,
                          std::string_view name) {
  uint64_t name_hash = Fnv1a64(name, Fnv1a64("/", Fnv1a64(stage_id)));
  return SplitMix64(SplitMix64(experiment_seed) ^ name_hash);
}

class GraphRunner::Impl {
 public:
  Impl(const GraphPlan& plan, RunServices services) : core(plan, std::move(services)) {}
  GraphRunnerCore core;
};

GraphRunner::GraphRunner(const GraphPlan& plan, RunServices services)
    : impl_(std::make_unique<Impl>(plan, std::move(services))) {}
GraphRunner::~GraphRunner() = default;

Status GraphRunner::Run() { return impl_->core.Run(); }

GraphRunnerCore::GraphRunnerCore(const GraphPlan& plan, RunServices services)
    : plan_(plan), services_(std::move(services)) {
  for (const PlannedStage& planned : plan_.stages) {
    stages_[planned.id] = std::make_unique<StageNode>(planned, *this);
    auto& ports = outputs_[planned.id];
    for (const PortSpec& port : planned.spec->outputs) {
      auto output = std::make_unique<OutputPort>();
      output->kind = port.kind;
      ports[port.name] = std::move(output);
    }
  }
  for (const PlannedStage& planned : plan_.stages) {
    for (const Connection& connection : planned.inputs) {
      outputs_.at(connection.producer).at(connection.producer_port)->routes.push_back(
          {planned.id, connection.input_port});
    }
    StageNode* stage = stages_.at(planned.id).get();
    nodes_[planned.id] = std::make_unique<Node>(
        graph_, tbb::flow::serial, [this, stage](const Envelope& envelope) {
          if (failed_.load()) return tbb::flow::continue_msg();
          try {
            Status status = stage->Receive(envelope);
            if (!status.ok()) Fail(stage->id(), status);
          } catch (const std::exception& e) {
            Fail(stage->id(), Status::Internal(std::string("uncaught exception: ") + e.what()));
          } catch (...) {
            Fail(stage->id(), Status::Internal("uncaught exception of unknown type"));
          }
          return tbb::flow::continue_msg();
        });
  }
}

Status GraphRunnerCore::Run() {
  for (auto& [id, stage] : stages_) {
    if (stage->is_source()) nodes_.at(id)->try_put(Envelope{});
  }
  graph_.wait_for_all();
  if (failed_.load()) {
    std::lock_guard lock(failure_mutex_);
    return failure_;
  }
  for (const auto& [id, stage] : stages_) {
    if (!stage->finished()) {
      return Status::Internal(Describe(id) + " never completed: some of its inputs never arrived");
    }
  }
  return Status::OK();
}

Status GraphRunnerCore::Emit(const std::string& stage_id, std::string_view port, Packet packet) {
  auto& ports = outputs_.at(stage_id);
  auto it = ports.find(port);
  if (it == ports.end()) {
    return Status::Internal(Describe(stage_id) + " emitted on '" + std::string(port) +
                            "', which is not one of its output ports");
  }
  OutputPort& output = *it->second;
  int64_t sequence = output.emitted.fetch_add(1);
  if (output.kind == PortKind::kValue && sequence > 0) {
    return Status::Internal(Describe(stage_id) + " emitted twice on value port '" +
                            std::string(port) + "'");
  }
  for (const Route& route : output.routes) {
    Deliver(route, Envelope{Envelope::Kind::kPacket, route.port, packet.WithSequence(sequence), 0});
  }
  return Status::OK();
}

Status GraphRunnerCore::FinishStage(const std::string& stage_id) {
  for (auto& [name, output] : outputs_.at(stage_id)) {
    int64_t total = output->emitted.load();
    if (output->kind == PortKind::kValue) {
      if (total == 0 && !output->routes.empty()) {
        return Status::Internal(Describe(stage_id) + " finished without producing its output '" +
                                name + "'");
      }
      continue;
    }
    for (const Route& route : output->routes) {
      Deliver(route, Envelope{Envelope::Kind::kEnd, route.port, Packet(), total});
    }
  }
  return Status::OK();
}

void GraphRunnerCore::Deliver(const Route& route, Envelope envelope) {
  nodes_.at(route.consumer)->try_put(std::move(envelope));
}

bool GraphRunnerCore::cancelled() const {
  return failed_.load() || (services_.interrupt != nullptr && services_.interrupt->load());
}

void GraphRunnerCore::Fail(const std::string& stage_id, const Status& status) {
  {
    std::lock_guard lock(failure_mutex_);
    if (failed_.load()) return;  // the first failure is the one to report
    failure_ = status.WithContext(Describe(stage_id));
    failed_.store(true);
  }
  // No graph_.cancel(): it would also cancel the oneTBB algorithms running
  // inside other stages' bodies (a trainer's parallel_for) and let
  // wait_for_all() return while those bodies still run. Instead every stage
  // sees cancelled() and returns, queued envelopes are dropped by the node
  // bodies, and wait_for_all() returns only when no body is running.
}

std::string GraphRunnerCore::Describe(const std::string& stage_id) const {
  const StageNode& stage = *stages_.at(stage_id);
  return "stage '" + stage_id + "' (" + stage.planned().spec->name + ")";
}

}  // namespace runexp
