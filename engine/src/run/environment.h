// The environment a run executed in, as JSON for results.db's
// runs.environment: CPU model and the instruction sets that matter for
// numerics, GEMM library, compiler and build type, kernel, and the
// environment variables that change numerical results (OPENBLAS_*, OMP_*,
// DNNL_*/ONEDNN_*, MKL_*). `runexp verify` compares it between runs.
#pragma once

#include <string>
#include <string_view>

namespace runexp {

// gemm_library: e.g. "oneDNN 2.6.3" (from the nn library).
std::string CollectEnvironmentJson(std::string_view gemm_library);

// A JSON string literal for `text` (quotes included).
std::string JsonQuote(std::string_view text);

}  // namespace runexp
