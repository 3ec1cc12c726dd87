// Formatting helpers for the renderers.
#include "report/format.h"

#include <fmt/format.h>

#include <cmath>

namespace cratio::report {

std::string FormatCount(double v) {
  if (std::isnan(v)) return std::string(kMissing);
  const double a = std::fabs(v);
  if (a >= 1e12) return fmt::format("{:.2f}T", v / 1e12);
  if (a >= 1e9) return fmt::format("{:.2f}B", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:.1f}K", v / 1e3);
  return fmt::format("{:.0f}", v);
}

std::string FormatBytes(double bytes) {
  if (std::isnan(bytes)) return std::string(kMissing);
  const double a = std::fabs(bytes);
  if (a >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", bytes / (1024.0 * 1024 * 1024));
  if (a >= 1024.0 * 1024) return fmt::format("{:.2f} MiB", bytes / (1024.0 * 1024));
  if (a >= 1024.0) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{:.0f} B", bytes);
}

std::string FormatFixed(double v, int decimals) {
  if (std::isnan(v)) return std::string(kMissing);
  return fmt::format("{:.{}f}", v, decimals);
}

std::string FormatPercent(double fraction, int decimals) {
  if (std::isnan(fraction)) return std::string(kMissing);
  return fmt::format("{:.{}f} %", 100.0 * fraction, decimals);
}

std::string FormatInterval(const compare::Estimate& e, int decimals, double scale) {
  if (!e.has_ci()) return "";
  return fmt::format("[{:.{}f}, {:.{}f}]", e.ci_low * scale, decimals, e.ci_high * scale,
                     decimals);
}

std::string FormatSigned(double v, int decimals) {
  if (std::isnan(v)) return std::string(kMissing);
  return fmt::format("{:+.{}f}", v, decimals);
}

std::string FormatShort(double v) {
  if (std::isnan(v)) return std::string(kMissing);
  return fmt::format("{:.6g}", v);
}

std::string FormatShortSigned(double v) {
  if (std::isnan(v)) return std::string(kMissing);
  return fmt::format("{:+.6g}", v);
}

std::string FormatSizeValue(compare::SizeDimension d, double v) {
  switch (d) {
    case compare::SizeDimension::kFileBytes:
    case compare::SizeDimension::kPeakMemory: return FormatBytes(v);
    case compare::SizeDimension::kBitsPerWeight: return FormatFixed(v, 2);
    default: return FormatCount(v);
  }
}

size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    uint32_t cp = b;
    size_t len = 1;
    if (b >= 0xF0 && i + 3 < s.size()) {
      cp = ((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
           (s[i + 3] & 0x3Fu);
      len = 4;
    } else if (b >= 0xE0 && i + 2 < s.size()) {
      cp = ((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      len = 3;
    } else if (b >= 0xC0 && i + 1 < s.size()) {
      cp = ((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      len = 2;
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::string PadRight(std::string_view s, size_t width) {
  std::string out(s);
  const size_t w = DisplayWidth(s);
  if (w < width) out.append(width - w, ' ');
  return out;
}

}  // namespace cratio::report
