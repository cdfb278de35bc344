#include "catalogue.h"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "runexp/sha256.h"

namespace runexp::bad_inputs {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

void Shell(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

}  // namespace

// The TOML cases rely on its line numbers: `batch_size` is line 46,
// `shuffle` line 47.
std::string ExperimentToml(const std::string& data) {
  return R"([experiment]
name = "bad_inputs"
dsl_version = 1
seed = 7
results = "results.db"

[stages.train_images]
plugin = "idx_reader"
path = ")" + data + R"(/train-images-idx3-ubyte"
limit = 1000

[stages.train_labels]
plugin = "idx_reader"
path = ")" + data + R"(/train-labels-idx1-ubyte"
limit = 1000

[stages.test_images]
plugin = "idx_reader"
path = ")" + data + R"(/t10k-images-idx3-ubyte"

[stages.test_labels]
plugin = "idx_reader"
path = ")" + data + R"(/t10k-labels-idx1-ubyte"

[stages.train_x]
plugin = "reshape_normalize"
input = "train_images"
shape = [784]
divide_by = 255.0

[stages.test_x]
plugin = "reshape_normalize"
input = "test_images"
shape = [784]
divide_by = 255.0

[stages.train_y]
plugin = "one_hot"
input = "train_labels"
classes = 10

[stages.model]
plugin = "mlp_trainer"
inputs = { x = "train_x", y = "train_y" }
epochs = 1
batch_size = 128
shuffle = true
layers = [
  { units = 16, activation = "relu" },
  { units = 10, activation = "softmax" },
]
optimizer = { name = "rmsprop", learning_rate = 0.001 }

[stages.test_y]
plugin = "one_hot"
input = "test_labels"
classes = 10

[stages.evaluate]
plugin = "evaluator"
inputs = { model = "model.snapshots", train_x = "train_x", train_y = "train_y", test_x = "test_x", test_y = "test_y" }
)";
}

namespace {

// The experiment with line `line` (1-based) replaced by `text`.
void WriteExperimentWithLine(Workspace& w, int line, const std::string& text) {
  std::string toml = ExperimentToml(w.vars.at("data"));
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) start = toml.find('\n', start) + 1;
  toml.replace(start, toml.find('\n', start) - start, text);
  WriteFile(w.dir + "/experiment.toml", toml);
}

void WriteExperiment(Workspace& w) { WriteFile(w.dir + "/experiment.toml", ExperimentToml(w.vars.at("data"))); }

// The newest checkpoint of run B (completed, Dense(16)) copied to {dir}/checkpoint.pb.
std::string CopyCheckpoint(Workspace& w) {
  w.need_runs(w);
  const std::string to = w.dir + "/checkpoint.pb";
  fs::copy_file(w.vars.at("checkpoint_b"), to);
  return to;
}

// Run A's and run B's results.db and run folders copied into the case's
// folder — without the empty -wal and -shm files a reader of the shared copy
// left behind, which the next writer would tidy away.
void CopyBase(Workspace& w) {
  w.need_runs(w);
  fs::copy(w.vars.at("base_dir"), w.dir, fs::copy_options::recursive);
  for (const char* suffix : {"-wal", "-shm"}) {
    const fs::path file = w.dir + "/results.db" + suffix;
    if (std::string(suffix) == "-wal" && fs::exists(file) && fs::file_size(file) != 0) {
      throw std::runtime_error("the shared results.db has uncommitted pages in its WAL");
    }
    fs::remove(file);
  }
}

const std::string kEval = "{runexp} eval {dir}/checkpoint.pb --images {data}/t10k-images-idx3-ubyte "
                          "--labels {data}/t10k-labels-idx1-ubyte";

}  // namespace

