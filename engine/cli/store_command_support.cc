#include "store_command_support.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "exit_codes.h"

namespace runexp::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kNotFound:
    case StatusCode::kInvalidArgument:
    case StatusCode::kCorruption:
    case StatusCode::kNotSupported: return kExitUsage;
    default: return kExitRunFailed;
  }
}

int Report(const Status& status, int exit_code) {
  std::cerr << "runexp: " << status.ToString() << "\n";
  return exit_code;
}

Result<std::vector<std::string>> ResolveRunIds(store::RunStore& store,
                                               const std::vector<std::string>& typed) {
  std::vector<std::string> ids;
  for (const std::string& text : typed) {
    Result<std::string> id = store.ResolveRunId(text);
    if (!id.ok()) return id.status();
    if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
      return Status::InvalidArgument("run " + *id + " is named twice ('" + text + "')");
    }
    ids.push_back(*id);
  }
  return ids;
}

std::string RunCount(size_t n) { return std::to_string(n) + (n == 1 ? " run" : " runs"); }

bool StdinIsTerminal() { return isatty(STDIN_FILENO) == 1; }

bool AskYesNo(const std::string& question) {
  std::cerr << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes";
}

}  // namespace runexp::cli
