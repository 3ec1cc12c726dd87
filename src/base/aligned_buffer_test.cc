// AlignedBuffer: alignment (64 bytes; 2 MiB from kHugeMinBytes on, where the buffer asks for
// transparent huge pages), zero fill up to the next 64 bytes, moves.
#include "base/aligned_buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

namespace cratio {
namespace {

bool AlignedTo(const void* p, size_t a) { return reinterpret_cast<uintptr_t>(p) % a == 0; }

TEST(AlignedBuffer, SmallBuffersAreCacheLineAlignedAndZeroedToTheNextLine) {
  AlignedBuffer b(100);
  ASSERT_NE(b.data(), nullptr);
  EXPECT_EQ(b.size(), 100u);
  EXPECT_TRUE(AlignedTo(b.data(), AlignedBuffer::kAlignment));
  // Whole-vector loads of the tail read zeros: bytes 100..127 are part of the allocation.
  for (size_t i = 0; i < 128; ++i) ASSERT_EQ(b.data()[i], std::byte{0}) << i;
}

TEST(AlignedBuffer, LargeBuffersStartOnAHugePage) {
  const size_t n = AlignedBuffer::kHugeMinBytes + 12345;
  AlignedBuffer b(n, AlignedBuffer::kUninitialized);
  ASSERT_NE(b.data(), nullptr);
  EXPECT_EQ(b.size(), n);
  EXPECT_TRUE(AlignedTo(b.data(), AlignedBuffer::kHugePage));
  b.data()[n - 1] = std::byte{7};  // the whole size is writable
  AlignedBuffer just_below(AlignedBuffer::kHugeMinBytes - 64, AlignedBuffer::kUninitialized);
  EXPECT_TRUE(AlignedTo(just_below.data(), AlignedBuffer::kAlignment));
}

TEST(AlignedBuffer, MovesTransferOwnership) {
  AlignedBuffer a(64);
  std::byte* p = a.data();
  AlignedBuffer b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from state is defined
  EXPECT_EQ(a.size(), 0u);
  AlignedBuffer c;
  c = std::move(b);
  EXPECT_EQ(c.data(), p);
  EXPECT_EQ(c.size(), 64u);
  AlignedBuffer empty(0);
  EXPECT_EQ(empty.data(), nullptr);
}

}  // namespace
}  // namespace cratio
