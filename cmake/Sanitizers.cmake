# RUNEXP_SANITIZE: build everything (engine, plugins, CLI, tests) with the
# given GCC/Clang sanitizers, compiled and linked, e.g.
#
#   cmake -B build-asan -G Ninja -DRUNEXP_SANITIZE=address,undefined
#
# (scripts/test-sanitizers.sh configures build-asan that way and runs the tests
# under it). Undefined behaviour is fatal (-fno-sanitize-recover), so a finding
# fails its test instead of scrolling past. Empty (the default): no sanitizers.
#
# Included by the top-level CMakeLists.txt before any target is defined.
set(RUNEXP_SANITIZE "" CACHE STRING
  "Comma-separated sanitizers to build with (address,undefined or thread); empty for none")

if(RUNEXP_SANITIZE)
  if(RUNEXP_SANITIZE MATCHES "thread" AND RUNEXP_SANITIZE MATCHES "address")
    message(FATAL_ERROR "RUNEXP_SANITIZE: thread cannot be combined with address")
  endif()
  set(RUNEXP_SANITIZER_FLAGS "-fsanitize=${RUNEXP_SANITIZE}" -fno-omit-frame-pointer)
  if(RUNEXP_SANITIZE MATCHES "undefined")
    list(APPEND RUNEXP_SANITIZER_FLAGS -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${RUNEXP_SANITIZER_FLAGS})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's -Wmaybe-uninitialized sees through the sanitizers' instrumented
    # code and flags std::variant/std::map moves that are initialised (e.g.
    # ParamValue temporaries in a PluginSpec); the Release build keeps the warning.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  add_link_options(${RUNEXP_SANITIZER_FLAGS})
  if(RUNEXP_SANITIZE MATCHES "undefined")
    # g++'s UBSan ignores UBSAN_OPTIONS=log_path and reports to stderr only;
    # this hook, linked into every target defined after this point, also
    # writes each report to a file (sanitizers/ubsan_log_hook.cc says why).
    add_library(runexp_ubsan_log_hook OBJECT "${CMAKE_CURRENT_LIST_DIR}/sanitizers/ubsan_log_hook.cc")
    link_libraries("$<BUILD_INTERFACE:runexp_ubsan_log_hook>")
  endif()
  message(STATUS "runexp: building with ${RUNEXP_SANITIZER_FLAGS}")
endif()
