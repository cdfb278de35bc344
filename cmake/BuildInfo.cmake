# Generates build_info.cc at every build (not only at configure time), so
# `runexp --version` always names the commit the binary was really built from.
# The file is rewritten only when its content changes, so an unchanged tree
# does not relink.
set(RUNEXP_BUILD_INFO_CC "${CMAKE_BINARY_DIR}/generated/build_info.cc")
add_custom_target(runexp_build_info_gen
  BYPRODUCTS "${RUNEXP_BUILD_INFO_CC}"
  COMMAND "${CMAKE_COMMAND}"
          -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUTPUT=${RUNEXP_BUILD_INFO_CC}
          -DVERSION=${PROJECT_VERSION}
          -DCOMPILER=${CMAKE_CXX_COMPILER_ID}\ ${CMAKE_CXX_COMPILER_VERSION}
          -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
          -P "${PROJECT_SOURCE_DIR}/cmake/WriteBuildInfo.cmake"
  COMMENT "Recording git commit for runexp --version"
  VERBATIM)
