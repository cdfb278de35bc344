// ConfigError: one problem found in an experiment file or a --set override,
// with where it is; ErrorList collects them so a check reports every problem
// at once instead of stopping at the first.
//
// Printed one per line as "FILE:LINE:COL: message" (or "--set KEY=VALUE:
// message" for an override). Plain values; not synchronised.
#pragma once

#include <string>
#include <vector>

#include "config/document.h"
#include "runexp/status.h"

namespace runexp::config {

struct ConfigError {
  std::string file;  // the experiment file as the user named it, or "--set KEY=VALUE"
  int line = 0;      // from 1; 0 when the problem has no position (an override, a read error)
  int column = 0;
  std::string message;

  bool operator==(const ConfigError&) const = default;
};

// One line, no trailing newline; control characters and invalid UTF-8 in
// the message are escaped so the line stays one clean line.
std::string FormatConfigError(const ConfigError& error);
// Every error on its own line, each ending in '\n'.
std::string FormatConfigErrors(const std::vector<ConfigError>& errors);
// kInvalidArgument carrying every line (joined by '\n'); OK when empty.
Status ConfigErrorsToStatus(const std::vector<ConfigError>& errors);

class ErrorList {
 public:
  void Add(const Origin& where, std::string message);
  void Add(ConfigError error);
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  // Errors without a position first (in the order found), then the file's in
  // line:column order; exact duplicates dropped.
  std::vector<ConfigError> Sorted() const;

 private:
  std::vector<ConfigError> errors_;
};

}  // namespace runexp::config
