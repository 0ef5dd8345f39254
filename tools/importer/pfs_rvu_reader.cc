#include "tools/importer/pfs_rvu_reader.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/importer/edit_file_util.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::RvuRecord;

// 0-based column positions of the PPRRVU layout.
enum Column {
  kHcpcs = 0,
  kModifier = 1,
  kDescription = 2,
  kStatus = 3,
  kNotUsedForPayment = 4,
  kWorkRvu = 5,
  kNonFacilityPe = 6,
  kNonFacilityNa = 7,
  kFacilityPe = 8,
  kFacilityNa = 9,
  kMpRvu = 10,
  kNonFacilityTotal = 11,
  kFacilityTotal = 12,
  kPctc = 13,
  kGlobalDays = 14,
  kPreOp = 15,
  kIntraOp = 16,
  kPostOp = 17,
  kMultProc = 18,
  kBilateral = 19,
  kAssistant = 20,
  kCoSurgeons = 21,
  kTeam = 22,
  kEndoBase = 23,
  kConversionFactor = 24,
  kMinColumns = 25,
};

// A published decimal ("1.30", ".09", "0"): digits with at most one point.
bool IsDecimal(absl::string_view text) {
  if (text.empty()) return false;
  bool digit = false, point = false;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digit;
}

}  // namespace

