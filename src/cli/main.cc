// The cratio program: parses the command line, runs one subcommand, and turns its
// Status into a message on stderr and an exit code (0 ok, 1 internal, 2 bad input,
// 3 constraint failed).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>

#include "cli/command.h"

namespace cratio::cli {
namespace {

std::string g_command_line;

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidInput:
    case StatusCode::kIoError:
    case StatusCode::kResourceExhausted: return 2;
    case StatusCode::kConstraintFailed: return 3;
    case StatusCode::kInternal: return 1;
  }
  return 1;
}

int Main(int argc, char** argv) {
  g_command_line = "cratio";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool quote = arg.empty() || arg.find_first_of(" \t'\"$;|&<>*?") != std::string::npos;
    g_command_line += quote ? " '" + arg + "'" : " " + arg;
  }
  CLI::App app{"cratio: what did this compression cost, and what did it buy?", "cratio"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cratio 0.1.0");
  RunFn run;
  AddInfoCommand(app, &run);
  AddMakeModelCommand(app, &run);
  AddTokenizeCommand(app, &run);
  AddConvertCommand(app, &run);
  AddGenerateCommand(app, &run);
  AddPerplexityCommand(app, &run);
  AddBenchCommand(app, &run);
  AddCompressCommand(app, &run);
  AddScoreCommand(app, &run);
  AddReportCommand(app, &run);
  AddHistoryCommand(app, &run);
  AddEvalCommand(app, &run);
  AddDemoCommand(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (!run) return 0;
  Status s;
  try {
    s = run();
  } catch (const std::bad_alloc&) {
    s = ResourceExhausted("out of memory");
  } catch (const std::exception& e) {
    s = InternalError("unexpected exception: {}", e.what());
  }
  if (!s.ok()) {
    std::fflush(stdout);
    std::fprintf(stderr, "cratio: error: %s\n", s.message().c_str());
  }
  return ExitCodeFor(s);
}

}  // namespace

const std::string& CommandLine() { return g_command_line; }

std::string DataRoot() {
  if (const char* d = std::getenv("CRATIO_DATA"); d && *d) return d;
  return "../shared/data";
}

}  // namespace cratio::cli

int main(int argc, char** argv) { return cratio::cli::Main(argc, argv); }
