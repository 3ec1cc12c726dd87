// The built-in tasks, each a TaskSpec over a dataset's original public format. Their
// data paths are relative to the data root ($CRATIO_DATA), where the public samples live,
// except `demo` and `demo_text`, whose data is compiled in ("builtin:...", builtin_data.h).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "eval/task_spec.h"

namespace cratio {

// Names of the built-in tasks, in the order `cratio score --list-tasks` shows them.
std::vector<std::string> BuiltinTaskNames();

// The spec of a built-in task with `data_root` as its base_dir; InvalidInput listing the
// names when `name` is not one.
Result<TaskSpec> BuiltinTaskSpec(const std::string& name, const std::string& data_root);

// A built-in name, or else a path to a JSON spec file.
Result<TaskSpec> ResolveTaskSpec(const std::string& name_or_path, const std::string& data_root);

}  // namespace cratio
