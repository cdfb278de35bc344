// StageNode: the runtime state of one stage in a running graph — its Stage
// object, its context, the packets that have arrived, and the reordering of
// stream packets. Its methods are called only from the stage's serial
// flow-graph node, so one call at a time; the routing tables are fixed
// before the graph starts.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph_plan.h"
#include "runexp/stage.h"

namespace runexp {

class GraphRunnerCore;

// What travels on a flow-graph edge.
struct Envelope {
  enum class Kind { kStart, kPacket, kEnd };
  Kind kind = Kind::kStart;
  std::string port;      // the consumer's input port
  Packet packet;         // kPacket
  int64_t total = 0;     // kEnd: how many packets the stream carried
};

class StageNode {
 public:
  StageNode(const PlannedStage& planned, GraphRunnerCore& core);

  const std::string& id() const { return planned_.id; }
  const PlannedStage& planned() const { return planned_; }
  StageContext& context() { return *context_; }
  bool finished() const { return finished_; }
  bool is_source() const;  // no connected inputs: started by the runner

  // Handles one envelope; a non-OK status fails the run.
  Status Receive(const Envelope& envelope);

 private:
  struct StreamState {
    std::map<int64_t, Packet> waiting;  // arrived out of order
    int64_t next = 0;                   // next sequence number to deliver
    int64_t total = -1;                 // known once the stream ended
  };

  Status OpenIfReady();
  Status DeliverInOrder();
  Status CloseIfDone();
  bool AllValuesArrived() const;

  const PlannedStage& planned_;
  GraphRunnerCore& core_;
  std::unique_ptr<Stage> stage_;
  std::unique_ptr<StageContext> context_;
  std::map<std::string, Packet, std::less<>> values_;     // value inputs that arrived
  std::map<std::string, StreamState, std::less<>> streams_;
  std::vector<std::string> value_ports_;                  // connected value inputs
  bool opened_ = false;
  bool finished_ = false;
};

}  // namespace runexp
