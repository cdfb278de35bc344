#include "runexp/param_value.h"
#include "runexp/plugin_spec.h"

#include <cmath>
#include <stdexcept>

#include "number_text.h"

namespace runexp {

namespace {

// Shortest decimal text that reads back as exactly the same double.
std::string FloatToToml(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string text = ShortestText(value);
  // TOML needs a '.' or an exponent to read a float back as a float.
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

std::string QuoteTomlString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          static constexpr char kHex[] = "0123456789ABCDEF";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

bool IsBareKey(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const ParamValue* ParamValue::Find(std::string_view key) const {
  if (!is_table()) return nullptr;
  const Table& table = as_table();
  auto it = table.find(key);
  return it == table.end() ? nullptr : &it->second;
}

const ParamValue& ParamValue::operator[](std::string_view key) const {
  const ParamValue* value = Find(key);
  if (value == nullptr) throw std::out_of_range("no parameter '" + std::string(key) + "'");
  return *value;
}

std::string ParamValue::ToToml() const {
  if (is_integer()) return std::to_string(as_integer());
  if (is_float()) return FloatToToml(std::get<double>(value_));
  if (is_boolean()) return as_boolean() ? "true" : "false";
  if (is_string()) return QuoteTomlString(as_string());
  if (is_array()) {
    std::string out = "[";
    const Array& array = as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (i > 0) out += ", ";
      out += array[i].ToToml();
    }
    return out + "]";
  }
  const Table& table = as_table();
  if (table.empty()) return "{}";
  std::string out = "{ ";
  bool first = true;
  for (const auto& [key, value] : table) {
    if (!first) out += ", ";
    first = false;
    out += (IsBareKey(key) ? key : QuoteTomlString(key)) + " = " + value.ToToml();
  }
  return out + " }";
}

std::string_view ParamValue::TypeName() const {
  if (is_integer()) return "integer";
  if (is_float()) return "float";
  if (is_boolean()) return "boolean";
  if (is_string()) return "string";
  if (is_array()) return "array";
  return "table";
}

std::string_view ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kInteger: return "integer";
    case ParamType::kFloat: return "float";
    case ParamType::kBoolean: return "boolean";
    case ParamType::kString: return "string";
    case ParamType::kPath: return "path";
    case ParamType::kArray: return "array";
    case ParamType::kTable: return "table";
  }
  return "unknown";
}

}  // namespace runexp
