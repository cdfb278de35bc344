// RunLogger: what the user sees and what the run's log file keeps.
//
// Info lines go to the terminal (unless quiet) and to the log file with a
// timestamp; Debug lines only to the log file; Progress lines are redrawn in
// place on a terminal and never written to files or pipes (so CI logs stay
// readable). Thread-safe: stages log from worker threads.
#pragma once

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

#include "runexp/stage.h"

namespace runexp {

class RunLogger : public Logger {
 public:
  // `terminal` is where Info goes (stdout); it gets in-place progress only if it is a tty.
  RunLogger(std::FILE* terminal, bool quiet);
  ~RunLogger() override;

  // Starts copying everything to `path` (created or appended); lines logged
  // before this are written there first, so the file holds the whole run.
  Status OpenLogFile(const std::filesystem::path& path);

  void Info(std::string_view line) override;
  void Debug(std::string_view line) override;
  void Progress(std::string_view line) override;

 private:
  void WriteToFile(std::string_view level, std::string_view line);
  void ClearProgress();

  std::mutex mu_;
  std::FILE* terminal_;
  bool quiet_;
  bool interactive_;
  bool progress_shown_ = false;
  std::FILE* file_ = nullptr;
  std::string early_lines_;  // before the log file exists
};

}  // namespace runexp
