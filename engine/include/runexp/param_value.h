// ParamValue: a stage parameter as the engine hands it to a plugin — a
// scalar, an array or a table, already validated against the plugin's
// ParamSpecs and with defaults filled in.
//
// Tables keep their keys sorted, so ToToml() is a canonical form (used for
// the config hash). A plain value type; safe to read from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace runexp {

class ParamValue {
 public:
  using Array = std::vector<ParamValue>;
  using Table = std::map<std::string, ParamValue, std::less<>>;

  ParamValue() = default;  // an empty table
  ParamValue(int64_t v) : value_(v) {}              // NOLINT: implicit by design
  ParamValue(int v) : value_(int64_t{v}) {}         // NOLINT
  ParamValue(double v) : value_(v) {}               // NOLINT
  ParamValue(bool v) : value_(v) {}                 // NOLINT
  ParamValue(std::string v) : value_(std::move(v)) {}  // NOLINT
  ParamValue(const char* v) : value_(std::string(v)) {}  // NOLINT
  ParamValue(Array v) : value_(std::move(v)) {}     // NOLINT
  ParamValue(Table v) : value_(std::move(v)) {}     // NOLINT

  bool is_integer() const { return std::holds_alternative<int64_t>(value_); }
  bool is_float() const { return std::holds_alternative<double>(value_); }
  bool is_number() const { return is_integer() || is_float(); }
  bool is_boolean() const { return std::holds_alternative<bool>(value_); }
  bool is_string() const { return std::holds_alternative<std::string>(value_); }
  bool is_array() const { return std::holds_alternative<Array>(value_); }
  bool is_table() const { return std::holds_alternative<Table>(value_); }

  // Typed reads. Asking for the wrong type is a programming error (the
  // engine validated every value against the plugin's declaration).
  int64_t as_integer() const { return std::get<int64_t>(value_); }
  double as_number() const { return is_integer() ? static_cast<double>(as_integer()) : std::get<double>(value_); }
  bool as_boolean() const { return std::get<bool>(value_); }
  const std::string& as_string() const { return std::get<std::string>(value_); }
  const Array& as_array() const { return std::get<Array>(value_); }
  const Table& as_table() const { return std::get<Table>(value_); }
  Array& as_array() { return std::get<Array>(value_); }
  Table& as_table() { return std::get<Table>(value_); }

  // Member of a table, or nullptr.
  const ParamValue* Find(std::string_view key) const;
  // Member of a table that the plugin declared (so it exists after validation).
  const ParamValue& operator[](std::string_view key) const;

  // A TOML literal: 5, 0.001, true, "relu", [1, 2], { name = "rmsprop", rho = 0.9 }.
  // Floats print with enough digits to round-trip exactly.
  std::string ToToml() const;
  // "integer", "float", "boolean", "string", "array", "table".
  std::string_view TypeName() const;

  bool operator==(const ParamValue& other) const = default;

 private:
  std::variant<Table, int64_t, double, bool, std::string, Array> value_;
};

}  // namespace runexp
