#include "json_value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "number_text.h"
#include "utf8.h"

namespace runexp::cli {

namespace {

void AppendIndent(std::string& out, int indent, int depth) {
  out += '\n';
  out.append(static_cast<size_t>(indent) * static_cast<size_t>(depth), ' ');
}

// A recursive-descent parser over one string; depth-limited so hostile input
// cannot exhaust the stack.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<JsonValue> Document() {
    std::optional<JsonValue> value = Value(0);
    SkipSpace();
    if (!value || pos_ != text_.size()) return std::nullopt;
    return value;
  }

 private:
  static constexpr int kMaxDepth = 256;

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::optional<JsonValue> Value(int depth) {
    if (depth > kMaxDepth) return std::nullopt;
    SkipSpace();
    if (pos_ >= text_.size()) return std::nullopt;
    char c = text_[pos_];
    if (c == '{') return ObjectValue(depth);
    if (c == '[') return ArrayValue(depth);
    if (c == '"') {
      std::optional<std::string> s = String();
      if (!s) return std::nullopt;
      return JsonValue(std::move(*s));
    }
    if (Consume("true")) return JsonValue(true);
    if (Consume("false")) return JsonValue(false);
    if (Consume("null")) return JsonValue();
    return Number();
  }

  std::optional<JsonValue> ObjectValue(int depth) {
    ++pos_;  // {
    JsonValue object = JsonValue::EmptyObject();
    SkipSpace();
    if (Consume("}")) return object;
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return std::nullopt;
      std::optional<std::string> key = String();
      if (!key) return std::nullopt;
      SkipSpace();
      if (!Consume(":")) return std::nullopt;
      std::optional<JsonValue> member = Value(depth + 1);
      if (!member) return std::nullopt;
      object.Set(std::move(*key), std::move(*member));
      SkipSpace();
      if (Consume("}")) return object;
      if (!Consume(",")) return std::nullopt;
    }
  }

  std::optional<JsonValue> ArrayValue(int depth) {
    ++pos_;  // [
    JsonValue array = JsonValue::EmptyArray();
    SkipSpace();
    if (Consume("]")) return array;
    for (;;) {
      std::optional<JsonValue> element = Value(depth + 1);
      if (!element) return std::nullopt;
      array.Append(std::move(*element));
      SkipSpace();
      if (Consume("]")) return array;
      if (!Consume(",")) return std::nullopt;
    }
  }

  std::optional<uint32_t> Hex4() {
    if (pos_ + 4 > text_.size()) return std::nullopt;
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9') code |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') code |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') code |= static_cast<uint32_t>(h - 'A' + 10);
      else return std::nullopt;
    }
    return code;
  }

  static void AppendUtf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xc0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xe0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (code & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (code & 0x3f));
    }
  }

  std::optional<std::string> String() {
    ++pos_;  // "
    std::string out;
    while (pos_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return std::nullopt;
      if (c != '\\') {
        size_t length = DecodeUtf8(text_, pos_).length;
        if (length == 0) return std::nullopt;
        out.append(text_.substr(pos_, length));
        pos_ += length;
        continue;
      }
      if (++pos_ >= text_.size()) return std::nullopt;
      char escape = text_[pos_++];
      switch (escape) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::optional<uint32_t> code = Hex4();
          if (!code) return std::nullopt;
          if (*code >= 0xd800 && *code <= 0xdbff) {  // a surrogate pair
            if (!Consume("\\u")) return std::nullopt;
            std::optional<uint32_t> low = Hex4();
            if (!low || *low < 0xdc00 || *low > 0xdfff) return std::nullopt;
            *code = 0x10000 + ((*code - 0xd800) << 10) + (*low - 0xdc00);
          } else if (*code >= 0xdc00 && *code <= 0xdfff) {
            return std::nullopt;
          }
          AppendUtf8(out, *code);
          break;
        }
        default: return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::optional<JsonValue> Number() {
    size_t start = pos_;
    auto digits = [&] {
      size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    Consume("-");
    if (Consume("0")) {
      // no leading zeros
    } else if (!digits()) {
      return std::nullopt;
    }
    bool integral = true;
    if (Consume(".")) {
      integral = false;
      if (!digits()) return std::nullopt;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (!Consume("+")) Consume("-");
      if (!digits()) return std::nullopt;
    }
    std::string number(text_.substr(start, pos_ - start));
    if (integral) {
      int64_t value = 0;
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (ec == std::errc() && end == number.data() + number.size()) return JsonValue(value);
    }
    return JsonValue(std::strtod(number.c_str(), nullptr));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out += buffer;
      ++i;
      continue;
    }
    size_t length = DecodeUtf8(text, i).length;
    if (length == 0) {
      out += "\\ufffd";  // not UTF-8: JSON text must be
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out + "\"";
}

JsonValue& JsonValue::Append(JsonValue element) {
  if (is_null()) value_ = Array{};
  std::get<Array>(value_).push_back(std::move(element));
  return *this;
}

JsonValue& JsonValue::Set(std::string key, JsonValue member) {
  if (is_null()) value_ = Object{};
  Object& object = std::get<Object>(value_);
  for (auto& [existing, value] : object) {
    if (existing == key) {
      value = std::move(member);
      return *this;
    }
  }
  object.emplace_back(std::move(key), std::move(member));
  return *this;
}

std::optional<int64_t> JsonValue::AsInt() const {
  if (const int64_t* i = std::get_if<int64_t>(&value_)) return *i;
  return std::nullopt;
}

std::optional<double> JsonValue::AsNumber() const {
  if (const int64_t* i = std::get_if<int64_t>(&value_)) return static_cast<double>(*i);
  if (const double* d = std::get_if<double>(&value_)) return *d;
  return std::nullopt;
}

std::optional<bool> JsonValue::AsBool() const {
  if (const bool* b = std::get_if<bool>(&value_)) return *b;
  return std::nullopt;
}

const JsonValue* JsonValue::Get(std::string_view key) const {
  const Object* object = AsObject();
  if (object == nullptr) return nullptr;
  for (const auto& [name, value] : *object) {
    if (name == key) return &value;
  }
  return nullptr;
}

std::string JsonValue::Dump(int indent) const {
  std::string out;
  DumpTo(out, indent, 0);
  return out;
}

void JsonValue::DumpTo(std::string& out, int indent, int depth) const {
  if (std::holds_alternative<std::monostate>(value_)) {
    out += "null";
  } else if (const bool* b = std::get_if<bool>(&value_)) {
    out += *b ? "true" : "false";
  } else if (const int64_t* i = std::get_if<int64_t>(&value_)) {
    out += std::to_string(*i);
  } else if (const double* d = std::get_if<double>(&value_)) {
    if (!std::isfinite(*d)) {
      out += "null";
    } else {
      std::string number = ShortestText(*d);
      // "1e+20" and "3" are valid JSON numbers; keep a double recognisable.
      if (number.find_first_of(".eE") == std::string::npos) number += ".0";
      out += number;
    }
  } else if (const std::string* s = std::get_if<std::string>(&value_)) {
    out += JsonQuote(*s);
  } else if (const Array* array = std::get_if<Array>(&value_)) {
    if (array->empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (size_t k = 0; k < array->size(); ++k) {
      if (k) out += ',';
      if (indent) AppendIndent(out, indent, depth + 1);
      (*array)[k].DumpTo(out, indent, depth + 1);
    }
    if (indent) AppendIndent(out, indent, depth);
    out += ']';
  } else {
    const Object& object = std::get<Object>(value_);
    if (object.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    for (size_t k = 0; k < object.size(); ++k) {
      if (k) out += ',';
      if (indent) AppendIndent(out, indent, depth + 1);
      out += JsonQuote(object[k].first);
      out += indent ? ": " : ":";
      object[k].second.DumpTo(out, indent, depth + 1);
    }
    if (indent) AppendIndent(out, indent, depth);
    out += '}';
  }
}

std::optional<JsonValue> JsonValue::Parse(std::string_view text) { return Parser(text).Document(); }

}  // namespace runexp::cli
