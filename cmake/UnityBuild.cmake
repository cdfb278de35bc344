# Unity builds: runexp_unity_build(TARGET BATCH_SIZE) compiles TARGET's
# sources BATCH_SIZE at a time, as one translation unit per batch, in the
# order they are listed (CMake's UNITY_BUILD_MODE BATCH).
#
# Why: CI (.ci/run) builds the tree from scratch twice, Release and ASan, on
# 2 cores, and compilation dominates it. CLI11 2.1 (Debian) is header-only
# with no precompiled mode, so every file that uses CLI::App parses it and
# then emits and optimises its inline functions again: the 40 lines of
# engine/cli/cmd_check.cc took 32 s at -O3, 56 % of it in code generation.
# gtest and the engine's own headers (config, store, sweep, TBB flow graph)
# repeat the same way across the libraries and test suites. A batch pays for
# them once. Precompiled headers only save the parsing, not the code
# generation, so they are not used.
#
# Where: only targets that call this, chosen by their measured cost. Never
# runexp_nn (engine/src/nn) or a plugin's kernels: their results are
# guaranteed bit-identical and those files are tuned one by one, so their
# translation units stay exactly as they are.
#
# Batch size: the build runs on 2 cores, so a batch of 5-8 files leaves
# enough translation units to keep both busy while still sharing the
# headers; a target whose files would all fit in one batch uses one.
#
# Rules this imposes on the code:
# - The files of a batch share one anonymous namespace per enclosing
#   namespace: two file-local helpers with the same name in one target
#   collide (same signature) or, worse, silently overload each other. Give
#   file-local names that are unique within their target, or share the
#   helper in a header.
# - A file may compile only because an earlier file of its batch included a
#   header for it. -DRUNEXP_UNITY_BUILD=OFF builds every file on its own
#   and catches that; CI's sanitizer build (scripts/test-sanitizers.sh) is
#   configured so.
# - A generated file that changes at every commit (build_info.cc) stays out
#   of the batches (SKIP_UNITY_BUILD_INCLUSION) so that it rebuilds alone.
option(RUNEXP_UNITY_BUILD "Compile selected targets in unity batches (cmake/UnityBuild.cmake)" ON)

function(runexp_unity_build target batch_size)
  if(RUNEXP_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES
      UNITY_BUILD ON
      UNITY_BUILD_MODE BATCH
      UNITY_BUILD_BATCH_SIZE ${batch_size})
  endif()
endfunction()
