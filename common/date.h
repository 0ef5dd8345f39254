#ifndef CODINGAHEAD_COMMON_DATE_H_
#define CODINGAHEAD_COMMON_DATE_H_

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "common/status.h"
#include "google/type/date.pb.h"

namespace codingahead::common {

// True when no part of the date is set (the field was omitted).
bool IsUnsetDate(const google::type::Date& date);

// A full calendar date (year 1..9999, real month and day), or the field
// violations that say what is wrong, named after `field`
// ("date_of_service.month"). Partial dates (year only, month 0) are refused:
// a date of service is a day.
std::optional<absl::CivilDay> ValidateDate(const google::type::Date& date, const std::string& field,
                                           BadRequestBuilder* errors);

google::type::Date ToProtoDate(absl::CivilDay day);
absl::CivilDay FromProtoDate(const google::type::Date& date);

// "2019-06-01".
std::string FormatDay(absl::CivilDay day);
// Parses "YYYY-MM-DD" strictly (for command-line tools).
std::optional<absl::CivilDay> ParseDay(absl::string_view text);

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_DATE_H_
