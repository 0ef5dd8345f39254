#include "tools/importer/hcpcs_record_reader.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/type/date.pb.h"
#include "tools/importer/cp1252.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::CodeRecord;
using ::codingahead::catalog::snapshot::v1::RECORD_KIND_CODE;
using ::codingahead::catalog::snapshot::v1::RECORD_KIND_MODIFIER;

constexpr const HcpcsColumn& kCode = kHcpcsColumns[0];
constexpr const HcpcsColumn& kSequence = kHcpcsColumns[1];
constexpr const HcpcsColumn& kRecordId = kHcpcsColumns[2];
constexpr const HcpcsColumn& kLongDescription = kHcpcsColumns[3];
constexpr const HcpcsColumn& kShortDescription = kHcpcsColumns[4];
constexpr const HcpcsColumn& kPricingIndicators = kHcpcsColumns[5];
constexpr const HcpcsColumn& kMultiplePricing = kHcpcsColumns[6];
constexpr const HcpcsColumn& kCoverageIssuesManual = kHcpcsColumns[7];
constexpr const HcpcsColumn& kCarriersManual = kHcpcsColumns[8];
constexpr const HcpcsColumn& kStatute = kHcpcsColumns[9];
constexpr const HcpcsColumn& kLabCertifications = kHcpcsColumns[10];
constexpr const HcpcsColumn& kCrossReferences = kHcpcsColumns[11];
constexpr const HcpcsColumn& kCoverageCode = kHcpcsColumns[12];
constexpr const HcpcsColumn& kAscGroup = kHcpcsColumns[13];
constexpr const HcpcsColumn& kAscDate = kHcpcsColumns[14];
constexpr const HcpcsColumn& kMogGroup = kHcpcsColumns[15];
constexpr const HcpcsColumn& kMogPolicy = kHcpcsColumns[16];
constexpr const HcpcsColumn& kMogDate = kHcpcsColumns[17];
constexpr const HcpcsColumn& kProcessingNote = kHcpcsColumns[18];
constexpr const HcpcsColumn& kBetos = kHcpcsColumns[19];
constexpr const HcpcsColumn& kTypesOfService = kHcpcsColumns[20];
constexpr const HcpcsColumn& kAnesthesiaBaseUnits = kHcpcsColumns[21];
constexpr const HcpcsColumn& kAddedDate = kHcpcsColumns[22];
constexpr const HcpcsColumn& kActionEffectiveDate = kHcpcsColumns[23];
constexpr const HcpcsColumn& kTerminationDate = kHcpcsColumns[24];
constexpr const HcpcsColumn& kActionCode = kHcpcsColumns[25];
static_assert(sizeof(kHcpcsColumns) / sizeof(kHcpcsColumns[0]) == 26);
static_assert(kRecordId.begin == 11 && kShortDescription.begin == 92 && kAscDate.begin == 233 &&
              kTypesOfService.begin == 261 && kActionCode.begin == 293);

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Bytes [begin, begin + width) (1-based begin) of a line taken as padded
// with spaces to any length: columns past the end are simply absent.
absl::string_view Slice(absl::string_view line, int begin, int width) {
  const size_t start = static_cast<size_t>(begin - 1);
  if (start >= line.size()) return absl::string_view();
  return line.substr(start, static_cast<size_t>(width));
}

// Trims spaces, tabs and cp1252 no-break spaces from both ends.
absl::string_view TrimRaw(absl::string_view s) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || static_cast<unsigned char>(c) == 0xA0;
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string Text(absl::string_view line, const HcpcsColumn& column, int occurrence = 0) {
  return Cp1252ToUtf8(TrimRaw(Slice(line, column.begin + occurrence * column.width, column.width)));
}

template <typename RepeatedField>
void AddRepeated(absl::string_view line, const HcpcsColumn& column, RepeatedField* out) {
  for (int i = 0; i < column.occurs; ++i) {
    std::string value = Text(line, column, i);
    if (!value.empty()) out->Add(std::move(value));
  }
}

enum class CodeShape { kNone, kCode, kModifier };

