// Ctrl-C and SIGTERM during a run: the first signal sets a flag that every
// stage sees as StageContext::cancelled(), so the run stops at the next
// check and is recorded as interrupted; a second signal restores the default
// action and kills the process at once (the next runexp command marks the
// run interrupted).
//
// The signals never interrupt a computing thread: SIGINT and SIGTERM are
// blocked in every thread and taken by one thread that waits for them with
// sigwait(). (A handler running on a worker's stack corrupted memory inside
// oneDNN's JIT GEMM kernels, which use stack space below the stack pointer.)
// Construct it first thing, before any other thread starts, so every thread
// inherits the blocked mask. One per process.
#pragma once

#include <atomic>
#include <thread>

namespace runexp {

class InterruptFlag {
 public:
  InterruptFlag();
  ~InterruptFlag();
  InterruptFlag(const InterruptFlag&) = delete;
  InterruptFlag& operator=(const InterruptFlag&) = delete;

  const std::atomic<bool>& flag() const { return raised_; }
  bool raised() const { return raised_.load(); }
  int signal_number() const { return signal_.load(); }  // the signal that raised it, or 0

 private:
  std::atomic<bool> raised_{false};
  std::atomic<int> signal_{0};
  std::thread waiter_;
};

}  // namespace runexp
