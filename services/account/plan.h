#ifndef CODINGAHEAD_SERVICES_ACCOUNT_PLAN_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "account/v1/account.pb.h"

// Plans are data (the `plans` table, seeded by migration 0001), loaded at
// start-up. Nothing here knows "guest", "free" or "pro" by name: which plan
// guests get and which one a new account gets is configuration.
namespace codingahead::account {

enum class ViewPeriod {
  kGuestLifetime,     // one allowance for the guest identity's whole life
  kCalendarMonthUtc,  // a new allowance on the 1st of each month, UTC
};

struct Plan {
  std::string id;
  std::string display_name;
  int32_t views_per_period = 0;
  ViewPeriod view_period = ViewPeriod::kCalendarMonthUtc;
  bool unmetered_views = false;
  bool sections_visible = false;
  int32_t questions_per_day = 0;
  bool unmetered_questions = false;
  bool consultant = false;

  // The view limit a Redis script is given: -1 when unmetered.
  int64_t ScriptViewLimit() const { return unmetered_views ? -1 : views_per_period; }
  // The questions-per-day limit a Redis script is given: -1 when unmetered.
  int64_t ScriptQuestionLimit() const { return unmetered_questions ? -1 : questions_per_day; }
  v1::Plan ToProto() const;
};

absl::StatusOr<ViewPeriod> ParseViewPeriod(absl::string_view text);

class PlanCatalog {
 public:
  // FailedPrecondition unless `guest_plan_id` names a plan with the
  // guest_lifetime period and `registration_plan_id` one with the calendar
  // month period, and plan ids are unique.
  static absl::StatusOr<PlanCatalog> Create(std::vector<Plan> plans,
                                            const std::string& guest_plan_id,
                                            const std::string& registration_plan_id);

  // Null when no plan has this id.
  const Plan* Find(absl::string_view id) const;
  const Plan& guest() const { return plans_[guest_index_]; }
  const Plan& registration() const { return plans_[registration_index_]; }
  const std::vector<Plan>& plans() const { return plans_; }

  // The human line of an Allowance: "2 code page views remaining.",
  // "Unlimited code page views with your plan.", or at 0 what the plan is
  // limited to and how to get more, e.g. "0 code page views remaining. Guest
  // accounts are limited to 1 page view. Register free account to get 5 more
  // views."
  std::string ViewsMessage(const Plan& plan, int64_t remaining) const;
  // The same for assistant questions (per UTC day): "2 assistant questions
  // remaining today.", "Unlimited assistant questions with your plan.", or
  // at 0 the plan's limit and how to get more, e.g. "0 assistant questions
  // remaining today. Guest accounts cannot ask the assistant. Register free
  // account to ask 3 questions a day."
  std::string QuestionsMessage(const Plan& plan, int64_t remaining) const;

 private:
  std::vector<Plan> plans_;
  size_t guest_index_ = 0;
  size_t registration_index_ = 0;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_PLAN_H_
