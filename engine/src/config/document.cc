#include "config/document.h"

#include <algorithm>

namespace runexp::config {

namespace {

auto LowerBound(std::vector<Entry>& entries, std::string_view key) {
  return std::lower_bound(entries.begin(), entries.end(), key,
                          [](const Entry& e, std::string_view k) { return e.key < k; });
}

}  // namespace

const Entry* Node::Find(std::string_view key) const { return const_cast<Node*>(this)->Find(key); }

Entry* Node::Find(std::string_view key) {
  if (!is_table()) return nullptr;
  auto it = LowerBound(entries, key);
  return it != entries.end() && it->key == key ? &*it : nullptr;
}

Entry& Node::Set(std::string key, Origin key_origin, Node value) {
  auto it = LowerBound(entries, key);
  if (it != entries.end() && it->key == key) {
    it->key_origin = std::move(key_origin);
    it->value = std::move(value);
    return *it;
  }
  return *entries.insert(it, Entry{std::move(key), std::move(key_origin), std::move(value)});
}

std::vector<std::string> Node::Keys() const {
  std::vector<std::string> keys;
  for (const Entry& entry : entries) keys.push_back(entry.key);
  return keys;
}

std::string_view Node::TypeName() const {
  switch (kind) {
    case Kind::kInteger: return "integer";
    case Kind::kFloat: return "float";
    case Kind::kBoolean: return "boolean";
    case Kind::kString: return "string";
    case Kind::kDateTime: return date_kind.empty() ? "date-time" : date_kind;
    case Kind::kArray: return "array";
    case Kind::kTable: return "table";
  }
  return "value";
}

std::string Node::Literal() const {
  switch (kind) {
    case Kind::kInteger: return ParamValue(integer).ToToml();
    case Kind::kFloat: return ParamValue(number).ToToml();
    case Kind::kBoolean: return boolean ? "true" : "false";
    case Kind::kString: return ParamValue(text).ToToml();
    case Kind::kDateTime: return text;
    case Kind::kArray:
    case Kind::kTable: break;
  }
  return "";
}

std::string Node::Describe() const {
  constexpr size_t kMaxShown = 40;
  std::string literal = Literal();
  if (literal.empty()) return std::string(TypeName());
  if (literal.size() > kMaxShown) literal = literal.substr(0, kMaxShown - 3) + "...";
  return std::string(TypeName()) + " " + literal;
}

bool IsBareKeyCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsBareKey(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), IsBareKeyCharacter);
}

Node NodeFromParamValue(const ParamValue& value, const Origin& origin) {
  Node node;
  node.origin = origin;
  if (value.is_integer()) {
    node.kind = Node::Kind::kInteger;
    node.integer = value.as_integer();
  } else if (value.is_float()) {
    node.kind = Node::Kind::kFloat;
    node.number = value.as_number();
  } else if (value.is_boolean()) {
    node.kind = Node::Kind::kBoolean;
    node.boolean = value.as_boolean();
  } else if (value.is_string()) {
    node.kind = Node::Kind::kString;
    node.text = value.as_string();
  } else if (value.is_array()) {
    node.kind = Node::Kind::kArray;
    for (const ParamValue& item : value.as_array()) {
      node.items.push_back(NodeFromParamValue(item, origin));
    }
  } else {
    node.kind = Node::Kind::kTable;
    for (const auto& [key, member] : value.as_table()) {
      node.entries.push_back(Entry{key, origin, NodeFromParamValue(member, origin)});
    }
  }
  return node;
}

}  // namespace runexp::config
