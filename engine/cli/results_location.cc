#include "results_location.h"

#include <system_error>

namespace runexp::cli {

CLI::Option* AddResultsOption(CLI::App* app, std::string& path) {
  return app->add_option("--results", path,
                         std::string("The results database (default: ") + kDefaultResultsPath + ")")
      ->option_text("PATH");
}

std::filesystem::path ResultsPath(const std::string& flag) {
  return flag.empty() ? std::filesystem::path(kDefaultResultsPath) : std::filesystem::path(flag);
}

Result<std::unique_ptr<store::RunStore>> OpenResults(const std::filesystem::path& path,
                                                     StoreAccess access) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);  // other errors: Open reports them
  bool missing = status.type() == fs::file_type::not_found;
  bool empty_file = fs::is_regular_file(status) && fs::file_size(path, ec) == 0 && !ec;
  if (missing || empty_file) {
    return Status::NotFound("no results database at " + path.string() +
                            (empty_file ? " (the file is empty)" : "") +
                            "; run an experiment first (or pass --results PATH)");
  }
  Result<std::unique_ptr<store::RunStore>> opened = store::RunStore::Open(path.string());
  if (opened.ok() || access == StoreAccess::kWrite || opened.status().code() != StatusCode::kIOError) {
    return opened;
  }
  // Reading needs no write access: no reaping or upgrading then, but the
  // runs can still be listed.
  store::OpenOptions read_only;
  read_only.read_only = true;
  Result<std::unique_ptr<store::RunStore>> reader = store::RunStore::Open(path.string(), read_only);
  return reader.ok() ? std::move(reader) : std::move(opened);
}

std::filesystem::path RunFolder(const std::filesystem::path& results_path, const std::string& run_id) {
  return std::filesystem::absolute(results_path).parent_path() / run_id;
}

}  // namespace runexp::cli
