// Numbers as text that reads back as exactly the same number. One place for
// it because results.db's parameters, the CLI's tables, CSV and JSON, and
// canonical TOML must all print a double the same way. Internal to the
// engine and its CLI (not installed with the plugin API).
#pragma once

#include <string>

namespace runexp {

// The shortest decimal text that reads back as exactly `value`: 0.1, not
// 0.10000000000000001 (printf's %.17g) or 0.100000 (iostream's default);
// 255, not 255.0. Not locale-dependent. Infinities and NaN read "inf",
// "-inf", "nan" or "-nan": callers whose format has no such words (JSON,
// TOML's own spelling) handle them first.
std::string ShortestText(double value);

}  // namespace runexp
