// Per-item results as JSON Lines (`cratio score --log-items FILE`): one object per item
// with everything a reported number is computed from, so any figure can be traced to its
// items: id, slice, model, choice log-probs and token / byte counts, pred, gold, correct,
// the generated text and extracted answer, or the NLL sums of a document.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "eval/item_result.h"

namespace cratio {

// One line's object. Fields that do not apply to the scorer are left out.
nlohmann::ordered_json ItemResultJson(const ItemResult& item, ScorerKind scorer,
                                      const std::string& model);

// Writes every model's items (in model order, then item order) to `path` atomically.
// models[m] names items[m].
Status WriteItemLog(const std::string& path, ScorerKind scorer,
                    const std::vector<std::string>& models,
                    const std::vector<const std::vector<ItemResult>*>& items);

}  // namespace cratio
