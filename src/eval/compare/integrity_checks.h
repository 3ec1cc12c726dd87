// Checks that catch misleading comparisons: "fake compression" (a file whose bytes on
// disk do not match the bits per weight it claims, e.g. INT4 values stored as f32) and
// calibration text that overlaps the evaluation items (a compressor tuned on the test).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eval/compare/estimate.h"

namespace cratio::compare {

struct FakeCompressionCheck {
  double claimed_bits_per_weight = kNaN;
  double num_params = kNaN;
  double overhead_bytes = 0.0;  // metadata, tokenizer, alignment allowed on top
  double expected_bytes = kNaN; // claimed_bits_per_weight · num_params / 8 + overhead
  double file_bytes = kNaN;
  double relative_difference = kNaN;  // (file − expected) / expected
  double tolerance = 0.0;             // |relative_difference| allowed
  bool ok = false;
};

// ok when |file − expected| ≤ tolerance · expected. Not ok (with NaN difference) when
// an input is unknown or the expectation is not positive.
FakeCompressionCheck CheckFakeCompression(double file_bytes, double claimed_bits_per_weight,
                                          double num_params, double tolerance = 0.10,
                                          double overhead_bytes = 0.0);

// Tokens for overlap: lower-cased runs of ASCII letters and digits; every other
// non-space character (CJK ideographs, punctuation, any non-ASCII code point) is a token
// of its own, so Chinese text is compared character by character.
std::vector<std::string> OverlapTokens(std::string_view text);

struct OverlapItem {
  std::string id;
  std::string text;
};

struct OverlapReport {
  int ngram = 0;                     // n of the n-grams compared
  int64_t num_items = 0;             // items with at least n tokens (the others: too short)
  int64_t num_items_too_short = 0;
  int64_t num_items_overlapping = 0; // items sharing at least one n-gram with calibration
  double fraction_items_overlapping = kNaN;  // of num_items
  int64_t num_item_ngrams = 0;       // all n-grams of all items
  int64_t num_shared_ngrams = 0;     // those also in the calibration text
  std::vector<std::string> overlapping_ids;  // first `max_ids` overlapping items, in order
};

// Compares every n-gram of every item with the set of n-grams of `calibration_text`.
// n ≥ 1 (8 by default: long enough that common phrases do not trigger it).
OverlapReport CheckCalibrationOverlap(std::string_view calibration_text,
                                      const std::vector<OverlapItem>& items, int n = 8,
                                      size_t max_ids = 20);

}  // namespace cratio::compare