absl::StatusOr<PfsRvuFile> ReadPfsRvuFile(absl::string_view file_name, absl::string_view data) {
  const std::string text = EditFileText(data);
  const std::vector<absl::string_view> lines = SplitLines(text);
  PfsRvuFile file;
  absl::flat_hash_map<std::string, int> first_line_of;
  bool in_rows = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    auto fail = [&](absl::string_view reason) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_number, ": ", reason));
    };
    const absl::string_view line = lines[i];
    if (IsBlank(line)) {
      ++(in_rows ? file.skipped_blank_lines : file.skipped_header_lines);
      continue;
    }
    absl::StatusOr<std::vector<std::string>> split = SplitCsvLine(line);
    const bool row = split.ok() && !split->empty() &&
                     IsFiveCharacterCode(absl::StripAsciiWhitespace((*split)[kHcpcs]));
    if (!row) {
      if (!in_rows) {
        ++file.skipped_header_lines;
        continue;
      }
      if (!split.ok()) return fail(split.status().message());
      return fail("not an RVU row (expected a five-character HCPCS code first)");
    }
    in_rows = true;
    std::vector<std::string>& fields = *split;
    if (fields.size() < kMinColumns) {
      return fail(absl::StrCat("expected at least ", static_cast<int>(kMinColumns),
                               " comma-separated columns, found ", fields.size()));
    }
    for (std::string& field : fields) field = std::string(absl::StripAsciiWhitespace(field));
    fields[kDescription].clear();  // never kept

    RvuRecord& record = file.records.emplace_back();
    record.set_line_number(line_number);
    record.set_code(absl::AsciiStrToUpper(fields[kHcpcs]));
    record.set_modifier(absl::AsciiStrToUpper(fields[kModifier]));
    if (!record.modifier().empty() &&
        (record.modifier().size() != 2 || !absl::ascii_isalnum(record.modifier()[0]) ||
         !absl::ascii_isalnum(record.modifier()[1]))) {
      return fail(absl::StrCat("modifier \"", record.modifier(), "\" is not two characters"));
    }
    const std::string key = absl::StrCat(record.code(), "-", record.modifier());
    auto [it, inserted] = first_line_of.emplace(key, line_number);
    if (!inserted) {
      return fail(absl::StrCat(record.code(), record.modifier().empty() ? "" : "-",
                               record.modifier(), " is listed twice (first on line ", it->second,
                               ")"));
    }
    if (fields[kStatus].size() != 1 || !absl::ascii_isalpha(fields[kStatus][0])) {
      return fail(absl::StrCat("status code \"", fields[kStatus], "\" is not one letter"));
    }
    record.set_status_code(absl::AsciiStrToUpper(fields[kStatus]));
    if (!fields[kNotUsedForPayment].empty() && fields[kNotUsedForPayment] != "1") {
      return fail(absl::StrCat("not-used-for-Medicare-payment flag \"", fields[kNotUsedForPayment],
                               "\" is not 1 or blank"));
    }
    record.set_not_used_for_medicare_payment(fields[kNotUsedForPayment] == "1");

    struct Number {
      Column column;
      const char* name;
      void (RvuRecord::*set)(double);
    };
    const Number numbers[] = {
        {kWorkRvu, "work RVU", &RvuRecord::set_work_rvu},
        {kNonFacilityPe, "non-facility PE RVU", &RvuRecord::set_non_facility_pe_rvu},
        {kFacilityPe, "facility PE RVU", &RvuRecord::set_facility_pe_rvu},
        {kMpRvu, "MP RVU", &RvuRecord::set_mp_rvu},
        {kNonFacilityTotal, "non-facility total", &RvuRecord::set_non_facility_total},
        {kFacilityTotal, "facility total", &RvuRecord::set_facility_total},
        {kPreOp, "pre-op fraction", &RvuRecord::set_preop_fraction},
        {kIntraOp, "intra-op fraction", &RvuRecord::set_intraop_fraction},
        {kPostOp, "post-op fraction", &RvuRecord::set_postop_fraction},
    };
    for (Column na : {kNonFacilityNa, kFacilityNa}) {
      if (!fields[na].empty() && absl::AsciiStrToUpper(fields[na]) != "NA") {
        return fail(absl::StrCat("NA indicator \"", fields[na], "\" is not NA or blank"));
      }
    }
    record.set_non_facility_na(!fields[kNonFacilityNa].empty());
    record.set_facility_na(!fields[kFacilityNa].empty());
    for (const Number& number : numbers) {
      const std::string& value = fields[number.column];
      // A setting marked NA may leave its PE RVU and total blank or "NA".
      const bool not_applicable =
          (record.non_facility_na() &&
           (number.column == kNonFacilityPe || number.column == kNonFacilityTotal)) ||
          (record.facility_na() &&
           (number.column == kFacilityPe || number.column == kFacilityTotal));
      if (not_applicable && (value.empty() || absl::AsciiStrToUpper(value) == "NA")) continue;
      double parsed = 0;
      if (!IsDecimal(value) || !absl::SimpleAtod(value, &parsed)) {
        return fail(absl::StrCat(number.name, " \"", value, "\" is not a number"));
      }
      (record.*number.set)(parsed);
    }
    if (fields[kGlobalDays].size() != 3) {
      return fail(absl::StrCat("global days \"", fields[kGlobalDays],
                               "\" is not three characters (000, 010, 090, XXX, YYY, ZZZ, MMM)"));
    }
    record.set_global_days(absl::AsciiStrToUpper(fields[kGlobalDays]));
    struct Indicator {
      Column column;
      const char* name;
      void (RvuRecord::*set)(const std::string&);
    };
    const Indicator indicators[] = {
        {kPctc, "PC/TC indicator", &RvuRecord::set_pctc_indicator},
        {kMultProc, "multiple procedure indicator", &RvuRecord::set_multiple_procedure_indicator},
        {kBilateral, "bilateral surgery indicator", &RvuRecord::set_bilateral_surgery_indicator},
        {kAssistant, "assistant at surgery indicator",
         &RvuRecord::set_assistant_at_surgery_indicator},
        {kCoSurgeons, "co-surgeons indicator", &RvuRecord::set_co_surgeons_indicator},
        {kTeam, "team surgery indicator", &RvuRecord::set_team_surgery_indicator},
    };
    for (const Indicator& indicator : indicators) {
      const std::string& value = fields[indicator.column];
      if (value.size() != 1 || !absl::ascii_isdigit(static_cast<unsigned char>(value[0]))) {
        return fail(absl::StrCat(indicator.name, " \"", value, "\" is not one digit"));
      }
      (record.*indicator.set)(value);
    }
    if (!fields[kEndoBase].empty() && !IsFiveCharacterCode(fields[kEndoBase])) {
      return fail(absl::StrCat("endoscopic base code \"", fields[kEndoBase], "\" is not a code"));
    }
    record.set_endoscopic_base_code(fields[kEndoBase]);
    if (!IsDecimal(fields[kConversionFactor])) {
      return fail(
          absl::StrCat("conversion factor \"", fields[kConversionFactor], "\" is not a number"));
    }
    record.set_conversion_factor(fields[kConversionFactor]);
  }
  if (file.records.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", lines.size(), ": no RVU rows (is this a PFS PPRRVU file?)"));
  }
  return file;
}

}  // namespace codingahead::importer
