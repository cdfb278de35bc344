#include "sweep/sweep_folder.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "checkpoint/atomic_file.h"
#include "store/run_store.h"

namespace runexp::sweep {

namespace {

namespace fs = std::filesystem;

std::string PointName(int64_t point, const char* extension) {
  char name[48];
  std::snprintf(name, sizeof name, "point-%04lld%s", static_cast<long long>(point), extension);
  return name;
}

}  // namespace

fs::path PointLogPath(const fs::path& folder, int64_t point) { return folder / PointName(point, ".log"); }
fs::path TaskArgsPath(const fs::path& folder, int64_t point) { return folder / "tasks" / PointName(point, ".args"); }
fs::path ShardPath(const fs::path& folder, int64_t point) { return folder / "shards" / PointName(point, ".db"); }
fs::path SlurmPath(const fs::path& folder, const std::string& name) { return folder / "slurm" / name; }

Status WriteArgs(const fs::path& path, const std::vector<std::string>& args) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) return Status::IOError(path.parent_path().string() + ": cannot create folder: " + error.message());
  std::string bytes;
  for (const std::string& arg : args) bytes.append(arg).push_back('\0');
  return WriteFileAtomically(path, bytes);
}

Result<std::vector<std::string>> ReadArgs(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path.string() + ": cannot read the point's arguments");
  std::vector<std::string> args;
  for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
  if (args.empty()) return Status::Corruption(path.string() + ": no arguments");
  return args;
}

Status EnsureShard(const fs::path& folder, const store::SweepRecord& sweep, const store::SweepPoint& point) {
  const fs::path shard = ShardPath(folder, point.point);
  std::error_code error;
  if (fs::exists(shard, error)) return Status::OK();
  fs::create_directories(shard.parent_path(), error);
  if (error) return Status::IOError(shard.parent_path().string() + ": cannot create folder: " + error.message());
  Result<std::unique_ptr<store::RunStore>> db = store::RunStore::Open(shard.string());
  if (!db.ok()) return db.status();
  store::SweepPoint pending = point;
  pending.run_id.reset();
  pending.reused = false;
  Result<std::string> created = (*db)->CreateSweep(sweep, std::span<const store::SweepPoint>(&pending, 1));
  return created.ok() ? Status::OK() : created.status();
}

std::vector<std::pair<int64_t, fs::path>> ListShards(const fs::path& folder) {
  std::vector<std::pair<int64_t, fs::path>> shards;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder / "shards", error)) {
    const std::string name = entry.path().filename().string();
    int64_t point = -1;
    if (std::sscanf(name.c_str(), "point-%lld.db", reinterpret_cast<long long*>(&point)) == 1 &&
        name == PointName(point, ".db")) {
      shards.emplace_back(point, entry.path());
    }
  }
  std::sort(shards.begin(), shards.end());
  return shards;
}

}  // namespace runexp::sweep
