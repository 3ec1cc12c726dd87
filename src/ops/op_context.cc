// OpContext: thread pool, kernel table and grow-only scratch buffers.
#include "ops/op_context.h"

#include <algorithm>

#include "kernels/kernel_table.h"

namespace cratio {
namespace {

void* Grow(AlignedBuffer& buf, int64_t size_bytes) {
  if (size_bytes > 0 && static_cast<size_t>(size_bytes) > buf.size()) {
    // Grow geometrically so a slowly increasing batch does not reallocate every call.
    const size_t want = std::max(static_cast<size_t>(size_bytes), buf.size() + buf.size() / 2);
    buf = AlignedBuffer(want);
  }
  return buf.data();
}

}  // namespace

OpContext::OpContext(ThreadPool* pool, const KernelTable* kernels)
    : pool_(pool), kernels_(kernels != nullptr ? kernels : &GetKernelTable()) {}

void* OpContext::ActivationScratch(int64_t size_bytes) { return Grow(act_scratch_, size_bytes); }

void* OpContext::MatmulScratch(int64_t size_bytes) { return Grow(matmul_scratch_, size_bytes); }

}  // namespace cratio
