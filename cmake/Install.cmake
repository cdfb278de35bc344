# Installing runexp: the executable, the public plugin API (the headers of
# engine/include/runexp/) and a CMake package, so that a plugin can be built
# out of tree (docs/writing-a-plugin.md):
#
#   find_package(runexp 0.1 REQUIRED)
#   add_library(my_plugin MODULE my_plugin.cc)
#   target_link_libraries(my_plugin PRIVATE runexp::plugin_api)
#
# The package (PREFIX/lib/cmake/runexp) defines, in namespace runexp::
#   plugin_api  INTERFACE: the include directory and C++20, nothing to link.
#               A plugin library resolves the engine symbols it uses (Tensor,
#               Status, ...) against the runexp executable when it is loaded.
#   runexp      the executable, e.g. for add_test().
# and with COMPONENTS testing (needs TBB and OpenSSL, as the engine does):
#   testing     static: runexp::testing::StageHarness, to unit-test a stage
#               without a graph. It brings the engine as a static library
#               (runexp::engine), for test executables only: a plugin that
#               linked it would carry a second copy of the engine.
#
# Included at the end of the top-level CMakeLists.txt.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RUNEXP_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/runexp")

add_library(runexp_plugin_api INTERFACE)
add_library(runexp::plugin_api ALIAS runexp_plugin_api)
target_include_directories(runexp_plugin_api INTERFACE
  "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/engine/include>"
  "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
target_compile_features(runexp_plugin_api INTERFACE cxx_std_20)
set_target_properties(runexp_plugin_api PROPERTIES EXPORT_NAME plugin_api)

# Every public header, nn/ and testing/ included; nothing from engine/src.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/engine/include/runexp"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.h")

install(TARGETS runexp runexp_plugin_api
        EXPORT runexpTargets
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(EXPORT runexpTargets
        NAMESPACE runexp::
        DESTINATION "${RUNEXP_INSTALL_CMAKEDIR}")

# The testing component. The engine's include directory is declared for the
# build tree only (engine/CMakeLists.txt); its users get the installed one,
# and C++20, from plugin_api.
target_link_libraries(runexp_engine INTERFACE runexp_plugin_api)
set_target_properties(runexp_engine PROPERTIES EXPORT_NAME engine)
set_target_properties(runexp_testing PROPERTIES EXPORT_NAME testing)
# A sanitizer build's static libraries need the sanitizer runtime wherever they
# are linked (cmake/Sanitizers.cmake); a plugin MODULE links neither.
if(RUNEXP_SANITIZER_FLAGS)
  target_link_options(runexp_engine INTERFACE ${RUNEXP_SANITIZER_FLAGS})
endif()
install(TARGETS runexp_engine runexp_testing
        EXPORT runexpTestingTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(EXPORT runexpTestingTargets
        NAMESPACE runexp::
        DESTINATION "${RUNEXP_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/runexpConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/runexpConfig.cmake"
  INSTALL_DESTINATION "${RUNEXP_INSTALL_CMAKEDIR}")
# 0.x: a minor version may change the API, so 0.1 accepts only 0.1.*. The
# plugin API version (kPluginApiVersion) is checked again when a library is loaded.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/runexpConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/runexpConfig.cmake"
  "${PROJECT_BINARY_DIR}/runexpConfigVersion.cmake"
  DESTINATION "${RUNEXP_INSTALL_CMAKEDIR}")
