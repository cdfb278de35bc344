// The only way runexp includes toml++ (v3.3.0, Debian's libtomlplusplus-dev).
//
// toml++ guards parser paths with TOML_ASSERT_ASSUME preconditions that
// malformed input can violate (upstream #294 "[&", #301 "[[[1]]]"). With
// NDEBUG they become optimiser assumptions (undefined behaviour); without it,
// assert() aborts. Here every such precondition throws TomlPreconditionError
// instead, whatever the build type, and document_parse.cc turns that into an
// ordinary located parse error. For this to hold, every translation unit must
// see the same configuration, so nothing includes <toml++/toml.h> directly.
//
// The implementation is compiled once, in toml_impl.cc (TOML_HEADER_ONLY=0);
// the build never links libtomlplusplus.so (see CMakeLists.txt).
//
// One caveat: a few toml++ functions are noexcept (e.g. the UTF-8 decoder,
// go_back); a precondition failing inside one of them calls std::terminate —
// defined behaviour, unlike the assumption, but still a crash. None of the
// toml-test invalid documents reaches one.
#pragma once

#include <stdexcept>
#include <string>

namespace runexp::config {

// A toml++ parser precondition failed: the input is malformed in a way the
// parser did not expect to see. Carries the failed expression.
class TomlPreconditionError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Out of line and [[noreturn]]: a throw written inside the macro would make
// g++ warn (-Wterminate) at every use inside a noexcept toml++ function.
[[noreturn]] void ThrowTomlPrecondition(const char* expression);

}  // namespace runexp::config

#if defined(TOML_ASSERT) || defined(TOML_EXCEPTIONS) || defined(TOML_HEADER_ONLY)
#error "include toml++ only through config/toml.h, and configure it only there"
#endif

// (a) Preconditions throw. toml++ keeps a user-supplied TOML_ASSERT only when
// NDEBUG is not defined (impl/preprocessor.h: under NDEBUG it redefines
// TOML_ASSERT as nothing and TOML_ASSERT_ASSUME as TOML_ASSUME).
#define TOML_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : ::runexp::config::ThrowTomlPrecondition(#expr))
// (c) Parse errors are toml::parse_error exceptions in every TU; this also
// selects toml++'s ABI namespace, so a mismatch would fail to link.
#define TOML_EXCEPTIONS 1
#define TOML_HEADER_ONLY 0
#define TOML_ENABLE_FORMATTERS 0  // runexp writes its own canonical TOML

// (b) Hide NDEBUG from toml++ only, so TOML_ASSERT_ASSUME stays TOML_ASSERT.
#pragma push_macro("NDEBUG")
#undef NDEBUG
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

// A standard header included above may have (re)defined assert() without
// NDEBUG; re-including <cassert> makes assert() follow this TU's NDEBUG again.
#include <cassert>
