// Fake-compression and calibration-overlap checks.
#include "eval/compare/integrity_checks.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace cratio::compare {
namespace {

// Length of the UTF-8 sequence that starts with byte `b` (1 for invalid lead bytes).
size_t Utf8Length(unsigned char b) {
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The n-grams of `tokens`, joined with a separator no token contains.
std::vector<std::string> NGrams(const std::vector<std::string>& tokens, int n) {
  std::vector<std::string> out;
  if (tokens.size() < static_cast<size_t>(n)) return out;
  for (size_t i = 0; i + n <= tokens.size(); ++i) {
    std::string g = tokens[i];
    for (int k = 1; k < n; ++k) {
      g += '\x1f';
      g += tokens[i + k];
    }
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace

FakeCompressionCheck CheckFakeCompression(double file_bytes, double claimed_bits_per_weight,
                                          double num_params, double tolerance,
                                          double overhead_bytes) {
  FakeCompressionCheck c;
  c.claimed_bits_per_weight = claimed_bits_per_weight;
  c.num_params = num_params;
  c.overhead_bytes = overhead_bytes;
  c.file_bytes = file_bytes;
  c.tolerance = tolerance;
  c.expected_bytes = claimed_bits_per_weight * num_params / 8.0 + overhead_bytes;
  if (std::isnan(c.expected_bytes) || std::isnan(file_bytes) || !(c.expected_bytes > 0)) {
    return c;
  }
  c.relative_difference = (file_bytes - c.expected_bytes) / c.expected_bytes;
  c.ok = std::fabs(c.relative_difference) <= tolerance;
  return c;
}

std::vector<std::string> OverlapTokens(std::string_view text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsAsciiSpace(c)) {
      ++i;
    } else if (IsAsciiAlnum(c)) {
      std::string word;
      while (i < text.size() && IsAsciiAlnum(text[i])) {
        char ch = text[i++];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        word += ch;
      }
      tokens.push_back(std::move(word));
    } else {
      const size_t len = std::min(Utf8Length(static_cast<unsigned char>(c)), text.size() - i);
      tokens.emplace_back(text.substr(i, len));
      i += len;
    }
  }
  return tokens;
}

OverlapReport CheckCalibrationOverlap(std::string_view calibration_text,
                                      const std::vector<OverlapItem>& items, int n,
                                      size_t max_ids) {
  OverlapReport r;
  r.ngram = n < 1 ? 1 : n;
  const std::vector<std::string> calib = NGrams(OverlapTokens(calibration_text), r.ngram);
  const std::unordered_set<std::string> calib_set(calib.begin(), calib.end());
  for (const OverlapItem& item : items) {
    const std::vector<std::string> grams = NGrams(OverlapTokens(item.text), r.ngram);
    if (grams.empty()) {
      ++r.num_items_too_short;
      continue;
    }
    ++r.num_items;
    int64_t shared = 0;
    for (const std::string& g : grams) shared += calib_set.count(g) ? 1 : 0;
    r.num_item_ngrams += static_cast<int64_t>(grams.size());
    r.num_shared_ngrams += shared;
    if (shared > 0) {
      ++r.num_items_overlapping;
      if (r.overlapping_ids.size() < max_ids) r.overlapping_ids.push_back(item.id);
    }
  }
  if (r.num_items > 0) {
    r.fraction_items_overlapping = static_cast<double>(r.num_items_overlapping) / r.num_items;
  }
  return r;
}

}  // namespace cratio::compare
