// Compiles toml++'s implementation, once, with runexp's configuration
// (config/toml.h): preconditions throw instead of being assumed.
#define TOML_IMPLEMENTATION
#include "config/toml.h"

namespace runexp::config {

void ThrowTomlPrecondition(const char* expression) {
  throw TomlPreconditionError(std::string("toml++ precondition failed: ") + expression);
}

}  // namespace runexp::config
