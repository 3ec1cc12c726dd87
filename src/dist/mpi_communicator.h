// The MPI communicator (built only when CMake found MPI: CRATIO_HAVE_MPI). Without MPI
// the functions exist and say so, so callers need no #if.
#pragma once

#include <memory>

#include "base/status.h"
#include "dist/communicator.h"

namespace cratio::dist {

// Whether this binary has the MPI implementation.
bool MpiAvailable();

// Initializes MPI (MPI_THREAD_FUNNELED: only the main thread calls MPI) and returns the
// world communicator; MPI_Finalize runs when it is destroyed. Errors are returned, not
// fatal (MPI_ERRORS_RETURN). InternalError without MPI or on a second call.
Result<std::unique_ptr<Communicator>> ConnectMpi();

}  // namespace cratio::dist
