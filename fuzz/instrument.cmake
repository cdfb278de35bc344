# Included by the top-level CMakeLists.txt when RUNEXP_BUILD_FUZZERS is ON,
# before any target is defined: every runexp library is compiled with
# libFuzzer's coverage instrumentation and AddressSanitizer +
# UndefinedBehaviorSanitizer, so a fuzz target sees coverage (and crashes) in
# the code it calls, not only in its own file. The fuzz targets themselves add
# -fsanitize=fuzzer at link time (fuzz/CMakeLists.txt). Debian's libraries
# (protobuf, oneTBB, oneDNN, zlib) stay uninstrumented: ASan still checks our
# use of them, and their inside is not what we fuzz.
#
# toml++ keeps runexp's own TOML_ASSERT under clang too: config/toml.h hides
# NDEBUG from toml++ whatever the compiler, so its preconditions throw instead
# of becoming optimiser assumptions (undefined behaviour) in this build as well.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "RUNEXP_BUILD_FUZZERS needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ in a build folder of its own (scripts/fuzz.sh does)")
endif()
set(RUNEXP_FUZZ_SANITIZERS "address,undefined")
add_compile_options(
  -fsanitize=fuzzer-no-link,${RUNEXP_FUZZ_SANITIZERS}
  -fno-sanitize-recover=all      # undefined behaviour stops the run: libFuzzer reports it as a crash
  -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=${RUNEXP_FUZZ_SANITIZERS})
