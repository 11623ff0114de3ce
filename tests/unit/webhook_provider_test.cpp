// hmac_sha256_hex against RFC 4231's HMAC-SHA-256 vectors, in an order that re-keys the
// per-thread context each call.

#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "providers/webhook_provider.h"

namespace switchboard::providers {
namespace {

// RFC 4231, test cases 1, 2 and 6 (key longer than the block size), and the empty key.
constexpr const char* kCase1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
constexpr const char* kCase2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
constexpr const char* kCase6 = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
constexpr const char* kEmpty = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";

std::string case1() { return hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"); }
std::string case2() { return hmac_sha256_hex("Jefe", "what do ya want for nothing?"); }
std::string case6() {
  return hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First");
}

TEST(HmacSha256Hex, Rfc4231Vectors) {
  EXPECT_EQ(case1(), kCase1);
  EXPECT_EQ(case2(), kCase2);
  EXPECT_EQ(case6(), kCase6);
  EXPECT_EQ(hmac_sha256_hex("", ""), kEmpty);
  EXPECT_EQ(case2(), kCase2);  // after the empty key: the key is replaced, not kept
  EXPECT_EQ(case1(), kCase1);
}

TEST(HmacSha256Hex, EachThreadHasItsOwnContext) {
  std::string other;
  std::thread thread([&] { other = case6(); });
  const std::string here = case2();
  thread.join();
  EXPECT_EQ(other, kCase6);
  EXPECT_EQ(here, kCase2);
}

}  // namespace
}  // namespace switchboard::providers
