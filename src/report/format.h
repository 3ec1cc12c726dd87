// Number and text formatting shared by the report renderers: counts (1.23M), bytes
// (3.81 MiB), percentages, intervals, and padding by display width (CJK = 2 columns).
// "—" stands for a value that was not measured.
#pragma once

#include <string>
#include <string_view>

#include "eval/compare/estimate.h"
#include "eval/compare/ratios.h"

namespace cratio::report {

inline constexpr std::string_view kMissing = "—";

// 1234567 → "1.23M"; 950 → "950"; NaN → "—".
std::string FormatCount(double v);
// Binary units: 4000000 → "3.81 MiB"; NaN → "—".
std::string FormatBytes(double bytes);
// Fixed decimals; NaN → "—".
std::string FormatFixed(double v, int decimals);
// fraction 0.99 → "99.0 %".
std::string FormatPercent(double fraction, int decimals = 1);
// "[97.5, 100.5]" with values × scale; "" when there is no interval.
std::string FormatInterval(const compare::Estimate& e, int decimals, double scale = 1.0);
// Signed: "+0.010", "-1000".
std::string FormatSigned(double v, int decimals);
// A threshold or metric value with up to 6 significant digits: 0.98, 500, 4000.
std::string FormatShort(double v);
// The same with a sign: "+0.01", "-1000".
std::string FormatShortSigned(double v);

// A size figure in its natural unit: bytes as MiB, bits per weight with 2 decimals,
// counts as 1.23M.
std::string FormatSizeValue(compare::SizeDimension d, double v);

// Terminal columns `s` takes: East Asian wide characters count 2, others 1.
size_t DisplayWidth(std::string_view s);
std::string PadRight(std::string_view s, size_t width);

}  // namespace cratio::report
