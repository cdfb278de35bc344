// The bad input catalogue: every malformed input the tests feed runexp — IDX
// files, experiment files, checkpoints, results databases — each with the
// command that reads it, the exit code and the message it must produce, and
// what it may leave behind (nothing, for all but one). The inputs are made at
// test time by small functions beside their entry, so each one's damage is
// visible in code; README.md in this folder lists them for readers.
//
// Thread-safety: the table is built on each call; entries are independent.
#pragma once

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace runexp::bad_inputs {

// What runexp may leave in the case's folder after refusing the input.
enum class Writes {
  kNothing,       // every file byte-identical, no file added or removed
  kFailedRunRow,  // only a `failed` run row (and its run.log): no epochs, no checkpoints
};

// Where a case is made and what its command may refer to.
struct Workspace {
  std::string dir;        // the case's own empty folder
  std::map<std::string, std::string> vars;  // {name} placeholders: set by the suite and by `make`
  // Makes (once per process) the shared, read-only runs A (failed after
  // epoch 1) and B (completed) and adds base_dir, run_a, checkpoint_a_path
  // and checkpoint_b to vars. Only the cases that use them pay for them.
  std::function<void(Workspace&)> need_runs;
};

struct BadInput {
  std::string name;    // the test's name: kind_what
  std::string what;    // the damage, in words
  std::function<void(Workspace&)> make;
  std::string command;  // /bin/sh; {runexp}, {dir}, {data}, {experiment}, {run_a}, ... are substituted
  int exit_code;
  std::string message;  // a substring of stderr, placeholders substituted
  Writes writes = Writes::kNothing;
};

std::vector<BadInput> Catalogue();

// GoogleTest prints a case by its name.
inline void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

// A small valid experiment on the MNIST files in `data`: 1,000 training
// images, 1 epoch of 8 steps, Dense(16, relu) -> Dense(10, softmax).
std::string ExperimentToml(const std::string& data);

// "{name}" → vars[name], for every name in vars.
std::string Substitute(std::string text, const std::map<std::string, std::string>& vars);

}  // namespace runexp::bad_inputs
