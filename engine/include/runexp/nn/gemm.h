// Sgemm: the one matrix product the numerical core uses, over oneDNN.
//
// Row-major, BLAS semantics: C = alpha·op(A)·op(B) + beta·C, where op(A) is
// m×k, op(B) is k×n and C is m×n. With beta == 0, C is write-only (NaNs in C
// are not propagated), as in BLAS.
//
// Threading contract: every call runs on exactly ONE thread, the caller's.
// Parallelism belongs to oneTBB one level up (see mlp.h): if oneDNN's OpenMP
// runtime also started a thread per core inside each oneTBB task, the two
// pools would fight over the cores. The caller's OpenMP thread count is
// restored before returning, so the call has no lasting side effect. Safe to
// call concurrently from any number of threads on disjoint outputs. For fixed
// shapes, strides and operands the result is bit-for-bit reproducible on a
// given machine.
#pragma once

#include <cstdint>
#include <string>

#include "runexp/status.h"

namespace runexp::nn {

// InvalidArgument for negative sizes or leading dimensions too small for the
// shapes (a caller bug, reported rather than aborted on).
Status Sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
             const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
             int64_t ldc);

// "oneDNN 2.6.3": the library behind Sgemm and its version, for provenance.
std::string GemmLibraryVersion();

}  // namespace runexp::nn
