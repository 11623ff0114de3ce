// main() of registry_integration_tests. With --race-helper the binary is instead one of the
// "API processes" of the two-process race tests (registry_redis_test.cpp spawns two).

#include <cstring>

#include <gtest/gtest.h>

namespace switchboard::registry::testing {
int run_race_helper(int argc, char** argv);
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--race-helper") == 0) {
    return switchboard::registry::testing::run_race_helper(argc, argv);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
