// How subcommands plug into the `cratio` program: each command file defines one
// Add<Name>Command that registers its flags on the app and, when selected, stores the
// function to run. The full list lives in main.cc.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "base/status.h"

namespace cratio::cli {

using RunFn = std::function<Status()>;

// Each adds one subcommand to `app`; when the user picks it, `*run` is set.
void AddInfoCommand(CLI::App& app, RunFn* run);
void AddMakeModelCommand(CLI::App& app, RunFn* run);
void AddTokenizeCommand(CLI::App& app, RunFn* run);
void AddConvertCommand(CLI::App& app, RunFn* run);
void AddGenerateCommand(CLI::App& app, RunFn* run);
void AddPerplexityCommand(CLI::App& app, RunFn* run);
void AddBenchCommand(CLI::App& app, RunFn* run);
void AddCompressCommand(CLI::App& app, RunFn* run);
void AddScoreCommand(CLI::App& app, RunFn* run);
void AddReportCommand(CLI::App& app, RunFn* run);
void AddHistoryCommand(CLI::App& app, RunFn* run);
void AddEvalCommand(CLI::App& app, RunFn* run);
void AddDemoCommand(CLI::App& app, RunFn* run);

// The data root for built-in tasks and models: $CRATIO_DATA, else ../shared/data.
std::string DataRoot();

// The command line as typed ("cratio eval --base m.gguf ..."), recorded in results.
const std::string& CommandLine();

}  // namespace cratio::cli
