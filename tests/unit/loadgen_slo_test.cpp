// --slo parsing and evaluation.

#include <gtest/gtest.h>

#include <cmath>

#include "worker/loadgen/slo.h"

namespace switchboard::loadgen {
namespace {

TEST(LoadgenSlo, ParsesClausesAndUnits) {
  const SloParse p = parse_slo("p99<=50ms, lost==0,p999 < 2s,max<=900us,throughput>=15000");
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.clauses.size(), 5u);
  EXPECT_EQ(p.clauses[0].metric, "p99");
  EXPECT_EQ(p.clauses[0].op, SloOp::kLe);
  EXPECT_DOUBLE_EQ(p.clauses[0].value, 50);
  EXPECT_EQ(p.clauses[1].metric, "lost");
  EXPECT_EQ(p.clauses[1].op, SloOp::kEq);
  EXPECT_EQ(p.clauses[2].metric, "p99.9");
  EXPECT_EQ(p.clauses[2].op, SloOp::kLt);
  EXPECT_DOUBLE_EQ(p.clauses[2].value, 2000);
  EXPECT_DOUBLE_EQ(p.clauses[3].value, 0.9);
  EXPECT_EQ(p.clauses[4].op, SloOp::kGe);
  EXPECT_EQ(p.clauses[1].text, "lost==0");
}

TEST(LoadgenSlo, LatencyWithoutUnitIsMilliseconds) {
  const SloParse p = parse_slo("p50<3");
  ASSERT_EQ(p.error, "");
  EXPECT_DOUBLE_EQ(p.clauses[0].value, 3);
}

TEST(LoadgenSlo, RejectsBadClauses) {
  for (const char* bad : {"", " , ", "p98<=5ms", "p99=50", "p99<=fast", "p99<=5min", "lost==0ms", "throughput>=1k",
                          "p99<=50ms,nope>1"}) {
    const SloParse p = parse_slo(bad);
    EXPECT_FALSE(p.error.empty()) << bad;
    EXPECT_TRUE(p.clauses.empty()) << bad;
  }
  EXPECT_NE(parse_slo("p99<=50ms,nope>1").error.find("nope"), std::string::npos);
}

TEST(LoadgenSlo, Evaluates) {
  const SloParse p = parse_slo("p99<=50ms,lost==0,throughput>=15000,failed!=3,p50>1");
  ASSERT_EQ(p.error, "");
  const auto verdicts = evaluate_slo(p.clauses, {{"p99", 50.0}, {"lost", 1}, {"throughput", 15000}, {"failed", 3}});
  ASSERT_EQ(verdicts.size(), 5u);
  EXPECT_TRUE(verdicts[0].met);   // <= is inclusive
  EXPECT_FALSE(verdicts[1].met);  // one lost
  EXPECT_DOUBLE_EQ(verdicts[1].actual, 1);
  EXPECT_TRUE(verdicts[2].met);
  EXPECT_FALSE(verdicts[3].met);
  EXPECT_FALSE(verdicts[4].met);  // missing metric fails
  EXPECT_TRUE(std::isnan(verdicts[4].actual));
}

}  // namespace
}  // namespace switchboard::loadgen
