#include "common/date.h"

#include <gtest/gtest.h>

namespace codingahead::common {
namespace {

google::type::Date D(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

TEST(DateTest, RealDatesPass) {
  BadRequestBuilder errors;
  auto day = ValidateDate(D(2020, 2, 29), "d", &errors);
  ASSERT_TRUE(day.has_value());
  EXPECT_EQ(*day, absl::CivilDay(2020, 2, 29));
  EXPECT_TRUE(errors.empty());
}

TEST(DateTest, ImpossibleDayIsRefused) {
  BadRequestBuilder errors;
  EXPECT_FALSE(ValidateDate(D(2019, 2, 29), "d", &errors).has_value());
  ASSERT_EQ(errors.violations().size(), 1u);
  EXPECT_EQ(errors.violations()[0].field, "d.day");
}

TEST(DateTest, BadYearAndMonthAreBothReported) {
  BadRequestBuilder errors;
  EXPECT_FALSE(ValidateDate(D(0, 13, 1), "d", &errors).has_value());
  ASSERT_EQ(errors.violations().size(), 2u);
  EXPECT_EQ(errors.violations()[0].field, "d.year");
  EXPECT_EQ(errors.violations()[1].field, "d.month");
}

TEST(DateTest, ZeroDayIsRefused) {
  BadRequestBuilder errors;
  EXPECT_FALSE(ValidateDate(D(2019, 5, 0), "d", &errors).has_value());
}

TEST(DateTest, ParseDayIsStrict) {
  EXPECT_EQ(ParseDay("2019-06-01"), absl::CivilDay(2019, 6, 1));
  EXPECT_FALSE(ParseDay("2019-6-1").has_value());
  EXPECT_FALSE(ParseDay("2019-02-30").has_value());
  EXPECT_FALSE(ParseDay("2019-13-01").has_value());
  EXPECT_FALSE(ParseDay("tomorrow!!").has_value());
}

TEST(DateTest, FormatRoundTrips) {
  EXPECT_EQ(FormatDay(absl::CivilDay(2017, 12, 31)), "2017-12-31");
  EXPECT_EQ(FromProtoDate(ToProtoDate(absl::CivilDay(2018, 1, 2))), absl::CivilDay(2018, 1, 2));
  EXPECT_TRUE(IsUnsetDate(google::type::Date()));
}

}  // namespace
}  // namespace codingahead::common
