// Temporary registrations until each command's own file lands (removed then).
#include "cli/command.h"

namespace cratio::cli {
void AddTokenizeCommand(CLI::App&, RunFn*) {}
}  // namespace cratio::cli
