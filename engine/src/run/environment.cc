#include "run/environment.h"

#include <sys/utsname.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "runexp/build_info.h"

extern char** environ;

namespace runexp {

namespace {

// Instruction sets that decide which kernels a GEMM library picks.
const std::set<std::string> kRelevantCpuFlags = {
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
    "avx512dq", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16"};

bool RelevantVariable(std::string_view name) {
  for (std::string_view prefix : {"OPENBLAS_", "OMP_", "DNNL_", "ONEDNN_", "MKL_", "GOMP_", "KMP_"}) {
    if (name.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

void ReadCpuInfo(std::string& model, std::set<std::string>& flags) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (key == "model name" && model.empty()) model = value;
    if (key == "flags" && flags.empty()) {
      std::istringstream words(value);
      std::string flag;
      while (words >> flag) {
        if (kRelevantCpuFlags.contains(flag)) flags.insert(flag);
      }
      if (!model.empty()) break;
    }
  }
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string CollectEnvironmentJson(std::string_view gemm_library) {
  std::string model;
  std::set<std::string> flags;
  ReadCpuInfo(model, flags);
  const BuildInfo& build = GetBuildInfo();
  struct utsname system {};
  uname(&system);

  std::string json = "{";
  json += "\"cpu_model\": " + JsonQuote(model);
  json += ", \"cpu_flags\": [";
  bool first = true;
  for (const std::string& flag : flags) {
    json += (first ? "" : ", ") + JsonQuote(flag);
    first = false;
  }
  json += "]";
  json += ", \"gemm_library\": " + JsonQuote(gemm_library);
  json += ", \"compiler\": " + JsonQuote(build.compiler);
  json += ", \"build_type\": " + JsonQuote(build.build_type);
  json += ", \"kernel\": " + JsonQuote(std::string(system.sysname) + " " + system.release);
  json += ", \"machine\": " + JsonQuote(system.machine);
  json += ", \"variables\": {";
  std::set<std::string> variables;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals != std::string_view::npos && RelevantVariable(text.substr(0, equals))) {
      variables.insert(std::string(text));
    }
  }
  first = true;
  for (const std::string& variable : variables) {
    auto equals = variable.find('=');
    json += (first ? "" : ", ") + JsonQuote(variable.substr(0, equals)) + ": " +
            JsonQuote(variable.substr(equals + 1));
    first = false;
  }
  json += "}}";
  return json;
}

}  // namespace runexp
