#include "sweep/node_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace runexp::sweep {

namespace {

using config::Node;

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::string NodeText(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < node.items.size(); ++i) out += (i ? ", " : "") + NodeText(node.items[i]);
      return out + "]";
    }
    case Node::Kind::kTable: {
      std::string out = "{";
      for (size_t i = 0; i < node.entries.size(); ++i) {
        const std::string& key = node.entries[i].key;
        out += std::string(i ? ", " : " ") + (config::IsBareKey(key) ? key : ParamValue(key).ToToml()) + " = " +
               NodeText(node.entries[i].value);
      }
      return out + (node.entries.empty() ? "}" : " }");
    }
    default:
      return node.Literal();
  }
}

std::string NodeJson(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kInteger:
      return std::to_string(node.integer);
    case Node::Kind::kFloat: {
      if (!std::isfinite(node.number)) return JsonString(node.Literal());  // JSON has no inf/nan
      char text[32];
      auto end = std::to_chars(text, text + sizeof text, node.number).ptr;  // shortest exact form
      return std::string(text, end);
    }
    case Node::Kind::kBoolean:
      return node.boolean ? "true" : "false";
    case Node::Kind::kString:
    case Node::Kind::kDateTime:
      return JsonString(node.text);
    case Node::Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < node.items.size(); ++i) out += (i ? ", " : "") + NodeJson(node.items[i]);
      return out + "]";
    }
    case Node::Kind::kTable: {
      std::string out = "{";
      for (size_t i = 0; i < node.entries.size(); ++i) {
        out += (i ? ", " : "") + JsonString(node.entries[i].key) + ": " + NodeJson(node.entries[i].value);
      }
      return out + "}";
    }
  }
  return "null";
}

std::string AssignmentsJson(const std::vector<config::Assignment>& assignments) {
  std::string out = "{";
  for (size_t i = 0; i < assignments.size(); ++i) {
    out += (i ? ", " : "") + JsonString(assignments[i].key) + ": " + NodeJson(assignments[i].value);
  }
  return out + "}";
}

std::string AssignmentsText(const std::vector<config::Assignment>& assignments) {
  std::string out;
  for (size_t i = 0; i < assignments.size(); ++i) {
    out += (i ? " " : "") + assignments[i].key + "=" + NodeText(assignments[i].value);
  }
  return out;
}

}  // namespace runexp::sweep
