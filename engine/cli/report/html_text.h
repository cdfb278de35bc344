// Text for an HTML report: user data (run names, tags, parameter values,
// error messages, configs) escaped so it always shows as text, and numbers
// formatted for people.
//
// The report is polyglot markup — valid both as HTML and as XHTML — so that
// a test can load it with the browser's strict XML parser and see any
// markup mistake. EscapeHtml therefore also replaces what XML 1.0 forbids:
// bytes that are not UTF-8 and control characters other than tab, line
// feed and carriage return become U+FFFD.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runexp::cli::report {

// & < > " ' as character references; safe in text and in quoted attributes.
std::string EscapeHtml(std::string_view text);

// `text`, escaped, as <code>…</code>: run ids, hashes, parameter keys.
std::string CodeHtml(std::string_view text);

// `decimals` digits after the point; "–" (en dash) when missing or not
// finite, so a NaN shows as a gap rather than as "nan".
std::string FormatFixed(std::optional<double> value, int decimals);

// Up to `digits` significant digits without trailing zeros ("0.0733",
// "2.5e+06" for very large or small magnitudes); "–" when missing.
std::string FormatSignificant(std::optional<double> value, int digits);

}  // namespace runexp::cli::report
