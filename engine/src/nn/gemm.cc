#include "runexp/nn/gemm.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <string>

namespace runexp::nn {

namespace {

// oneDNN (OpenMP build) sizes its team from omp_get_max_threads() of the
// calling thread, an OpenMP per-thread setting. Dropping it to one for the
// duration of the call keeps oneDNN on the caller's thread without touching
// any process-wide state (OMP_NUM_THREADS, other threads' settings), and
// putting it back leaves OpenMP code elsewhere in the process unaffected.
class SingleOpenMpThread {
 public:
  SingleOpenMpThread() : saved_(omp_get_max_threads()) {
    if (saved_ != 1) omp_set_num_threads(1);
  }
  ~SingleOpenMpThread() {
    if (saved_ != 1) omp_set_num_threads(saved_);
  }
  SingleOpenMpThread(const SingleOpenMpThread&) = delete;
  SingleOpenMpThread& operator=(const SingleOpenMpThread&) = delete;

 private:
  int saved_;
};

std::string Dims(int64_t m, int64_t n, int64_t k) {
  return "m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k);
}

}  // namespace

Status Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
             const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
             int64_t ldc) {
  if (m < 0 || n < 0 || k < 0) return Status::InvalidArgument("Sgemm: negative size " + Dims(m, n, k));
  // Row-major: the leading dimension is the length of a stored row.
  const int64_t a_cols = trans_a ? m : k;
  const int64_t b_cols = trans_b ? k : n;
  if (lda < (a_cols > 0 ? a_cols : 1) || ldb < (b_cols > 0 ? b_cols : 1) ||
      ldc < (n > 0 ? n : 1)) {
    return Status::InvalidArgument("Sgemm: leading dimension too small (lda=" +
                                   std::to_string(lda) + " ldb=" + std::to_string(ldb) +
                                   " ldc=" + std::to_string(ldc) + ") for " + Dims(m, n, k));
  }
  if (m == 0 || n == 0) return Status::OK();

  SingleOpenMpThread one_thread;
  const dnnl_status_t status = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k,
                                          alpha, a, lda, b, ldb, beta, c, ldc);
  if (status != dnnl_success) {
    return Status::Internal("dnnl_sgemm failed with status " + std::to_string(status) +
                            " for " + Dims(m, n, k));
  }
  return Status::OK();
}

std::string GemmLibraryVersion() {
  const dnnl_version_t* version = dnnl_version();
  const char* runtime = version->cpu_runtime == DNNL_RUNTIME_OMP   ? "OpenMP"
                        : version->cpu_runtime == DNNL_RUNTIME_TBB ? "oneTBB"
                        : version->cpu_runtime == DNNL_RUNTIME_SEQ ? "sequential"
                                                                   : "other runtime";
  return "oneDNN " + std::to_string(version->major) + "." + std::to_string(version->minor) + "." +
         std::to_string(version->patch) + " (" + runtime + ")";
}

}  // namespace runexp::nn
