#include "sweep/slurm_queue.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sweep/child_process.h"
#include "sweep/sweep_folder.h"

namespace runexp::sweep {

namespace {

namespace fs = std::filesystem;

// Indexes of one array: below the default MaxArraySize of 1001.
constexpr int64_t kArrayChunk = 1000;

std::string JobName(const std::string& sweep_id) { return "runexp-" + sweep_id; }

std::string SingleQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The batch script: the runexp that submitted runs every task (it must be on
// storage the nodes see, like the folder).
Status WriteBatchScript(const fs::path& folder) {
  std::error_code error;
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return Status::IOError("cannot find the runexp executable (/proc/self/exe): " + error.message());
  // Point = $1 (the array's offset) + the task's index: an array's indexes
  // stop at the cluster's MaxArraySize (1001 by default), a sweep need not.
  std::string script = "#!/bin/sh\n# One point of sweep " + folder.filename().string() +
                       " per array task (written by `runexp sweep --executor slurm`).\nexec " +
                       SingleQuoted(exe.string()) + " sweep task " + SingleQuoted(folder.string()) +
                       " \"$(( $1 + SLURM_ARRAY_TASK_ID ))\"\n";
  const fs::path path = SlurmPath(folder, "array.sh");
  fs::create_directories(path.parent_path(), error);
  if (error) return Status::IOError(path.parent_path().string() + ": cannot create folder: " + error.message());
  std::ofstream out(path, std::ios::trunc);
  out << script;
  out.close();
  if (!out) return Status::IOError(path.string() + ": cannot write");
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec, error);
  return Status::OK();
}

std::vector<std::string> OptionArgs(const SlurmOptions& options) {
  std::vector<std::string> args;
  if (!options.partition.empty()) args.push_back("--partition=" + options.partition);
  if (!options.time.empty()) args.push_back("--time=" + options.time);
  args.push_back("--cpus-per-task=" + std::to_string(options.cpus_per_task));
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  return args;
}

}  // namespace

std::string ArraySpec(const std::vector<int64_t>& indexes) {
  std::string spec;
  for (size_t i = 0; i < indexes.size();) {
    size_t j = i;
    while (j + 1 < indexes.size() && indexes[j + 1] == indexes[j] + 1) ++j;
    if (!spec.empty()) spec += ',';
    spec += std::to_string(indexes[i]);
    if (j > i) {
      spec += '-';
      spec += std::to_string(indexes[j]);
    }
    i = j + 1;
  }
  return spec;
}

Result<std::string> SubmitArray(const fs::path& folder, const std::string& sweep_id,
                                const std::vector<int64_t>& points, const SlurmOptions& options) {
  if (Status ok = WriteBatchScript(folder); !ok.ok()) return ok;
  std::vector<std::string> saved = {options.partition, options.time, std::to_string(options.cpus_per_task)};
  saved.insert(saved.end(), options.extra_args.begin(), options.extra_args.end());
  if (Status ok = WriteArgs(SlurmPath(folder, "sbatch-options"), saved); !ok.ok()) return ok;

  // Points in chunks of kArrayChunk consecutive numbers: one array each, its
  // indexes counted from the chunk's first number.
  std::map<int64_t, std::vector<int64_t>> chunks;
  for (int64_t point : points) chunks[point - point % kArrayChunk].push_back(point % kArrayChunk);
  std::string job_ids;
  for (const auto& [offset, indexes] : chunks) {
    std::vector<std::string> args = {"sbatch", "--parsable", "--job-name=" + JobName(sweep_id),
                                     "--array=" + ArraySpec(indexes),
                                     // The task writes point-NNNN.log itself; this has only Slurm's own words.
                                     "--output=" + SlurmPath(folder, "job-%A_%a.out").string()};
    for (const std::string& option : OptionArgs(options)) args.push_back(option);
    args.push_back(SlurmPath(folder, "array.sh").string());
    args.push_back(std::to_string(offset));
    Result<CommandOutput> submitted = RunProgram(args);
    if (!submitted.ok()) return submitted.status();
    std::string out = submitted->out;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    if (submitted->exit_code != 0) {
      return Status::IOError("sbatch failed (exit " + std::to_string(submitted->exit_code) + "): " + out);
    }
    std::string job_id = out.substr(out.rfind('\n') + 1);
    job_id = job_id.substr(0, job_id.find(';'));  // "123;cluster" on federated setups
    std::ofstream jobs(SlurmPath(folder, "jobs"), std::ios::app);
    jobs << job_id << '\t' << offset << '\t' << ArraySpec(indexes) << '\n';
    if (!jobs) return Status::IOError(SlurmPath(folder, "jobs").string() + ": cannot record job " + job_id);
    job_ids += (job_ids.empty() ? "" : ",") + job_id;
  }
  return job_ids;
}

Result<SlurmOptions> ReadSubmittedOptions(const fs::path& folder) {
  Result<std::vector<std::string>> saved = ReadArgs(SlurmPath(folder, "sbatch-options"));
  if (!saved.ok()) return saved.status();
  if (saved->size() < 3) return Status::Corruption(SlurmPath(folder, "sbatch-options").string() + ": incomplete");
  SlurmOptions options;
  options.partition = (*saved)[0];
  options.time = (*saved)[1];
  options.cpus_per_task = std::max(1, std::atoi((*saved)[2].c_str()));
  options.extra_args.assign(saved->begin() + 3, saved->end());
  return options;
}

Result<std::map<int64_t, std::string>> QueuedPoints(const fs::path& folder) {
  std::map<int64_t, std::string> queued;
  std::ifstream jobs(SlurmPath(folder, "jobs"));
  std::map<std::string, int64_t> offset_of_job;
  for (std::string job, spec; jobs >> job;) {
    int64_t offset = 0;
    jobs >> offset >> spec;
    offset_of_job[job] = offset;
  }
  if (offset_of_job.empty()) return queued;
  // One line per array task (-r), found by the job name: no error for jobs
  // that have long left the queue.
  Result<CommandOutput> listed =
      RunProgram({"squeue", "-h", "-r", "--name=" + JobName(folder.filename().string()), "-o", "%F %K %T"});
  if (!listed.ok()) return listed.status();
  if (listed->exit_code != 0) return Status::IOError("squeue failed: " + listed->out);
  std::istringstream lines(listed->out);
  for (std::string job, index, state; lines >> job >> index >> state;) {
    int64_t task = -1;
    auto [end, parse_error] = std::from_chars(index.data(), index.data() + index.size(), task);
    auto offset = offset_of_job.find(job);
    if (parse_error == std::errc() && task >= 0 && offset != offset_of_job.end()) {
      queued[offset->second + task] = state;
    }
  }
  return queued;
}

}  // namespace runexp::sweep
