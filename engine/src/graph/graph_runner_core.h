// GraphRunnerCore: the shared state of one running graph — the oneTBB flow
// graph, one serial node per stage, the routing of output ports to
// consumers, and the first failure (after which every queued envelope is
// dropped and every stage sees cancelled()). StageNodes call back into it to emit
// packets and to report completion; those calls are thread-safe.
#pragma once

#include <oneapi/tbb/flow_graph.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "graph/graph_plan.h"
#include "graph/graph_runner.h"
#include "graph/stage_node.h"

namespace runexp {

class GraphRunnerCore {
 public:
  GraphRunnerCore(const GraphPlan& plan, RunServices services);

  Status Run();

  // Called by a stage (through its context) on its own node's thread.
  Status Emit(const std::string& stage_id, std::string_view port, Packet packet);
  // Called when a stage has closed: ends its streams, checks its value outputs.
  Status FinishStage(const std::string& stage_id);

  bool cancelled() const;
  const RunServices& services() const { return services_; }

 private:
  using Node = tbb::flow::function_node<Envelope, tbb::flow::continue_msg, tbb::flow::queueing>;
  struct Route {
    std::string consumer;  // stage id
    std::string port;      // its input port
  };
  struct OutputPort {
    PortKind kind = PortKind::kValue;
    std::vector<Route> routes;
    std::atomic<int64_t> emitted{0};
  };

  void Deliver(const Route& route, Envelope envelope);
  void Fail(const std::string& stage_id, const Status& status);
  std::string Describe(const std::string& stage_id) const;

  const GraphPlan& plan_;
  RunServices services_;
  tbb::flow::graph graph_;
  std::map<std::string, std::unique_ptr<StageNode>> stages_;
  std::map<std::string, std::unique_ptr<Node>> nodes_;
  // stage id -> port name -> routing; fixed before the graph starts.
  std::map<std::string, std::map<std::string, std::unique_ptr<OutputPort>, std::less<>>> outputs_;

  std::atomic<bool> failed_{false};
  std::mutex failure_mutex_;
  Status failure_;
};

}  // namespace runexp
