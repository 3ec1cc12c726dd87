// Answer extraction for generation tasks: turns a model's free text (or a reference
// solution) into the short answer that is compared by exact match.
#pragma once

#include <string>
#include <vector>

namespace cratio {

// The text up to the first occurrence of any stop string (all of it when none occurs).
std::string CutAtStop(const std::string& text, const std::vector<std::string>& stops);

// `mode` as in GenerationSpec::extract: "none" (trimmed text), "first_line" (first
// non-empty line, trimmed), "number" (see NormalizeNumber / ExtractNumber).
std::string ExtractAnswer(const std::string& text, const std::string& mode);

// GSM8K's rule, both strict and flexible as lm-evaluation-harness applies them: the
// number after the last "####", else after the last "The answer is", else the last
// number in the text; "" when there is none. The result is normalised.
std::string ExtractNumber(const std::string& text);

// "1,234." -> "1234", "$18" -> "18", "-3.50" -> "-3.5", "7.0" -> "7": commas, "$" and
// a trailing "." go, trailing decimal zeros go, so equal numbers compare equal.
std::string NormalizeNumber(const std::string& number);

}  // namespace cratio
