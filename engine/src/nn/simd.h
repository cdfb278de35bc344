// RUNEXP_NN_VECTOR_KERNEL: marks an element-wise loop to be compiled for
// AVX-512, AVX2 and the baseline x86-64 target, one chosen when the program
// loads (GCC/Clang function multi-versioning, an ifunc). Internal to runexp_nn.
//
// Why: the build targets plain x86-64 (SSE2) so that one binary runs
// anywhere, but on the machines we train on the optimizer update, bias +
// activation and the bias-gradient sums then run four floats at a time.
// Profiled on the reference run, the SSE2 RMSprop update alone took 11% of
// the CPU time; its sqrt and divide are three to four times faster 16 wide.
//
// Why it cannot change a result: only kernels whose every element is
// computed by IEEE-exact operations (+, -, ×, /, sqrt, compare-and-select)
// get the attribute, the library is built with -ffp-contract=off (no fused
// multiply-adds in any clone) and without reassociation, so each element's
// value is the same whichever clone computes it. Sums across elements (the
// bias gradient's column sums) run in the same row order in every clone: the
// vector lanes are columns, never a split of one sum.
#pragma once

#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define RUNEXP_NN_VECTOR_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif

#ifndef RUNEXP_NN_VECTOR_KERNEL
#define RUNEXP_NN_VECTOR_KERNEL
#endif