CodeShape ShapeOf(absl::string_view code_field) {
  if (code_field.size() != 5) return CodeShape::kNone;
  bool all_alnum = true;
  for (char c : code_field) all_alnum = all_alnum && IsUpperAlnum(c);
  if (all_alnum) return CodeShape::kCode;
  if (code_field.substr(0, 3) == "   " && IsUpperAlnum(code_field[3]) &&
      IsUpperAlnum(code_field[4])) {
    return CodeShape::kModifier;
  }
  return CodeShape::kNone;
}

char RecordIdOf(absl::string_view line) {
  const absl::string_view id = Slice(line, kRecordId.begin, 1);
  return id.empty() ? ' ' : id[0];
}

bool IsRecordId(char id) { return id == '3' || id == '4' || id == '7' || id == '8'; }

bool LooksLikeRecord(absl::string_view line) {
  return IsRecordId(RecordIdOf(line)) &&
         ShapeOf(Slice(line, kCode.begin, kCode.width)) != CodeShape::kNone;
}

// Parses YYYYMMDD. Returns nullopt for an invalid date.
std::optional<absl::CivilDay> ParseYyyymmdd(absl::string_view s) {
  if (s.size() != 8) return std::nullopt;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
  }
  auto number = [&](size_t pos, size_t len) {
    int value = 0;
    for (size_t i = pos; i < pos + len; ++i) value = value * 10 + (s[i] - '0');
    return value;
  };
  const int year = number(0, 4), month = number(4, 2), day = number(6, 2);
  const absl::CivilDay civil(year, month, day);
  if (year < 1 || civil.year() != year || civil.month() != month || civil.day() != day) {
    return std::nullopt;
  }
  return civil;
}

void StoreDate(absl::CivilDay day, google::type::Date* out) {
  out->set_year(static_cast<int32_t>(day.year()));
  out->set_month(day.month());
  out->set_day(day.day());
}

class FileParser {
 public:
  explicit FileParser(absl::string_view file_name) : file_name_(file_name) {}

