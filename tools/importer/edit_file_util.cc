#include "tools/importer/edit_file_util.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "tools/importer/cp1252.h"
#include "tools/importer/cpt_file_reader.h"

namespace codingahead::importer {

absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else {
      field.push_back(c);
    }
  }
  if (quoted) return absl::InvalidArgumentError("unterminated quoted field");
  fields.push_back(std::move(field));
  return fields;
}

bool IsFiveCharacterCode(absl::string_view code) {
  if (code.size() != 5) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    const auto c = static_cast<unsigned char>(code[i]);
    if (!absl::ascii_isalnum(c)) return false;
    // Every HCPCS Level II and CPT code has digits in positions 2-4
    // ("J1100", "99213", "0001U"), which column titles ("HCPCS") do not.
    if (i >= 1 && i <= 3 && !absl::ascii_isdigit(c)) return false;
  }
  return true;
}

std::optional<google::type::Date> ParseYyyymmdd(absl::string_view text) {
  if (text.size() != 8) return std::nullopt;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &year) || !absl::SimpleAtoi(text.substr(4, 2), &month) ||
      !absl::SimpleAtoi(text.substr(6, 2), &day)) {
    return std::nullopt;
  }
  const absl::CivilDay civil(year, month, day);
  if (civil.year() != year || civil.month() != month || civil.day() != day || year < 1900) {
    return std::nullopt;
  }
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::string Quarter::Suffix() const { return absl::StrCat(year, "q", quarter); }
std::string Quarter::Label() const { return absl::StrCat(year, " Q", quarter); }

absl::StatusOr<Quarter> ParseQuarter(absl::string_view text) {
  std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  if (upper.size() == 7 && upper[4] == '-') upper.erase(4, 1);
  Quarter q;
  if (upper.size() != 6 || upper[4] != 'Q' || !absl::SimpleAtoi(upper.substr(0, 4), &q.year) ||
      !absl::SimpleAtoi(upper.substr(5, 1), &q.quarter) || q.quarter < 1 || q.quarter > 4 ||
      q.year < 1996 || q.year > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a quarter such as 2026Q1"));
  }
  const int first_month = 3 * (q.quarter - 1) + 1;
  q.first_day.set_year(q.year);
  q.first_day.set_month(first_month);
  q.first_day.set_day(1);
  const absl::CivilDay last = absl::CivilDay(absl::CivilMonth(q.year, first_month) + 3) - 1;
  q.last_day.set_year(static_cast<int32_t>(last.year()));
  q.last_day.set_month(last.month());
  q.last_day.set_day(last.day());
  return q;
}

std::string EditFileText(absl::string_view data) {
  if (absl::StartsWith(data, "\xEF\xBB\xBF")) data.remove_prefix(3);
  if (IsValidUtf8(data)) return std::string(data);
  return Cp1252ToUtf8(data);
}

}  // namespace codingahead::importer
