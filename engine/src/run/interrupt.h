// Ctrl-C and SIGTERM during a run: the first signal sets a flag that every
// stage sees as StageContext::cancelled(), so the run stops at the next
// batch boundary and is recorded as interrupted; a second signal restores the
// default action and kills the process at once (the next runexp command marks
// the run interrupted). Install once per process, from the main thread.
#pragma once

#include <atomic>

namespace runexp {

class InterruptFlag {
 public:
  // Installs the handlers for SIGINT and SIGTERM; restores the old ones on destruction.
  InterruptFlag();
  ~InterruptFlag();
  InterruptFlag(const InterruptFlag&) = delete;
  InterruptFlag& operator=(const InterruptFlag&) = delete;

  const std::atomic<bool>& flag() const;
  bool raised() const { return flag().load(); }
  int signal_number() const;  // the signal that raised it, or 0
};

}  // namespace runexp
