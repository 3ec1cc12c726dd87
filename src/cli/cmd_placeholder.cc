// Temporary registrations until each command's own file lands (removed then).
#include "cli/command.h"

namespace cratio::cli {
void AddInfoCommand(CLI::App&, RunFn*) {}
void AddMakeModelCommand(CLI::App&, RunFn*) {}
void AddTokenizeCommand(CLI::App&, RunFn*) {}
void AddConvertCommand(CLI::App&, RunFn*) {}
}  // namespace cratio::cli
