#include "services/account/plan.h"

#include <gtest/gtest.h>

namespace codingahead::account {
namespace {

std::vector<Plan> Seeded() {
  Plan guest{"guest", "Guest", 1, ViewPeriod::kGuestLifetime, false, false, 0, false, false};
  Plan free{"free", "Free", 6, ViewPeriod::kCalendarMonthUtc, false, true, 3, false, false};
  Plan pro{"pro", "Pro", 0, ViewPeriod::kCalendarMonthUtc, true, true, 0, true, true};
  return {guest, free, pro};
}

TEST(PlanTest, MessagesFollowThePlanData) {
  auto plans = PlanCatalog::Create(Seeded(), "guest", "free");
  ASSERT_TRUE(plans.ok()) << plans.status();
  EXPECT_EQ(plans->ViewsMessage(plans->guest(), 0),
            "0 code page views remaining. Guest accounts are limited to 1 page "
            "view. Register "
            "free account to get 5 more views.");
  EXPECT_EQ(plans->ViewsMessage(*plans->Find("free"), 0),
            "0 code page views remaining. Free accounts are limited to 6 code "
            "page views per "
            "month. Upgrade to Pro for unlimited views.");
  EXPECT_EQ(plans->ViewsMessage(*plans->Find("free"), 2), "2 code page views remaining.");
  EXPECT_EQ(plans->ViewsMessage(*plans->Find("free"), 1), "1 code page view remaining.");
  EXPECT_EQ(plans->ViewsMessage(*plans->Find("pro"), 0),
            "Unlimited code page views with your plan.");
}

TEST(PlanTest, ChangedDataChangesTheMessage) {
  std::vector<Plan> plans = Seeded();
  plans[0].views_per_period = 2;
  plans[1].views_per_period = 10;
  auto catalog = PlanCatalog::Create(plans, "guest", "free");
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(catalog->ViewsMessage(catalog->guest(), 0),
            "0 code page views remaining. Guest accounts are limited to 2 page "
            "views. Register "
            "free account to get 8 more views.");
}

TEST(PlanTest, GuestAndRegistrationPlansMustExistWithTheRightPeriod) {
  EXPECT_EQ(PlanCatalog::Create(Seeded(), "nobody", "free").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(PlanCatalog::Create(Seeded(), "guest", "nobody").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(PlanCatalog::Create(Seeded(), "free", "free").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(PlanCatalog::Create(Seeded(), "guest", "guest").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace codingahead::account