  absl::StatusOr<HcpcsFile> Parse(absl::string_view data) {
    const std::vector<absl::string_view> lines = SplitLines(data);
    bool started = false;
    int first_pending_blank = 0;  // line number of the first blank line seen
    int pending_blanks = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      const int line_number = static_cast<int>(i) + 1;
      absl::string_view line = lines[i];
      if (!started) {
        if (!LooksLikeRecord(line)) {
          ++result_.counts.skipped_leading_lines;
          continue;
        }
        started = true;
      }
      if (IsBlank(line)) {
        if (pending_blanks++ == 0) first_pending_blank = line_number;
        continue;
      }
      if (pending_blanks > 0) {
        return Error(first_pending_blank, absl::StrCat("blank line between records (the next "
                                                       "record is on line ",
                                                       line_number, ")"));
      }
      if (absl::Status status = ParseRecordLine(line_number, line); !status.ok()) {
        return status;
      }
    }
    Flush();
    result_.counts.skipped_trailing_blank_lines = pending_blanks;
    return std::move(result_);
  }

 private:
  absl::Status Error(int line_number, absl::string_view reason) const {
    return absl::InvalidArgumentError(absl::StrCat(file_name_, ":", line_number, ": ", reason));
  }

  absl::Status ParseRecordLine(int line_number, absl::string_view line) {
    if (line.size() > static_cast<size_t>(kHcpcsRecordLength)) {
      if (!IsBlank(line.substr(kHcpcsRecordLength))) {
        return Error(line_number,
                     absl::StrCat("line has ", line.size(), " characters; text after column ",
                                  kHcpcsRecordLength));
      }
      line = line.substr(0, kHcpcsRecordLength);
    }
    const char record_id = RecordIdOf(line);
    if (!IsRecordId(record_id)) {
      return Error(line_number,
                   absl::StrCat("record id '", absl::CHexEscape(absl::string_view(&record_id, 1)),
                                "' is not 3, 4, 7 or 8"));
    }
    const absl::string_view code_field = Slice(line, kCode.begin, kCode.width);
    const CodeShape shape = ShapeOf(code_field);
    const bool modifier_id = record_id == '7' || record_id == '8';
    if (shape == CodeShape::kNone) {
      return Error(line_number, absl::StrCat("code field '", absl::CHexEscape(code_field),
                                             "' is neither a 5-character code nor a "
                                             "right-aligned 2-character modifier"));
    }
    if ((shape == CodeShape::kModifier) != modifier_id) {
      return Error(line_number,
                   absl::StrCat("record id '", std::string(1, record_id), "' is for ",
                                modifier_id ? "modifiers" : "codes", " but the code field holds ",
                                modifier_id ? "code" : "modifier", " '", TrimRaw(code_field), "'"));
    }
    if (record_id == '4' || record_id == '8') {
      return AddContinuation(line_number, line, code_field);
    }
    Flush();
    return StartRecord(line_number, line, code_field, shape);
  }

  absl::Status AddContinuation(int line_number, absl::string_view line,
                               absl::string_view code_field) {
    if (!has_current_) {
      return Error(line_number, absl::StrCat("continuation record for '", TrimRaw(code_field),
                                             "' comes before any first line"));
    }
    if (code_field != current_code_field_) {
      return Error(line_number, absl::StrCat("continuation record for '", TrimRaw(code_field),
                                             "' follows the first line "
                                             "of '",
                                             TrimRaw(current_code_field_), "' (line ",
                                             current_.line_number(), ")"));
    }
    if (drop_current_) return absl::OkStatus();
    std::string text = Text(line, kLongDescription);
    if (!text.empty()) {
      std::string* description = current_.mutable_long_description();
      if (!description->empty()) description->push_back(' ');
      description->append(text);
    }
    ++result_.counts.continuation_lines;
    return absl::OkStatus();
  }

  using MutableDate = google::type::Date* (CodeRecord::*)();

  // Sets the date field from YYYYMMDD in `column`; a blank column leaves the
  // field absent.
  absl::Status SetDate(int line_number, absl::string_view line, const HcpcsColumn& column,
                       MutableDate mutable_date, CodeRecord& r) {
    const absl::string_view raw = TrimRaw(Slice(line, column.begin, column.width));
    if (raw.empty()) return absl::OkStatus();
    std::optional<absl::CivilDay> day = ParseYyyymmdd(raw);
    if (!day) {
      return Error(line_number, absl::StrCat(column.field, " '", absl::CHexEscape(raw),
                                             "' is not a valid YYYYMMDD date"));
    }
    StoreDate(*day, (r.*mutable_date)());
    return absl::OkStatus();
  }

  absl::Status StartRecord(int line_number, absl::string_view line, absl::string_view code_field,
                           CodeShape shape) {
    has_current_ = true;
    current_code_field_ = code_field;
    current_.Clear();
    current_.set_line_number(line_number);
    const std::string code(TrimRaw(code_field));
    drop_current_ = shape == CodeShape::kCode && IsCptShapedCode(code);
    if (drop_current_) {
      ++result_.counts.dropped_cpt_codes;
      return absl::OkStatus();
    }
    CodeRecord& r = current_;
    r.set_code(code);
    r.set_kind(shape == CodeShape::kModifier ? RECORD_KIND_MODIFIER : RECORD_KIND_CODE);
    r.set_sequence(Text(line, kSequence));
    r.set_long_description(Text(line, kLongDescription));
    r.set_short_description(Text(line, kShortDescription));
    AddRepeated(line, kPricingIndicators, r.mutable_pricing_indicators());
    r.set_multiple_pricing_indicator(Text(line, kMultiplePricing));
    AddRepeated(line, kCoverageIssuesManual, r.mutable_coverage_issues_manual_refs());
    AddRepeated(line, kCarriersManual, r.mutable_carriers_manual_refs());
    r.set_statute(Text(line, kStatute));
    AddRepeated(line, kLabCertifications, r.mutable_lab_certifications());
    AddRepeated(line, kCrossReferences, r.mutable_cross_references());
    r.set_coverage_code(Text(line, kCoverageCode));
    if (absl::Status s = ParseAsc(line_number, line, r); !s.ok()) return s;
    r.set_mog_payment_group(Text(line, kMogGroup));
    r.set_mog_payment_policy_indicator(Text(line, kMogPolicy));
    if (absl::Status s =
            SetDate(line_number, line, kMogDate, &CodeRecord::mutable_mog_effective_date, r);
        !s.ok()) {
      return s;
    }
    r.set_processing_note_number(Text(line, kProcessingNote));
    r.set_betos(Text(line, kBetos));
    AddRepeated(line, kTypesOfService, r.mutable_types_of_service());
    const absl::string_view units =
        TrimRaw(Slice(line, kAnesthesiaBaseUnits.begin, kAnesthesiaBaseUnits.width));
    if (!units.empty()) {
      int value = 0;
      for (char c : units) {
        if (!IsDigit(c)) {
          return Error(line_number, absl::StrCat("anesthesia_base_units '", absl::CHexEscape(units),
                                                 "' is not a number"));
        }
        value = value * 10 + (c - '0');
      }
      r.set_anesthesia_base_units(value);
      r.set_has_anesthesia_base_units(true);
    }
    for (const auto& [column, mutable_date] :
         {std::pair{&kAddedDate, &CodeRecord::mutable_added_date},
          std::pair{&kActionEffectiveDate, &CodeRecord::mutable_action_effective_date},
          std::pair{&kTerminationDate, &CodeRecord::mutable_termination_date}}) {
      if (absl::Status s = SetDate(line_number, line, *column, mutable_date, r); !s.ok()) {
        return s;
      }
    }
    r.set_action_code(Text(line, kActionCode));
    if (shape == CodeShape::kModifier) {
      ++result_.counts.modifier_first_lines;
    } else {
      ++result_.counts.code_first_lines;
    }
    return absl::OkStatus();
  }

  // ASC payment group (231-232) and its effective date (233-240). The 2018
  // file has records (C9488, C9745-C9748) whose blank group is followed by
  // the date starting two columns early, in 231-238; exactly that shape is
  // read as "no group, date in 231-238" and counted; any other invalid date
  // is an error.
  absl::Status ParseAsc(int line_number, absl::string_view line, CodeRecord& r) {
    const absl::string_view raw_date = TrimRaw(Slice(line, kAscDate.begin, kAscDate.width));
    if (!raw_date.empty() && !ParseYyyymmdd(raw_date)) {
      const absl::string_view shifted = Slice(line, kAscGroup.begin, kAscDate.width);
      const absl::string_view after = Slice(line, kAscDate.end() - 1, 2);
      std::optional<absl::CivilDay> day = ParseYyyymmdd(shifted);
      if (day && TrimRaw(after).empty()) {
        StoreDate(*day, r.mutable_asc_payment_group_effective_date());
        ++result_.counts.repaired_asc_dates;
        return absl::OkStatus();
      }
    }
    r.set_asc_payment_group(Text(line, kAscGroup));
    return SetDate(line_number, line, kAscDate,
                   &CodeRecord::mutable_asc_payment_group_effective_date, r);
  }

  void Flush() {
    if (has_current_ && !drop_current_) {
      result_.records.push_back(std::move(current_));
    }
    current_.Clear();
    has_current_ = false;
    drop_current_ = false;
  }

  absl::string_view file_name_;
  HcpcsFile result_;
  CodeRecord current_;
  absl::string_view current_code_field_;
  bool has_current_ = false;
  bool drop_current_ = false;
};

}  // namespace

bool IsCptShapedCode(absl::string_view code) {
  if (code.size() != 5) return false;
  for (int i = 0; i < 4; ++i) {
    if (!IsDigit(code[i])) return false;
  }
  const char last = code[4];
  return IsDigit(last) || last == 'F' || last == 'T' || last == 'U';
}

absl::StatusOr<HcpcsFile> ReadHcpcsRecords(absl::string_view file_name, absl::string_view data) {
  return FileParser(file_name).Parse(data);
}

}  // namespace codingahead::importer
