#include "output_format.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include "number_text.h"
#include "utf8.h"

namespace runexp::cli {

namespace {

constexpr std::string_view kEllipsis = "\u2026";
constexpr size_t kColumnGap = 2;
constexpr size_t kMinElidedWidth = 5;  // "abcd…": still tells rows apart

bool IsWide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
         (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
         (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
         (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
         (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
         (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
         (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd);
}

bool IsZeroWidth(uint32_t c) {
  return (c >= 0x0300 && c <= 0x036f) || (c >= 0x200b && c <= 0x200f) ||
         (c >= 0xfe00 && c <= 0xfe0f);
}

// Code points a terminal would act on rather than print: they could break a
// row over two lines or reorder what follows (bidirectional overrides).
bool MustEscape(uint32_t c) {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

size_t CodePointWidth(uint32_t c) {
  if (IsZeroWidth(c)) return 0;
  return IsWide(c) ? 2 : 1;
}

std::string CsvField(const Cell& cell) {
  std::string text;
  if (const std::string* s = std::get_if<std::string>(&cell.value)) text = *s;
  else if (const int64_t* i = std::get_if<int64_t>(&cell.value)) text = std::to_string(*i);
  else if (const double* d = std::get_if<double>(&cell.value)) text = std::isfinite(*d) ? ShortestText(*d) : "";
  else if (const bool* b = std::get_if<bool>(&cell.value)) text = *b ? "true" : "false";
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string CsvHeader(const std::string& key) { return CsvField(Cell::Text(key)); }

std::string Pad(const std::string& text, size_t width, Align align) {
  size_t shown = DisplayWidth(text);
  std::string padding(width > shown ? width - shown : 0, ' ');
  return align == Align::kRight ? padding + text : text + padding;
}

// Widths that fit max_width: the elidable columns are lowered to a common
// level (never below kMinElidedWidth, nor above their natural width), the
// highest level that fits. Returns false if even the minimum does not fit.
bool FitWidths(std::vector<size_t>& widths, const std::vector<bool>& elidable, size_t max_width) {
  auto total_at = [&](size_t level) {
    size_t total = kColumnGap * (widths.size() - 1);
    for (size_t c = 0; c < widths.size(); ++c) {
      size_t floor = std::min(widths[c], kMinElidedWidth);
      total += elidable[c] ? std::min(widths[c], std::max(level, floor)) : widths[c];
    }
    return total;
  };
  size_t widest = *std::max_element(widths.begin(), widths.end());
  if (total_at(widest) <= max_width) return true;
  size_t low = 0, high = widest;  // total_at(high) > max_width
  while (low + 1 < high) {
    size_t mid = low + (high - low) / 2;
    (total_at(mid) <= max_width ? low : high) = mid;
  }
  bool fits = total_at(low) <= max_width;
  for (size_t c = 0; c < widths.size(); ++c) {
    if (elidable[c]) widths[c] = std::min(widths[c], std::max(low, std::min(widths[c], kMinElidedWidth)));
  }
  return fits;
}

std::string TrimRight(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace

std::string NonNegative(const std::string& text) {
  return text.starts_with("-") ? "must be 0 or more, not " + text : std::string();
}

CLI::Option* AddFormatOption(CLI::App* app, OutputFormat& format) {
  static const std::map<std::string, OutputFormat> kNames = {
      {"table", OutputFormat::kTable}, {"csv", OutputFormat::kCsv}, {"json", OutputFormat::kJson}};
  return app->add_option("--format", format, "Output: table (default), csv or json")
      ->transform(CLI::CheckedTransformer(kNames, CLI::ignore_case))
      ->option_text("table|csv|json");
}

std::optional<size_t> TerminalWidth() {
  if (isatty(STDOUT_FILENO)) {
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    size_t width = 0;
    std::string_view text(columns);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), width);
    if (ec == std::errc() && end == text.data() + text.size() && width > 0) return width;
  }
  return std::nullopt;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    CodePoint cp = DecodeUtf8(text, i);
    if (cp.length == 0) {
      ++width;
      ++i;
    } else {
      width += CodePointWidth(cp.value);
      i += cp.length;
    }
  }
  return width;
}

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buffer[16];
  for (size_t i = 0; i < text.size();) {
    CodePoint cp = DecodeUtf8(text, i);
    if (cp.length == 0) {
      std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(text[i]));
      out += buffer;
      ++i;
      continue;
    }
    if (!MustEscape(cp.value)) {
      out.append(text.substr(i, cp.length));
    } else if (cp.value == '\n') {
      out += "\\n";
    } else if (cp.value == '\r') {
      out += "\\r";
    } else if (cp.value == '\t') {
      out += "\\t";
    } else if (cp.value < 0x80) {
      std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(cp.value));
      out += buffer;
    } else {
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(cp.value));
      out += buffer;
    }
    i += cp.length;
  }
  return out;
}

std::string Elide(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < text.size();) {
    CodePoint cp = DecodeUtf8(text, i);
    size_t length = cp.length ? cp.length : 1;
    size_t w = cp.length ? CodePointWidth(cp.value) : 1;
    if (used + w > width - 1) break;
    out.append(text.substr(i, length));
    used += w;
    i += length;
  }
  return out + std::string(kEllipsis);
}

Cell Cell::Int(std::optional<int64_t> value) {
  if (!value) return Null();
  return {*value, std::to_string(*value)};
}

Cell Cell::Real(std::optional<double> value, int decimals) {
  if (!value || !std::isfinite(*value)) return Null();
  return {*value, FixedText(value, decimals)};
}

Cell Cell::Duration(std::optional<double> seconds) {
  if (!seconds || !std::isfinite(*seconds)) return Null();
  char buffer[48];
  double s = std::max(0.0, *seconds);
  if (s < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", s);
  } else if (s < 3600) {
    auto whole = static_cast<int64_t>(s);
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(whole / 60),
                  static_cast<long long>(whole % 60));
  } else {
    auto minutes = static_cast<int64_t>(s / 60);
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", static_cast<long long>(minutes / 60),
                  static_cast<long long>(minutes % 60));
  }
  return {*seconds, buffer};
}

