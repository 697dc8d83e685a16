// Least squares against reference values (computed by hand in double precision: the
// normal equations, residual standard error, Student t 0.975 quantile with 3 df =
// 3.182446305284263).

#include <gtest/gtest.h>

#include "sizing/linear_fit.h"

namespace tracebench::sizing {
namespace {

TEST(LinearFit, ExactLine) {
  std::string why;
  auto f = fit_line({1000, 2000, 4000}, {3e5 + 300 * 1000.0, 3e5 + 300 * 2000.0, 3e5 + 300 * 4000.0}, &why);
  ASSERT_TRUE(f) << why;
  EXPECT_NEAR(f->intercept, 3e5, 1e-6);
  EXPECT_NEAR(f->slope, 300, 1e-9);
  EXPECT_DOUBLE_EQ(f->r2, 1.0);
  EXPECT_NEAR(*f->residual_se, 0, 1e-6);
  EXPECT_EQ(f->n, 3u);
  EXPECT_EQ(f->x_min, 1000);
  EXPECT_EQ(f->x_max, 4000);
}

TEST(LinearFit, ReferenceValues) {
  auto f = fit_line({1, 2, 3, 4, 5}, {2.1, 3.9, 6.2, 7.8, 10.1}, nullptr);
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->intercept, 0.05, 1e-12);
  EXPECT_NEAR(f->slope, 1.99, 1e-12);
  EXPECT_NEAR(f->r2, 0.9973053289009771, 1e-12);
  EXPECT_NEAR(*f->residual_se, 0.18885620632287123, 1e-12);
  EXPECT_NEAR(*f->slope_se, 0.05972157622389659, 1e-12);
  EXPECT_NEAR(*f->intercept_se, 0.1980740602232751, 1e-12);
  const Prediction p = predict(*f, 8);
  EXPECT_NEAR(p.estimate, 15.97, 1e-9);
  EXPECT_NEAR(*p.low, 14.813905837166317, 1e-6);
  EXPECT_NEAR(*p.high, 17.12609416283368, 1e-6);
  EXPECT_TRUE(p.extrapolated);
  EXPECT_FALSE(predict(*f, 3).extrapolated);
  EXPECT_FALSE(predict(*f, 5).extrapolated);  // the ends are measured
  EXPECT_TRUE(predict(*f, 0.5).extrapolated);
}

TEST(LinearFit, TwoPointsFitExactlyWithoutIntervals) {
  auto f = fit_line({1, 3}, {1, 5}, nullptr);
  ASSERT_TRUE(f);
  EXPECT_DOUBLE_EQ(f->slope, 2);
  EXPECT_DOUBLE_EQ(f->r2, 1);
  EXPECT_FALSE(f->residual_se);
  const Prediction p = predict(*f, 2);
  EXPECT_DOUBLE_EQ(p.estimate, 3);
  EXPECT_FALSE(p.low);
}

TEST(LinearFit, RefusesTooFewOrIdenticalLoads) {
  std::string why;
  EXPECT_FALSE(fit_line({1000}, {5}, &why));
  EXPECT_EQ(why, "needs at least 2 levels, have 1");
  EXPECT_FALSE(fit_line({}, {}, &why));
  EXPECT_EQ(why, "needs at least 2 levels, have 0");
  EXPECT_FALSE(fit_line({1000, 1000, 1000}, {1, 2, 3}, &why));
  EXPECT_EQ(why, "every level ran at the same load (x = 1000)");
}

TEST(LinearFit, Json) {
  auto f = fit_line({1, 2, 3}, {2, 4, 7}, nullptr);
  const auto j = to_json(*f);
  for (const char* k : {"intercept", "slope", "r2", "n", "x_min", "x_max", "residual_se", "slope_se", "intercept_se"})
    EXPECT_TRUE(j.contains(k)) << k;
  const auto p = to_json(predict(*f, 10));
  EXPECT_TRUE(p["extrapolated"].get<bool>());
  EXPECT_TRUE(p["pi_low"].is_number());
}

}  // namespace
}  // namespace tracebench::sizing
