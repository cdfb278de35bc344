#include "run/interrupt.h"

#include <signal.h>

namespace runexp {

namespace {
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};
struct sigaction g_old_int, g_old_term;

void OnSignal(int signal_number) {
  if (g_interrupted.exchange(true)) {
    // Second signal: the user insists. Default action, re-raised.
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
    return;
  }
  g_signal.store(signal_number);
}
}  // namespace

InterruptFlag::InterruptFlag() {
  g_interrupted.store(false);
  g_signal.store(0);
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
}

InterruptFlag::~InterruptFlag() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

const std::atomic<bool>& InterruptFlag::flag() const { return g_interrupted; }
int InterruptFlag::signal_number() const { return g_signal.load(); }

}  // namespace runexp
