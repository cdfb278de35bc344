// How a report tells runs apart: the i-th run is labelled A, B, ..., Z,
// AA, ... (as `runexp compare` labels them) and drawn in the i-th colour of
// Tableau 10, a palette chosen to stay distinct on white and for the common
// forms of colour blindness. Past ten runs the colours repeat; the labels
// still tell the runs apart.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace runexp::cli::report {

inline constexpr std::array<const char*, 10> kRunColours = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

inline std::string RunColour(size_t index) { return kRunColours[index % kRunColours.size()]; }

inline std::string RunLabel(size_t index) {
  std::string label;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    label.insert(label.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return label;
}

}  // namespace runexp::cli::report
