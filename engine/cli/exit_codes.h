// The exit codes of the runexp executable. Documented in README.md ("Exit codes")
// and in `runexp --help`; scripts depend on them, so never renumber.
#pragma once

namespace runexp::cli {

inline constexpr int kExitOk = 0;           // the command did what was asked
inline constexpr int kExitRunFailed = 1;    // work started and failed (a stage error, I/O)
inline constexpr int kExitUsage = 2;        // bad command line, config or input file: nothing ran
inline constexpr int kExitInterrupted = 130;  // stopped by SIGINT/SIGTERM (128 + SIGINT)

}  // namespace runexp::cli
