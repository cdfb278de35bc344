#include "run/run_logger.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace runexp {

namespace {
std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  char with_millis[48];
  std::snprintf(with_millis, sizeof(with_millis), "%s.%03dZ", buffer, static_cast<int>(millis));
  return with_millis;
}
}  // namespace

RunLogger::RunLogger(std::FILE* terminal, bool quiet)
    : terminal_(terminal), quiet_(quiet), interactive_(isatty(fileno(terminal)) == 1) {}

RunLogger::~RunLogger() {
  std::lock_guard lock(mu_);
  ClearProgress();
  if (file_ != nullptr) std::fclose(file_);
}

Status RunLogger::OpenLogFile(const std::filesystem::path& path) {
  std::lock_guard lock(mu_);
  file_ = std::fopen(path.c_str(), "a");
  if (file_ == nullptr) {
    return Status::IOError(path.string() + ": cannot open log file: " + std::strerror(errno));
  }
  std::fputs(early_lines_.c_str(), file_);
  early_lines_.clear();
  std::fflush(file_);
  return Status::OK();
}

void RunLogger::Info(std::string_view line) {
  std::lock_guard lock(mu_);
  if (!quiet_) {
    ClearProgress();
    std::fprintf(terminal_, "%.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(terminal_);
  }
  WriteToFile("INFO ", line);
}

void RunLogger::Debug(std::string_view line) {
  std::lock_guard lock(mu_);
  WriteToFile("DEBUG", line);
}

void RunLogger::Progress(std::string_view line) {
  std::lock_guard lock(mu_);
  if (quiet_ || !interactive_) return;
  // \r and "erase to end of line": redraw in place.
  std::fprintf(terminal_, "\r%.*s\033[K", static_cast<int>(line.size()), line.data());
  std::fflush(terminal_);
  progress_shown_ = true;
}

void RunLogger::ClearProgress() {
  if (!progress_shown_) return;
  std::fputs("\r\033[K", terminal_);
  progress_shown_ = false;
}

void RunLogger::WriteToFile(std::string_view level, std::string_view line) {
  std::string text = Timestamp() + " " + std::string(level) + " " + std::string(line) + "\n";
  if (file_ == nullptr) {
    early_lines_ += text;
    return;
  }
  std::fputs(text.c_str(), file_);
  std::fflush(file_);
}

}  // namespace runexp
