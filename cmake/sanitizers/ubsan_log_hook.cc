// Writes every UndefinedBehaviorSanitizer report to a file. Linked into every
// target of a RUNEXP_SANITIZE build that includes `undefined`
// (cmake/Sanitizers.cmake).
//
// Why: with g++, UBSan is a runtime of its own (libubsan) beside ASan's
// (libasan), and its reports ignore UBSAN_OPTIONS=log_path — they go to
// stderr only. A test that captures a child's stderr and expects the child to
// fail would then pass on undefined behaviour in that child, unseen.
// UBSan calls the weak hook __ubsan_on_report() before it prints a report it
// has not suppressed; this definition appends the report (kind, message,
// location, stack) to LOG_PATH.runtime-error.PID, where LOG_PATH is the
// log_path of UBSAN_OPTIONS, so scripts/test-sanitizers.sh finds it beside
// ASan's reports. Without a log_path (or with stderr/stdout) it does nothing.
//
// Thread-safety: UBSan holds its report lock while it calls the hook.
#include <execinfo.h>
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" void __ubsan_get_current_report_data(const char** kind, const char** message, const char** file,
                                                unsigned* line, unsigned* column, char** memory_address);

namespace {

// The log_path option of UBSAN_OPTIONS, or "". Options are separated by ':'
// (a path containing ':' is not supported).
std::string UbsanLogPath() {
  const char* options = std::getenv("UBSAN_OPTIONS");
  if (options == nullptr) return "";
  std::string_view rest(options);
  std::string path;
  while (!rest.empty()) {
    std::size_t end = rest.find(':');
    std::string_view option = rest.substr(0, end);
    if (option.starts_with("log_path=")) path = option.substr(9);  // the last one wins, as in UBSan
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return path == "stderr" || path == "stdout" ? "" : path;
}

}  // namespace

extern "C" void __ubsan_on_report() {
  const std::string log_path = UbsanLogPath();
  if (log_path.empty()) return;

  const char *kind = "", *message = "", *file = "";
  unsigned line = 0, column = 0;
  char* address = nullptr;
  __ubsan_get_current_report_data(&kind, &message, &file, &line, &column, &address);
  std::string report = std::string("UndefinedBehaviorSanitizer: ") + kind + ": " + message + "\n    at " + file +
                       ":" + std::to_string(line) + ":" + std::to_string(column) + "\n";
  // The stack from the function with the undefined behaviour down: the
  // frames of this hook and of the UBSan runtime above it are left out.
  void* pcs[64];
  const int depth = backtrace(pcs, 64);
  std::vector<std::string> frames;
  std::size_t first = 0;
  for (int i = 0; i < depth; ++i) {
    char frame[1024];
    __sanitizer_symbolize_pc(pcs[i], "%p %F %L", frame, sizeof frame);
    frames.emplace_back(frame);
    if (frames.back().find("__ubsan") != std::string::npos) first = frames.size();
  }
  for (std::size_t i = first; i < frames.size(); ++i) {
    report += "    #" + std::to_string(i - first) + " " + frames[i] + "\n";
  }

  const std::string name = log_path + ".runtime-error." + std::to_string(getpid());
  const int fd = open(name.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;  // UBSan still prints the report to stderr
  for (std::string_view left = report; !left.empty();) {
    const ssize_t written = write(fd, left.data(), left.size());
    if (written <= 0) break;
    left.remove_prefix(static_cast<std::size_t>(written));
  }
  close(fd);
}
