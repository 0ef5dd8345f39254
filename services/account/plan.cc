#include "services/account/plan.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace codingahead::account {
namespace {

std::string Plural(int64_t n, absl::string_view singular, absl::string_view plural) {
  return absl::StrCat(n, " ", n == 1 ? singular : plural);
}

}  // namespace

v1::Plan Plan::ToProto() const {
  v1::Plan out;
  out.set_id(id);
  out.set_display_name(display_name);
  out.set_unmetered_views(unmetered_views);
  out.set_views_per_period(views_per_period);
  out.set_sections_visible(sections_visible);
  out.set_questions_per_day(questions_per_day);
  out.set_unmetered_questions(unmetered_questions);
  out.set_consultant(consultant);
  return out;
}

absl::StatusOr<ViewPeriod> ParseViewPeriod(absl::string_view text) {
  if (text == "guest_lifetime") return ViewPeriod::kGuestLifetime;
  if (text == "calendar_month_utc") return ViewPeriod::kCalendarMonthUtc;
  return absl::InvalidArgumentError(absl::StrCat("unknown view period '", text, "'"));
}

absl::StatusOr<PlanCatalog> PlanCatalog::Create(std::vector<Plan> plans,
                                                const std::string& guest_plan_id,
                                                const std::string& registration_plan_id) {
  PlanCatalog catalog;
  catalog.plans_ = std::move(plans);
  bool guest_found = false;
  bool registration_found = false;
  for (size_t i = 0; i < catalog.plans_.size(); ++i) {
    const Plan& plan = catalog.plans_[i];
    for (size_t j = 0; j < i; ++j) {
      if (catalog.plans_[j].id == plan.id) {
        return absl::FailedPreconditionError(absl::StrCat("plan '", plan.id, "' listed twice"));
      }
    }
    if (plan.id == guest_plan_id) {
      if (plan.view_period != ViewPeriod::kGuestLifetime) {
        return absl::FailedPreconditionError(
            absl::StrCat("guest plan '", plan.id, "' must have the guest_lifetime view period"));
      }
      catalog.guest_index_ = i;
      guest_found = true;
    }
    if (plan.id == registration_plan_id) {
      if (plan.view_period != ViewPeriod::kCalendarMonthUtc) {
        return absl::FailedPreconditionError(absl::StrCat(
            "registration plan '", plan.id, "' must have the calendar_month_utc view period"));
      }
      catalog.registration_index_ = i;
      registration_found = true;
    }
  }
  if (!guest_found) {
    return absl::FailedPreconditionError(
        absl::StrCat("guest plan '", guest_plan_id, "' is not in the plans table"));
  }
  if (!registration_found) {
    return absl::FailedPreconditionError(
        absl::StrCat("registration plan '", registration_plan_id, "' is not in the plans table"));
  }
  return catalog;
}

const Plan* PlanCatalog::Find(absl::string_view id) const {
  for (const Plan& plan : plans_) {
    if (plan.id == id) return &plan;
  }
  return nullptr;
}

std::string PlanCatalog::ViewsMessage(const Plan& plan, int64_t remaining) const {
  if (plan.unmetered_views) return "Unlimited code page views with your plan.";
  if (remaining < 0) remaining = 0;
  std::string message =
      absl::StrCat(Plural(remaining, "code page view", "code page views"), " remaining.");
  if (remaining > 0) return message;
  if (plan.view_period == ViewPeriod::kGuestLifetime) {
    absl::StrAppend(&message, " ", plan.display_name, " accounts are limited to ",
                    Plural(plan.views_per_period, "page view", "page views"), ".");
    const Plan& next = registration();
    int64_t more = next.unmetered_views ? 0 : next.views_per_period - plan.views_per_period;
    if (next.unmetered_views) {
      absl::StrAppend(&message, " Register ", absl::AsciiStrToLower(next.display_name),
                      " account to get unlimited views.");
    } else if (more > 0) {
      absl::StrAppend(&message, " Register ", absl::AsciiStrToLower(next.display_name),
                      " account to get ", Plural(more, "more view", "more views"), ".");
    }
    return message;
  }
  absl::StrAppend(&message, " ", plan.display_name, " accounts are limited to ",
                  Plural(plan.views_per_period, "code page view", "code page views"),
                  " per month.");
  for (const Plan& other : plans_) {
    if (other.unmetered_views && other.view_period == ViewPeriod::kCalendarMonthUtc) {
      absl::StrAppend(&message, " Upgrade to ", other.display_name, " for unlimited views.");
      break;
    }
  }
  return message;
}

std::string PlanCatalog::QuestionsMessage(const Plan& plan, int64_t remaining) const {
  if (plan.unmetered_questions) return "Unlimited assistant questions with your plan.";
  if (remaining < 0) remaining = 0;
  std::string message = absl::StrCat(Plural(remaining, "assistant question", "assistant questions"),
                                     " remaining today.");
  if (remaining > 0) return message;
  if (plan.questions_per_day == 0) {
    absl::StrAppend(&message, " ", plan.display_name, " accounts cannot ask the assistant.");
  } else {
    absl::StrAppend(&message, " ", plan.display_name, " accounts are limited to ",
                    Plural(plan.questions_per_day, "question", "questions"), " a day.");
  }
  const Plan& next = registration();
  if (plan.view_period == ViewPeriod::kGuestLifetime && &next != &plan) {
    if (next.unmetered_questions) {
      absl::StrAppend(&message, " Register ", absl::AsciiStrToLower(next.display_name),
                      " account to ask unlimited questions.");
      return message;
    }
    if (next.questions_per_day > plan.questions_per_day) {
      absl::StrAppend(&message, " Register ", absl::AsciiStrToLower(next.display_name),
                      " account to ask ", Plural(next.questions_per_day, "question", "questions"),
                      " a day.");
      return message;
    }
  }
  for (const Plan& other : plans_) {
    if (other.unmetered_questions && other.view_period == ViewPeriod::kCalendarMonthUtc) {
      absl::StrAppend(&message, " Upgrade to ", other.display_name, " for unlimited questions.");
      break;
    }
  }
  return message;
}

}  // namespace codingahead::account
