#include "common/date.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace codingahead::common {

bool IsUnsetDate(const google::type::Date& date) {
  return date.year() == 0 && date.month() == 0 && date.day() == 0;
}

std::optional<absl::CivilDay> ValidateDate(const google::type::Date& date, const std::string& field,
                                           BadRequestBuilder* errors) {
  bool ok = true;
  if (date.year() < 1 || date.year() > 9999) {
    errors->Add(field + ".year", "year must be between 1 and 9999");
    ok = false;
  }
  if (date.month() < 1 || date.month() > 12) {
    errors->Add(field + ".month", "month must be between 1 and 12");
    ok = false;
  }
  if (!ok) return std::nullopt;
  absl::CivilDay day(date.year(), date.month(), date.day());
  // CivilDay normalises 2019-02-30 to 2019-03-02: a changed day means it was impossible.
  if (date.day() < 1 || day.year() != date.year() || day.month() != date.month() ||
      day.day() != date.day()) {
    errors->Add(field + ".day",
                absl::StrFormat("%04d-%02d has no day %d", date.year(), date.month(), date.day()));
    return std::nullopt;
  }
  return day;
}

google::type::Date ToProtoDate(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::CivilDay FromProtoDate(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y, m, d;
  if (!absl::SimpleAtoi(text.substr(0, 4), &y) || !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return std::nullopt;
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d || m < 1 || m > 12 || d < 1) {
    return std::nullopt;
  }
  return day;
}

}  // namespace codingahead::common