Cell Cell::Time(const std::optional<std::string>& iso) {
  if (!iso) return Null();
  // "2026-11-30T00:35:01.123Z" -> "2026-11-30 00:35:01"; anything else as is.
  std::string shown = *iso;
  if (shown.size() == 24 && shown[10] == 'T' && shown.back() == 'Z') {
    shown = shown.substr(0, 10) + " " + shown.substr(11, 8);
  }
  return {*iso, shown};
}

Cell Cell::Bool(std::optional<bool> value) {
  if (!value) return Null();
  return {*value, *value ? "yes" : "no"};
}

std::string FixedText(std::optional<double> value, int decimals) {
  if (!value || !std::isfinite(*value)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, *value);
  return buffer;
}

std::string RenderTable(const Table& table, std::optional<size_t> max_width,
                        std::vector<std::string>* hidden) {
  std::vector<size_t> shown;  // indexes of the columns the table shows
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].in_table) shown.push_back(c);
  }
  if (shown.empty()) return "";
  // Escaped text of every cell, header first, indexed by column.
  std::vector<std::vector<std::string>> cells(table.columns.size());
  std::vector<size_t> natural(table.columns.size(), 0);
  for (size_t c : shown) {
    cells[c].push_back(EscapeForTerminal(table.columns[c].header));
    for (const std::vector<Cell>& row : table.rows) {
      cells[c].push_back(c < row.size() ? EscapeForTerminal(row[c].text) : "");
    }
    for (const std::string& text : cells[c]) natural[c] = std::max(natural[c], DisplayWidth(text));
  }

  std::vector<size_t> widths;
  bool fits = true;
  for (;;) {
    widths.clear();
    std::vector<bool> elidable;
    for (size_t c : shown) {
      widths.push_back(natural[c]);
      elidable.push_back(table.columns[c].elidable);
    }
    fits = !max_width || FitWidths(widths, elidable, *max_width);
    if (fits) break;
    auto victim = std::max_element(shown.begin(), shown.end(), [&](size_t a, size_t b) {
      return table.columns[a].hide_priority < table.columns[b].hide_priority;
    });
    if (table.columns[*victim].hide_priority <= 0 || shown.size() == 1) break;
    if (hidden) hidden->push_back(table.columns[*victim].header);
    shown.erase(victim);
  }

  std::string out;
  for (size_t line = 0; line <= table.rows.size(); ++line) {
    std::string text;
    for (size_t k = 0; k < shown.size(); ++k) {
      if (k) text.append(kColumnGap, ' ');
      const Column& column = table.columns[shown[k]];
      text += Pad(Elide(cells[shown[k]][line], widths[k]), widths[k], column.align);
    }
    text = TrimRight(std::move(text));
    // Still too wide (too many columns that may not be cut or hidden): cut
    // the line rather than let it wrap into the next row.
    if (!fits) text = Elide(text, *max_width);
    out += text + "\n";
  }
  return out;
}

std::string RenderCsv(const Table& table) {
  std::string out;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    out += (c ? "," : "") + CsvHeader(table.columns[c].key);
  }
  out += "\r\n";
  for (const std::vector<Cell>& row : table.rows) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c) out += ',';
      if (c < row.size()) out += CsvField(row[c]);
    }
    out += "\r\n";
  }
  return out;
}

JsonValue CellToJson(const Cell& cell) {
  if (const std::string* s = std::get_if<std::string>(&cell.value)) return JsonValue(*s);
  if (const int64_t* i = std::get_if<int64_t>(&cell.value)) return JsonValue(*i);
  if (const double* d = std::get_if<double>(&cell.value)) return JsonValue(*d);
  if (const bool* b = std::get_if<bool>(&cell.value)) return JsonValue(*b);
  return JsonValue();
}

JsonValue TableToJson(const Table& table) {
  JsonValue array = JsonValue::EmptyArray();
  for (const std::vector<Cell>& row : table.rows) {
    JsonValue object = JsonValue::EmptyObject();
    for (size_t c = 0; c < table.columns.size(); ++c) {
      object.Set(table.columns[c].key, c < row.size() ? CellToJson(row[c]) : JsonValue());
    }
    array.Append(std::move(object));
  }
  return array;
}

std::string Render(const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::kCsv: return RenderCsv(table);
    case OutputFormat::kJson: return TableToJson(table).Dump() + "\n";
    case OutputFormat::kTable: break;
  }
  std::optional<size_t> width = TerminalWidth();
  std::vector<std::string> hidden;
  std::string text = RenderTable(table, width, &hidden);
  if (!hidden.empty()) std::cerr << HiddenColumnsNote(hidden, width) << "\n";
  return text;
}

std::string HiddenColumnsNote(const std::vector<std::string>& hidden, std::optional<size_t> width) {
  std::string note = "(hidden to fit " + (width ? std::to_string(*width) : std::string("the")) + " columns:";
  for (size_t i = 0; i < hidden.size(); ++i) note += (i ? ", " : " ") + hidden[i];
  return note + "; --format csv or json shows every column)";
}

}  // namespace runexp::cli
