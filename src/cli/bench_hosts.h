// `mpirun -np N cratio bench ...`: benchmarks are never pooled across hosts. The lowest
// rank on each host runs the benchmark once (ranks sharing a host would only disturb each
// other's timings); rank 0 prints every host's result under its host name — as text
// blocks, or as one JSON object {"schema": "cratio.bench.hosts/1", "hosts": [...]} — so
// any speedup stays between models measured on the same host.
#pragma once

#include <functional>

#include "base/status.h"

namespace cratio::cli {

// Runs `bench` (which prints its result to stdout) once per host when started by an MPI
// launcher with several ranks, else just runs it.
Status RunBenchPerHost(const std::function<Status()>& bench, bool json);

}  // namespace cratio::cli
