#include "config/config_error.h"

#include <algorithm>
#include <tuple>

namespace runexp::config {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

std::string CleanLine(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = Utf8SequenceLength(text, i);
    if (length > 1) {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (length == 0 || c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

}  // namespace

std::string FormatConfigError(const ConfigError& error) {
  std::string line = error.file;
  if (error.line > 0) {
    line.append(":").append(std::to_string(error.line));
    line.append(":").append(std::to_string(error.column));
  }
  if (!line.empty()) line.append(": ");
  line.append(error.message);
  return CleanLine(line);
}

std::string FormatConfigErrors(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& error : errors) out += FormatConfigError(error) + "\n";
  return out;
}

Status ConfigErrorsToStatus(const std::vector<ConfigError>& errors) {
  if (errors.empty()) return Status::OK();
  std::string text = FormatConfigErrors(errors);
  text.pop_back();  // the last '\n'
  return Status::InvalidArgument(std::move(text));
}

void ErrorList::Add(const Origin& where, std::string message) {
  errors_.push_back(ConfigError{where.file, where.line, where.column, std::move(message)});
}

void ErrorList::Add(ConfigError error) { errors_.push_back(std::move(error)); }

std::vector<ConfigError> ErrorList::Sorted() const {
  std::vector<ConfigError> sorted;
  for (const ConfigError& error : errors_) {
    if (std::find(sorted.begin(), sorted.end(), error) == sorted.end()) sorted.push_back(error);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::make_tuple(a.line > 0, a.line, a.column) <
           std::make_tuple(b.line > 0, b.line, b.column);
  });
  return sorted;
}

}  // namespace runexp::config
