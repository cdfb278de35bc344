// Document: an experiment file (or a --set value) as a tree of values that
// remember where they were written.
//
// The loader parses TOML once (document_parse.cc) and then works only on this
// tree: overrides edit it, validation walks it, and every error points at a
// node's or a key's Origin. Keeping toml++ behind this one conversion confines
// it to two translation units. Plain values; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runexp/param_value.h"

namespace runexp::config {

// Where a value or key came from: a file position (line and column from 1),
// or a command-line override (line 0, `file` holds "--set KEY=VALUE").
struct Origin {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Entry;

class Node {
 public:
  enum class Kind { kInteger, kFloat, kBoolean, kString, kDateTime, kArray, kTable };

  Kind kind = Kind::kTable;
  Origin origin;
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  std::string text;            // a string, or a date/time as written
  std::string_view date_kind;  // "date", "time" or "date-time" when kind is kDateTime
  std::vector<Node> items;     // kArray
  std::vector<Entry> entries;  // kTable, sorted by key

  bool is_table() const { return kind == Kind::kTable; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_string() const { return kind == Kind::kString; }

  // Table members (nullptr when absent or when this is not a table).
  const Entry* Find(std::string_view key) const;
  Entry* Find(std::string_view key);
  // Inserts or replaces a member, keeping entries sorted.
  Entry& Set(std::string key, Origin key_origin, Node value);
  std::vector<std::string> Keys() const;

  // "integer", "float", "boolean", "string", "date-time", "array", "table".
  std::string_view TypeName() const;
  // A scalar as TOML writes it: 5, 2.5, true, "relu" ("" for arrays and tables).
  std::string Literal() const;
  // For messages: the type and, for a scalar, its (shortened) literal: float 2.5.
  std::string Describe() const;
};

struct Entry {
  std::string key;
  Origin key_origin;
  Node value;
};

// True for a TOML bare key: letters, digits, '_' and '-' only (not empty).
// Stage ids must be bare keys; the canonical TOML quotes any other key.
bool IsBareKey(std::string_view key);
bool IsBareKeyCharacter(char c);

// A ParamValue (a plugin's default) as a Node, every part placed at `origin`.
Node NodeFromParamValue(const ParamValue& value, const Origin& origin);

}  // namespace runexp::config
