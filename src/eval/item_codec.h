// A lossless JSON encoding of ItemResult, for checkpoints (an interrupted `cratio eval`
// resumes from the items it stored) and for moving items between processes. Unlike the
// --log-items view it keeps every field, and doubles round-trip bit for bit (17
// significant digits; NaN and ±inf as the strings "nan", "inf", "-inf").
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"

namespace cratio {

nlohmann::json EncodeItem(const ItemResult& item);
// InvalidInput naming `where` and the field when the object does not have the shape
// EncodeItem writes.
Result<ItemResult> DecodeItem(const nlohmann::json& j, std::string_view where);

// A JSON array of items as compact text, and back.
std::string EncodeItems(const std::vector<ItemResult>& items);
Result<std::vector<ItemResult>> DecodeItems(std::string_view text, std::string_view where);

}  // namespace cratio