std::string Substitute(std::string text, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    const std::string key = "{" + name + "}";
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

std::vector<BadInput> Catalogue() {
  std::vector<BadInput> all;

  // ---- IDX files: `runexp inspect` reads them exactly as a run does ----
  all.push_back({"idx_truncated_header", "3 bytes: the magic number is cut short",
                 [](Workspace& w) { WriteFile(w.dir + "/bad.idx", std::string("\0\0\x08", 3)); },
                 "{runexp} inspect {dir}/bad.idx", 2,
                 "{dir}/bad.idx: file shorter than the header: 3 bytes, but the magic alone needs 4"});
  all.push_back({"idx_wrong_magic", "the first two bytes are not zero",
                 [](Workspace& w) { WriteFile(w.dir + "/bad.idx", std::string("\x12\x34\x08\x01\0\0\0\x05" "abcde", 13)); },
                 "{runexp} inspect {dir}/bad.idx", 2,
                 "{dir}/bad.idx: bad magic 0x12340801 at byte 0: expected 0x0000TTDD"});
  all.push_back({"idx_lying_dimensions", "three dimensions of 2^32-1 in an 18-byte file",
                 [](Workspace& w) {
                   WriteFile(w.dir + "/bad.idx", std::string("\0\0\x08\x03", 4) + std::string(12, '\xff') + "ab");
                 },
                 "{runexp} inspect {dir}/bad.idx", 2,
                 "{dir}/bad.idx: dimensions (4294967295, 4294967295, 4294967295) of uint8 overflow 64 bits"});
  all.push_back({"idx_short_data", "the header promises 10 labels, the file holds 5",
                 [](Workspace& w) { WriteFile(w.dir + "/bad.idx", std::string("\0\0\x08\x01\0\0\0\x0a" "abcde", 13)); },
                 "{runexp} inspect {dir}/bad.idx", 2,
                 "{dir}/bad.idx: truncated data: expected 10 bytes of data for shape (10) of uint8 after the "
                 "8-byte header, found 5"});
  all.push_back({"idx_gzip_truncated", "the real test labels gzipped, cut after 40 bytes",
                 [](Workspace& w) {
                   Shell("gzip -n -c " + w.vars.at("data") + "/t10k-labels-idx1-ubyte | head -c 40 > " + w.dir + "/bad.idx.gz");
                 },
                 "{runexp} inspect {dir}/bad.idx.gz", 2,
                 "{dir}/bad.idx.gz: truncated gzip stream: the compressed data ends at byte 40"});
  all.push_back({"idx_gzip_corrupt", "the real test labels gzipped, bytes 30-32 overwritten with 0xff",
                 [](Workspace& w) {
                   Shell("gzip -n -c " + w.vars.at("data") + "/t10k-labels-idx1-ubyte > " + w.dir + "/bad.idx.gz");
                   std::string bytes = ReadFile(w.dir + "/bad.idx.gz");
                   bytes.replace(30, 3, "\xff\xff\xff");
                   WriteFile(w.dir + "/bad.idx.gz", bytes);
                 },
                 "{runexp} inspect {dir}/bad.idx.gz", 2, "{dir}/bad.idx.gz: corrupt gzip stream near compressed byte"});
  all.push_back({"idx_short_data_in_a_run", "a run whose training labels file is cut short",
                 [](Workspace& w) {
                   WriteExperiment(w);
                   WriteFile(w.dir + "/labels.idx", std::string("\0\0\x08\x01\0\0\0\x0a" "abcde", 13));
                 },
                 "{runexp} {dir}/experiment.toml -q --set 'train_labels.path=\"{dir}/labels.idx\"'", 1,
                 "failed: stage 'train_labels' (idx_reader): {dir}/labels.idx: truncated data", Writes::kFailedRunRow});

  // ---- Experiment files: refused before anything is written ----
  all.push_back({"toml_unknown_key_with_suggestion", "`batch_sise` for `batch_size`",
                 [](Workspace& w) { WriteExperimentWithLine(w, 46, "batch_sise = 128"); },
                 "{runexp} {dir}/experiment.toml", 2,
                 "{dir}/experiment.toml:46:1: unknown parameter 'batch_sise' of stage 'model' (mlp_trainer); "
                 "did you mean 'batch_size'?"});
  all.push_back({"toml_wrong_type", "batch_size given as a string",
                 [](Workspace& w) { WriteExperimentWithLine(w, 46, "batch_size = \"128\""); },
                 "{runexp} {dir}/experiment.toml", 2,
                 "{dir}/experiment.toml:46:14: stage 'model' (mlp_trainer): parameter 'batch_size' expects "
                 "integer, got string \"128\""});
  all.push_back({"toml_bad_syntax", "`shuffle = = true`",
                 [](Workspace& w) { WriteExperimentWithLine(w, 47, "shuffle = = true"); },
                 "{runexp} {dir}/experiment.toml", 2,
                 "{dir}/experiment.toml:47:11: invalid TOML (value): could not determine value type"});
  all.push_back({"toml_set_unknown_key_with_suggestion", "--set model.epoch=3 for model.epochs",
                 [](Workspace& w) { WriteExperiment(w); },
                 "{runexp} {dir}/experiment.toml --set model.epoch=3", 2,
                 "unknown parameter 'epoch' of stage 'model' (mlp_trainer); did you mean 'epochs'?"});

  // ---- Checkpoints ----
  all.push_back({"checkpoint_truncated", "run B's checkpoint cut to 5,000 bytes",
                 [](Workspace& w) { fs::resize_file(CopyCheckpoint(w), 5000); },
                 kEval, 2, "{dir}/checkpoint.pb: not a readable checkpoint (truncated or damaged protobuf, 5000 bytes)"});
  all.push_back({"checkpoint_bit_flipped", "one byte of run B's checkpoint changed, at offset 3000",
                 [](Workspace& w) {
                   const std::string file = CopyCheckpoint(w);
                   std::string bytes = ReadFile(file);
                   bytes[3000] = static_cast<char>(bytes[3000] ^ 0x10);
                   WriteFile(file, bytes);
                 },
                 kEval, 2, "{dir}/checkpoint.pb: body_sha256 does not match the file's contents (damaged)"});
  all.push_back({"checkpoint_schema_version_2", "schema_version 2 with a correct body_sha256",
                 [](Workspace& w) {
                   const std::string file = CopyCheckpoint(w);
                   std::string bytes = ReadFile(file);
                   // Field 1 (schema_version) opens the file: 08 01; field 15
                   // (body_sha256, 32 bytes) closes it: 7a 20 + digest.
                   if (bytes.substr(0, 2) != std::string("\x08\x01", 2) || bytes[bytes.size() - 34] != '\x7a') {
                     throw std::runtime_error("unexpected checkpoint layout");
                   }
                   bytes[1] = 2;
                   std::string body = bytes.substr(0, bytes.size() - 34);
                   std::string digest;
                   const std::string hex = Sha256Hex(std::string_view(body));
                   for (std::size_t i = 0; i < hex.size(); i += 2) {
                     digest.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
                   }
                   bytes.replace(bytes.size() - 32, 32, digest);
                   WriteFile(file, bytes);
                 },
                 kEval, 2, "{dir}/checkpoint.pb: checkpoint schema_version 2; this runexp reads version 1"});
  all.push_back({"checkpoint_wrong_architecture_for_init_from", "a Dense(16) checkpoint to warm-start Dense(32)",
                 [](Workspace& w) {
                   WriteExperiment(w);
                   CopyCheckpoint(w);
                 },
                 "{runexp} {dir}/experiment.toml --set model.layers[0].units=32 "
                 "--set 'model.init_from=\"{dir}/checkpoint.pb\"'",
                 2, "the checkpoint's model does not match the configured one: layer 0 is Dense(16, relu), "
                    "configured Dense(32, relu)"});
  all.push_back({"checkpoint_of_another_run", "run A's checkpoint replaced by run B's, then `runexp resume A`",
                 [](Workspace& w) {
                   CopyBase(w);
                   fs::copy_file(w.vars.at("checkpoint_b"), w.dir + "/" + w.vars.at("checkpoint_a_path"),
                                 fs::copy_options::overwrite_existing);
                 },
                 "{runexp} resume {run_a} --results {dir}/results.db", 2,
                 "{dir}/{checkpoint_a_path}: the file's SHA-256 "});

  // ---- results.db ----
  all.push_back({"db_not_sqlite", "a text file where results.db should be, for a run",
                 [](Workspace& w) {
                   WriteExperiment(w);
                   WriteFile(w.dir + "/results.db", "these are my notes, not a database\n");
                 },
                 "{runexp} {dir}/experiment.toml", 2,
                 "{dir}/results.db: not an SQLite database (it starts with \"these are my not\"); refusing to open "
                 "it as results.db, the file is left as is"});
  all.push_back({"db_not_sqlite_for_runs", "the same text file, for `runexp runs`",
                 [](Workspace& w) { WriteFile(w.dir + "/results.db", "these are my notes, not a database\n"); },
                 "{runexp} runs --results {dir}/results.db", 2, "{dir}/results.db: not an SQLite database"});
  all.push_back({"db_newer_schema", "runs A and B's results.db with user_version 99",
                 [](Workspace& w) {
                   CopyBase(w);
                   WriteExperiment(w);
                   sqlite3* db = nullptr;
                   sqlite3_open((w.dir + "/results.db").c_str(), &db);
                   int rc = sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
                   sqlite3_close(db);
                   if (rc != SQLITE_OK) throw std::runtime_error("cannot set user_version");
                 },
                 "{runexp} {dir}/experiment.toml", 2,
                 "{dir}/results.db: results database has schema version 99, newer than the"});
  return all;
}

}  // namespace runexp::bad_inputs
