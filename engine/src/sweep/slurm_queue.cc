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
  std::string script = "#!/bin/sh\n# One point of sweep " + folder.filename().string() +
                       " per array task (written by `runexp sweep --executor slurm`).\nexec " +
                       SingleQuoted(exe.string()) + " sweep task " + SingleQuoted(folder.string()) +
                       " \"$SLURM_ARRAY_TASK_ID\"\n";
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

  std::vector<std::string> args = {"sbatch", "--parsable", "--job-name=" + JobName(sweep_id),
                                   "--array=" + ArraySpec(points), "--open-mode=append",
                                   "--output=" + (folder / "point-%4a.log").string()};
  for (const std::string& option : OptionArgs(options)) args.push_back(option);
  args.push_back(SlurmPath(folder, "array.sh").string());
  Result<CommandOutput> submitted = RunProgram(args);
  if (!submitted.ok()) return submitted.status();
  std::string out = submitted->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (submitted->exit_code != 0) return Status::IOError("sbatch failed (exit " + std::to_string(submitted->exit_code) + "): " + out);
  std::string job_id = out.substr(out.rfind('\n') + 1);
  job_id = job_id.substr(0, job_id.find(';'));  // "123;cluster" on federated setups
  std::ofstream jobs(SlurmPath(folder, "jobs"), std::ios::app);
  jobs << job_id << '\t' << ArraySpec(points) << '\n';
  if (!jobs) return Status::IOError(SlurmPath(folder, "jobs").string() + ": cannot record job " + job_id);
  return job_id;
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
  std::error_code error;
  if (!fs::exists(SlurmPath(folder, "jobs"), error)) return queued;
  // One line per array task (-r), found by the job name: no error for jobs
  // that have long left the queue.
  Result<CommandOutput> listed =
      RunProgram({"squeue", "-h", "-r", "--name=" + JobName(folder.filename().string()), "-o", "%K %T"});
  if (!listed.ok()) return listed.status();
  if (listed->exit_code != 0) return Status::IOError("squeue failed: " + listed->out);
  std::istringstream lines(listed->out);
  for (std::string index, state; lines >> index >> state;) {
    int64_t point = -1;
    auto [end, parse_error] = std::from_chars(index.data(), index.data() + index.size(), point);
    if (parse_error == std::errc() && point >= 0) queued[point] = state;
  }
  return queued;
}

}  // namespace runexp::sweep
