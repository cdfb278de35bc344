// config_probe: runs one config check in its own process, for tests that
// need a different mount namespace (a read-only bind mount under unshare -m).
//
//   config_probe writable DB_PATH   -> prints "OK" or the Status; exit 0 / 1
//   config_probe check FILE         -> prints "OK" or the error lines; exit 0 / 1
#include <iostream>
#include <string_view>

#include "config/loader.h"
#include "config/results_location.h"
#include "fake_plugins.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: config_probe writable DB_PATH | check FILE\n";
    return 2;
  }
  std::string_view mode = argv[1];
  if (mode == "writable") {
    runexp::Status status = runexp::config::CheckResultsLocationWritable(argv[2]);
    std::cout << (status.ok() ? "OK" : status.ToString()) << "\n";
    return status.ok() ? 0 : 1;
  }
  if (mode == "check") {
    runexp::config::CheckResult result =
        runexp::config::CheckExperimentFile(argv[2], runexp::config::testing::FakeCatalog());
    std::cout << (result.ok() ? "OK\n" : runexp::config::FormatConfigErrors(result.errors));
    return result.ok() ? 0 : 1;
  }
  std::cerr << "config_probe: unknown mode " << mode << "\n";
  return 2;
}
