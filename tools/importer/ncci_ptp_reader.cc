#include "tools/importer/ncci_ptp_reader.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/importer/edit_file_util.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::PtpEdit;

constexpr int kColumns = 7;

bool LooksLikeRow(const std::vector<absl::string_view>& fields) {
  return fields.size() >= 2 && IsFiveCharacterCode(absl::StripAsciiWhitespace(fields[0])) &&
         IsFiveCharacterCode(absl::StripAsciiWhitespace(fields[1]));
}

}  // namespace

absl::StatusOr<PtpFile> ReadNcciPtpFile(absl::string_view file_name, absl::string_view data) {
  const std::string text = EditFileText(data);
  const std::vector<absl::string_view> lines = SplitLines(text);
  PtpFile file;
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
    const std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (!LooksLikeRow(fields)) {
      if (!in_rows) {
        ++file.skipped_header_lines;
        continue;
      }
      return fail("not an edit row (expected column 1 and column 2 codes, tab-separated)");
    }
    in_rows = true;
    size_t used = fields.size();
    while (used > kColumns && IsBlank(fields[used - 1])) --used;  // trailing empty cells
    if (used != kColumns) {
      return fail(absl::StrCat("expected ", kColumns, " tab-separated columns, found ", used));
    }
    PtpEdit& edit = file.edits.emplace_back();
    edit.set_line_number(line_number);
    edit.set_column1_code(absl::AsciiStrToUpper(absl::StripAsciiWhitespace(fields[0])));
    edit.set_column2_code(absl::AsciiStrToUpper(absl::StripAsciiWhitespace(fields[1])));
    if (edit.column1_code() == edit.column2_code()) {
      return fail(absl::StrCat("column 1 and column 2 are the same code ", edit.column1_code()));
    }
    const absl::string_view prior = absl::StripAsciiWhitespace(fields[2]);
    if (prior != "*" && !prior.empty()) {
      return fail(absl::StrCat("prior-to-1996 flag is \"", prior, "\", expected \"*\" or blank"));
    }
    edit.set_prior_to_1996(prior == "*");
    const absl::string_view effective_text = absl::StripAsciiWhitespace(fields[3]);
    const std::optional<google::type::Date> effective = ParseYyyymmdd(effective_text);
    if (!effective) {
      return fail(absl::StrCat("effective date \"", effective_text, "\" is not YYYYMMDD"));
    }
    *edit.mutable_effective_date() = *effective;
    const absl::string_view deletion_text = absl::StripAsciiWhitespace(fields[4]);
    if (deletion_text != "*") {
      const std::optional<google::type::Date> deletion = ParseYyyymmdd(deletion_text);
      if (!deletion) {
        return fail(absl::StrCat("deletion date \"", deletion_text, "\" is not YYYYMMDD or \"*\""));
      }
      if (deletion_text < effective_text) {
        return fail(absl::StrCat("deletion date ", deletion_text, " is before the effective date ",
                                 effective_text));
      }
      *edit.mutable_deletion_date() = *deletion;
    }
    const absl::string_view indicator = absl::StripAsciiWhitespace(fields[5]);
    if (indicator != "0" && indicator != "1" && indicator != "9") {
      return fail(absl::StrCat("modifier indicator \"", indicator, "\" is not 0, 1 or 9"));
    }
    edit.set_modifier_indicator(indicator[0] - '0');
    edit.set_rationale(CollapseWhitespace(fields[6]));
  }
  if (file.edits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", lines.size(), ": no edit rows (is this an NCCI PTP table?)"));
  }
  return file;
}

}  // namespace codingahead::importer
