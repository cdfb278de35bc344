// JsonValue: a small JSON document model for the CLI's `--format json`
// output — build a value, Dump() it as RFC 8259 text — plus a strict parser,
// used to re-indent the environment JSON a run recorded.
//
// Dump escapes every string (quotes, backslashes, control characters; bytes
// that are not valid UTF-8 become U+FFFD, so the output is always valid
// JSON), writes integers exactly, doubles in their shortest round-trip form,
// and a NaN or infinity as null. Object members keep insertion order.
//
// Thread-safety: a plain value; copy freely, do not share mutable instances.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace runexp::cli {

class JsonValue {
 public:
  using Array = std::vector<JsonValue>;
  using Object = std::vector<std::pair<std::string, JsonValue>>;

  JsonValue() = default;  // null
  JsonValue(std::nullptr_t) {}
  JsonValue(bool value) : value_(value) {}
  JsonValue(int64_t value) : value_(value) {}
  JsonValue(int value) : value_(static_cast<int64_t>(value)) {}
  JsonValue(double value) : value_(value) {}
  JsonValue(std::string value) : value_(std::move(value)) {}
  JsonValue(std::string_view value) : value_(std::string(value)) {}
  JsonValue(const char* value) : value_(std::string(value)) {}
  JsonValue(Array value) : value_(std::move(value)) {}
  JsonValue(Object value) : value_(std::move(value)) {}
  template <typename T>
  JsonValue(const std::optional<T>& value) {
    if (value) *this = JsonValue(*value);
  }

  static JsonValue EmptyArray() { return JsonValue(Array{}); }
  static JsonValue EmptyObject() { return JsonValue(Object{}); }

  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }
  // Reading a parsed document: nullptr / nullopt when the value is not of
  // that kind. AsNumber accepts integers too.
  const std::string* AsString() const { return std::get_if<std::string>(&value_); }
  const Array* AsArray() const { return std::get_if<Array>(&value_); }
  const Object* AsObject() const { return std::get_if<Object>(&value_); }
  std::optional<int64_t> AsInt() const;
  std::optional<double> AsNumber() const;
  std::optional<bool> AsBool() const;
  // An object's member, or nullptr.
  const JsonValue* Get(std::string_view key) const;

  // Appends to an array / an object (a null value becomes one first).
  JsonValue& Append(JsonValue element);
  JsonValue& Set(std::string key, JsonValue member);

  // indent 0: one line; otherwise nested values on their own lines.
  std::string Dump(int indent = 2) const;

  // Strict RFC 8259 (no comments, no trailing commas); nullopt if invalid.
  static std::optional<JsonValue> Parse(std::string_view text);

 private:
  void DumpTo(std::string& out, int indent, int depth) const;

  std::variant<std::monostate, bool, int64_t, double, std::string, Array, Object> value_;
};

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

}  // namespace runexp::cli
