// The only place (with toml_impl.cc) that sees toml++: parse, convert the
// tree, and turn both kinds of failure into one clean located error.
#include "config/document_parse.h"

#include <sstream>
#include <utility>

#include "config/toml.h"

namespace runexp::config {

namespace {

// Locating a precondition failure re-parses one prefix per line, so its cost
// grows with lines x size; beyond this size (experiment files are a few KiB)
// the error is reported at 1:1 and says it was not located.
constexpr size_t kMaxLocatedBytes = 64 * 1024;

Origin OriginOf(const toml::source_region& region, const std::string& file, bool positioned) {
  if (!positioned) return Origin{file, 0, 0};
  return Origin{file, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

Node Convert(const toml::node& in, const std::string& file, bool positioned) {
  Node out;
  out.origin = OriginOf(in.source(), file, positioned);
  auto stream_text = [](const auto& value) {
    std::ostringstream text;
    text << value;
    return text.str();
  };
  switch (in.type()) {
    case toml::node_type::integer:
      out.kind = Node::Kind::kInteger;
      out.integer = in.as_integer()->get();
      break;
    case toml::node_type::floating_point:
      out.kind = Node::Kind::kFloat;
      out.number = in.as_floating_point()->get();
      break;
    case toml::node_type::boolean:
      out.kind = Node::Kind::kBoolean;
      out.boolean = in.as_boolean()->get();
      break;
    case toml::node_type::string:
      out.kind = Node::Kind::kString;
      out.text = in.as_string()->get();
      break;
    case toml::node_type::date:
      out.kind = Node::Kind::kDateTime;
      out.date_kind = "date";
      out.text = stream_text(in.as_date()->get());
      break;
    case toml::node_type::time:
      out.kind = Node::Kind::kDateTime;
      out.date_kind = "time";
      out.text = stream_text(in.as_time()->get());
      break;
    case toml::node_type::date_time:
      out.kind = Node::Kind::kDateTime;
      out.date_kind = "date-time";
      out.text = stream_text(in.as_date_time()->get());
      break;
    case toml::node_type::array:
      out.kind = Node::Kind::kArray;
      for (const toml::node& item : *in.as_array()) {
        out.items.push_back(Convert(item, file, positioned));
      }
      break;
    case toml::node_type::table:
    case toml::node_type::none:
      out.kind = Node::Kind::kTable;
      if (const toml::table* table = in.as_table()) {
        for (const auto& [key, value] : *table) {
          out.Set(std::string(key.str()), OriginOf(key.source(), file, positioned),
                  Convert(value, file, positioned));
        }
      }
      break;
  }
  return out;
}

enum class Outcome { kParsed, kParseError, kPrecondition };

Outcome TryParse(std::string_view text) {
  try {
    (void)toml::parse(text, std::string_view("prefix"));
    return Outcome::kParsed;
  } catch (const toml::parse_error&) {
    return Outcome::kParseError;
  } catch (const TomlPreconditionError&) {
    return Outcome::kPrecondition;
  }
}

// toml++ cannot say where its precondition failed, so find the shortest
// prefix of the text that still trips it: first by whole lines, then by
// characters within that line. The prefix ending there is where the parser
// went wrong.
std::optional<Origin> LocatePrecondition(std::string_view text, const std::string& file) {
  if (text.size() > kMaxLocatedBytes) return std::nullopt;
  size_t line_start = 0;
  int line = 1;
  for (;;) {
    size_t newline = text.find('\n', line_start);
    size_t line_end = newline == std::string_view::npos ? text.size() : newline + 1;
    if (line_end == text.size() || TryParse(text.substr(0, line_end)) == Outcome::kPrecondition) {
      break;
    }
    line_start = line_end;
    ++line;
  }
  int column = 0;
  for (size_t end = line_start; end < text.size() && text[end] != '\n'; ++end) {
    auto byte = static_cast<unsigned char>(text[end]);
    if ((byte & 0xC0) == 0x80) continue;  // inside a UTF-8 sequence: not a character boundary
    ++column;
    size_t next = end + 1;
    while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
    if (TryParse(text.substr(0, next)) == Outcome::kPrecondition) return Origin{file, line, column};
  }
  return Origin{file, line, column + 1};  // only the line's end completes the failure
}

std::string PreconditionMessage(std::string_view what) {
  if (what.find("is_bare_key_character") != std::string_view::npos) {
    return "invalid TOML: expected a key (bare or quoted) here";
  }
  return "invalid TOML: the parser cannot read this (" + std::string(what) + ")";
}

// toml++ says "Error while parsing table header: expected ']'": split that
// into the construct ("table header") and the detail ("expected ']'").
std::pair<std::string_view, std::string_view> SplitDescription(std::string_view description) {
  constexpr std::string_view kPrefix = "Error while parsing ";
  if (description.substr(0, kPrefix.size()) == kPrefix) {
    std::string_view rest = description.substr(kPrefix.size());
    if (size_t colon = rest.find(": "); colon != std::string_view::npos) {
      return {rest.substr(0, colon), rest.substr(colon + 2)};
    }
  }
  return {{}, description};
}

// "invalid TOML (table header): expected ']'"
std::string ParseErrorMessage(std::string_view description) {
  auto [construct, detail] = SplitDescription(description);
  std::string message =
      construct.empty() ? "invalid TOML: " + std::string(detail)
                        : "invalid TOML (" + std::string(construct) + "): " + std::string(detail);
  // A stage defined twice: say it in the DSL's words.
  constexpr std::string_view kRedefined = "cannot redefine existing table 'stages.";
  if (size_t at = description.find(kRedefined); at != std::string_view::npos) {
    std::string_view id = description.substr(at + kRedefined.size());
    id = id.substr(0, id.find('\''));
    if (!id.empty() && id.find('.') == std::string_view::npos) {
      message += "; stage '" + std::string(id) + "' is defined twice (stage ids must be unique)";
    }
  }
  return message;
}

// 'text' (built by appending: g++ 12 warns falsely on "'" + std::string).
std::string Quoted(std::string_view text) {
  std::string out(1, '\'');
  out.append(text);
  out.push_back('\'');
  return out;
}

int AtLeastOne(toml::source_index value) { return value == 0 ? 1 : static_cast<int>(value); }

}  // namespace

ParsedDocument ParseDocument(std::string_view text, const std::string& file) {
  ParsedDocument parsed;
  try {
    toml::table table = toml::parse(text, std::string_view(file));
    parsed.root = Convert(table, file, true);
    parsed.root.origin = Origin{file, 1, 1};
  } catch (const toml::parse_error& error) {
    const toml::source_position& at = error.source().begin;
    parsed.error = ConfigError{file, AtLeastOne(at.line), AtLeastOne(at.column),
                               ParseErrorMessage(error.description())};
  } catch (const TomlPreconditionError& error) {
    std::optional<Origin> at = LocatePrecondition(text, file);
    std::string message = PreconditionMessage(error.what());
    if (!at) message += " (somewhere in this file: it is too large to locate the error)";
    parsed.error = ConfigError{file, at ? at->line : 1, at ? at->column : 1, std::move(message)};
  }
  return parsed;
}

ParsedValue ParseTomlValue(std::string_view literal, const std::string& label) {
  ParsedValue parsed;
  if (literal.find_first_not_of(" \t") == std::string_view::npos) {
    parsed.error = "missing value after '='";
    return parsed;
  }
  std::string document = "v = " + std::string(literal) + "\n";
  try {
    toml::table table = toml::parse(document, std::string_view(label));
    const toml::node* value = table.get("v");
    if (value == nullptr || table.size() != 1) {
      parsed.error = Quoted(literal) + " is not a single TOML value";
    } else {
      parsed.value = Convert(*value, label, false);
    }
  } catch (const toml::parse_error& error) {
    parsed.error = Quoted(literal) + " is not a TOML value: " +
                   std::string(SplitDescription(error.description()).second);
  } catch (const TomlPreconditionError&) {
    parsed.error = Quoted(literal) + " is not a TOML value";
  }
  if (parsed.error) {
    bool bare_word = literal.find_first_of("\"'[]{}=\n") == std::string_view::npos;
    if (bare_word)
      *parsed.error += "; strings need quotes, e.g. '\"" + std::string(literal) + "\"'";
  }
  return parsed;
}

}  // namespace runexp::config
