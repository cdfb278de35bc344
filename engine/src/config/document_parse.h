// TOML text -> Document (config/document.h), with malformed TOML reported as
// exactly one located ConfigError — including the inputs on which toml++
// 3.3.0 trips over its own preconditions (config/toml.h).
//
// Thread-safety: stateless functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config_error.h"
#include "config/document.h"

namespace runexp::config {

struct ParsedDocument {
  Node root;                         // a table; empty when parsing failed
  std::optional<ConfigError> error;  // set when the text is not valid TOML
};

// `file` names the document in origins and errors (as the user wrote it).
ParsedDocument ParseDocument(std::string_view text, const std::string& file);

// One TOML value written on the command line (the VALUE of --set KEY=VALUE).
// Every node's origin is {label, 0, 0}. On failure, `error` says why (a
// message without location; the caller adds the override's name).
struct ParsedValue {
  Node value;
  std::optional<std::string> error;
};
ParsedValue ParseTomlValue(std::string_view literal, const std::string& label);

}  // namespace runexp::config
