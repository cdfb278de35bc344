#include "run_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace runexp::testing {

namespace {
std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}
}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += "'\\''";
    else quoted += c;
  }
  return quoted + "'";
}

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
  return pattern;
}

CommandResult RunCommand(const std::string& command_line) {
  static int counter = 0;
  std::string dir = MakeTempDir("runexp-cmd-" + std::to_string(getpid()) + "-" +
                                std::to_string(counter++));
  std::string out_path = dir + "/out", err_path = dir + "/err";
  std::string full = "(" + command_line + ") </dev/null >" + ShellQuote(out_path) + " 2>" +
                     ShellQuote(err_path);
  int status = std::system(full.c_str());
  CommandResult result;
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (status != -1 && WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  result.out = ReadWholeFile(out_path);
  result.err = ReadWholeFile(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace runexp::testing
