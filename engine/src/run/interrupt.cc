#include "run/interrupt.h"

#include <pthread.h>
#include <signal.h>

namespace runexp {

namespace {
// SIGUSR2 only tells the waiting thread to stop (from the destructor).
sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);
  return set;
}
}  // namespace

InterruptFlag::InterruptFlag() {
  sigset_t set = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // inherited by every thread started from now on
  waiter_ = std::thread([this, set] {
    for (;;) {
      int signal_number = 0;
      if (sigwait(&set, &signal_number) != 0) continue;
      if (signal_number == SIGUSR2) return;
      if (raised_.exchange(true)) {
        // Second signal: the user insists. Default action, on this thread.
        ::signal(signal_number, SIG_DFL);
        sigset_t just_this;
        sigemptyset(&just_this);
        sigaddset(&just_this, signal_number);
        pthread_sigmask(SIG_UNBLOCK, &just_this, nullptr);
        ::raise(signal_number);
        return;
      }
      signal_.store(signal_number);
    }
  });
}

InterruptFlag::~InterruptFlag() {
  pthread_kill(waiter_.native_handle(), SIGUSR2);
  waiter_.join();
  // Back to the default behaviour: a Ctrl-C from now on ends the process.
  sigset_t set = HandledSignals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace runexp
