#include "report/html_text.h"

#include <cmath>
#include <cstdio>

#include "utf8.h"

namespace runexp::cli::report {

namespace {
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kMissing = "\xE2\x80\x93";      // U+2013 en dash

// XML 1.0's Char production: what may appear in a document at all.
bool AllowedInXml(uint32_t code) {
  if (code < 0x20) return code == '\t' || code == '\n' || code == '\r';
  // DEL and C1 are legal XML but parse errors in HTML, and never meant as text.
  if (code >= 0x7f && code <= 0x9f) return false;
  return code != 0xfffe && code != 0xffff;
}
}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t at = 0; at < text.size();) {
    CodePoint cp = DecodeUtf8(text, at);
    if (cp.length == 0) {
      out += kReplacement;
      ++at;
      continue;
    }
    switch (cp.value) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (AllowedInXml(cp.value)) out.append(text.substr(at, cp.length));
        else out += kReplacement;
    }
    at += cp.length;
  }
  return out;
}

std::string CodeHtml(std::string_view text) { return "<code>" + EscapeHtml(text) + "</code>"; }

std::string FormatFixed(std::optional<double> value, int decimals) {
  if (!value || !std::isfinite(*value)) return std::string(kMissing);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, *value);
  return buffer;
}

std::string FormatSignificant(std::optional<double> value, int digits) {
  if (!value || !std::isfinite(*value)) return std::string(kMissing);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits, *value);
  return buffer;
}

}  // namespace runexp::cli::report
