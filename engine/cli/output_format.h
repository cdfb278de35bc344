// How the store commands print what they list: one Table (columns + rows of
// typed cells) rendered three ways, chosen by --format:
//
//   table  for people: aligned columns, one line per row whatever the data
//          holds (control characters are shown escaped), and no wider than
//          the terminal — the widest elidable columns are cut with "…"
//          rather than letting lines wrap;
//   csv    RFC 4180: a header row of column keys, CRLF line ends, fields
//          with a comma, quote or line break quoted, missing values empty;
//   json   an array of objects keyed by column key; numbers as numbers,
//          missing values null.
//
// A cell keeps its value (for csv/json, at full precision) and the text a
// table shows for it (rounded, a short time, "-" when missing).
//
// Thread-safety: plain values and pure functions, except TerminalWidth(),
// which reads the process's stdout and environment.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "json_value.h"

namespace runexp::cli {

enum class OutputFormat { kTable, kCsv, kJson };

// A CLI11 check for counts and ages: "must be 0 or more" for a negative
// number (CLI::NonNegativeNumber's message quotes DBL_MAX in full).
std::string NonNegative(const std::string& text);

// Adds `--format table|csv|json` (default table) to a command.
CLI::Option* AddFormatOption(CLI::App* app, OutputFormat& format);

// The width tables must fit: the terminal's (ioctl TIOCGWINSZ) when stdout
// is a terminal, else $COLUMNS when it is a positive number, else no limit.
std::optional<size_t> TerminalWidth();

// Columns a string takes on a terminal: UTF-8 code points, East Asian wide
// characters counting two and combining marks none. Invalid bytes count one.
size_t DisplayWidth(std::string_view text);

// `text` on one line: newlines, tabs and other control characters (C0, DEL,
// C1, U+2028/2029) become visible escapes such as \n or \x1b; bytes that are
// not UTF-8 become \xNN.
std::string EscapeForTerminal(std::string_view text);

// The longest start of `text` (already escaped) that fits `width` columns,
// ending in "…" when something was cut.
std::string Elide(std::string_view text, size_t width);

struct Cell {
  using Value = std::variant<std::monostate, std::string, int64_t, double, bool>;
  Value value;       // what csv and json carry
  std::string text;  // what a table shows

  static Cell Null() { return {std::monostate{}, "-"}; }
  static Cell Text(std::string value) {
    std::string shown = value;
    return {std::move(value), std::move(shown)};
  }
  static Cell OptText(const std::optional<std::string>& value) {
    return value ? Text(*value) : Null();
  }
  static Cell Int(std::optional<int64_t> value);
  // Shown with `decimals` digits after the point.
  static Cell Real(std::optional<double> value, int decimals);
  // Seconds, shown as "0.4s", "12.3s", "4m05s", "2h03m".
  static Cell Duration(std::optional<double> seconds);
  // An ISO-8601 timestamp, shown as "2026-11-30 00:35:01".
  static Cell Time(const std::optional<std::string>& iso);
  static Cell Bool(std::optional<bool> value);
};

enum class Align { kLeft, kRight };

struct Column {
  std::string key;     // csv header and json member name
  std::string header;  // table header
  Align align = Align::kLeft;
  // May be cut with "…" when the table is too wide; the widest goes first.
  bool elidable = false;
  bool in_table = true;  // false: csv and json only (extra detail)
  // When eliding is not enough, columns are hidden from a table, highest
  // priority first; 0: never hidden.
  int hide_priority = 0;
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each row has one cell per column
};

// Table text, every line ending in "\n"; no line wider than max_width.
// To fit, the elidable columns are cut (widest first, to no less than a few
// characters), then hideable columns are left out (their headers go to
// *hidden), and as a last resort each line is cut.
std::string RenderTable(const Table& table, std::optional<size_t> max_width,
                        std::vector<std::string>* hidden = nullptr);
std::string RenderCsv(const Table& table);
JsonValue TableToJson(const Table& table);  // an array of objects
JsonValue CellToJson(const Cell& cell);

// The table in the chosen format; tables fit TerminalWidth(), and the
// columns hidden to fit are named on stderr.
std::string Render(const Table& table, OutputFormat format);

// "(hidden to fit 80 columns: duration, train acc; --format csv shows all)"
std::string HiddenColumnsNote(const std::vector<std::string>& hidden, std::optional<size_t> width);

// Numbers shown to people: fixed decimals, "-" when missing.
std::string FixedText(std::optional<double> value, int decimals);

}  // namespace runexp::cli
