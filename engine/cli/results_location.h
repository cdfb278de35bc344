// Where the store commands (runs, show, compare, tag, rm, prune) find
// results.db and how they open it.
//
// The database is --results PATH, else results/results.db in the current
// directory (the default of `runexp run`). These commands never create a
// database: a missing or empty file is reported as "no results database",
// not silently replaced by an empty one. Opening goes through RunStore::Open,
// so a damaged, foreign or newer-schema file is refused untouched, and dead
// runs are marked interrupted as on every open. A command that only reads
// falls back to a read-only connection when the file cannot be written (a
// read-only file system, or a lock held too long by another writer).
//
// Thread-safety: stateless functions.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "runexp/status.h"
#include "store/run_store.h"

namespace runexp::cli {

inline constexpr const char* kDefaultResultsPath = "results/results.db";

// Adds `--results PATH` to a command.
CLI::Option* AddResultsOption(CLI::App* app, std::string& path);

// The flag's value, else kDefaultResultsPath.
std::filesystem::path ResultsPath(const std::string& flag);

enum class StoreAccess { kRead, kWrite };

// kNotFound "no results database at PATH; run an experiment first" when the
// file is missing or empty; otherwise whatever RunStore::Open reports.
Result<std::unique_ptr<store::RunStore>> OpenResults(const std::filesystem::path& path,
                                                     StoreAccess access);

// A run's own folder, beside the database: <dir of results.db>/<run_id>
// (where `runexp run` puts its log and checkpoints).
std::filesystem::path RunFolder(const std::filesystem::path& results_path, const std::string& run_id);

}  // namespace runexp::cli
