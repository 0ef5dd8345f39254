#include "tools/importer/mue_reader.h"

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

using ::codingahead::catalog::snapshot::v1::MueLimit;

constexpr int kColumns = 4;
// Larger than any published MUE value; a bigger number is a damaged file.
constexpr int kMaxMueValue = 1000000;

}  // namespace

absl::StatusOr<MueFile> ReadMueFile(absl::string_view file_name, absl::string_view data) {
  const std::string text = EditFileText(data);
  const std::vector<absl::string_view> lines = SplitLines(text);
  MueFile file;
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
    absl::StatusOr<std::vector<std::string>> fields = SplitCsvLine(line);
    const bool row = fields.ok() && !fields->empty() &&
                     IsFiveCharacterCode(absl::StripAsciiWhitespace((*fields)[0]));
    if (!row) {
      if (!in_rows) {
        ++file.skipped_header_lines;
        continue;
      }
      if (!fields.ok()) return fail(fields.status().message());
      return fail("not an MUE row (expected a five-character HCPCS/CPT code first)");
    }
    in_rows = true;
    size_t used = fields->size();
    while (used > kColumns && IsBlank((*fields)[used - 1])) --used;
    if (used != kColumns) {
      return fail(absl::StrCat("expected ", kColumns, " comma-separated columns, found ", used));
    }
    MueLimit& limit = file.limits.emplace_back();
    limit.set_line_number(line_number);
    limit.set_code(absl::AsciiStrToUpper(absl::StripAsciiWhitespace((*fields)[0])));
    auto [it, inserted] = first_line_of.emplace(limit.code(), line_number);
    if (!inserted) {
      return fail(absl::StrCat(limit.code(), " is listed twice (first on line ", it->second, ")"));
    }
    const absl::string_view value_text = absl::StripAsciiWhitespace((*fields)[1]);
    int value = 0;
    if (value_text.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(value_text[0])) ||
        !absl::SimpleAtoi(value_text, &value) || value > kMaxMueValue) {
      return fail(absl::StrCat("MUE value \"", value_text, "\" is not a whole number of units"));
    }
    limit.set_value(value);
    const std::string mai_text = CollapseWhitespace((*fields)[2]);
    if (mai_text.empty() || mai_text[0] < '1' || mai_text[0] > '3' ||
        (mai_text.size() > 1 && mai_text[1] != ' ')) {
      return fail(absl::StrCat("MUE adjudication indicator \"", mai_text,
                               "\" does not start with 1, 2 or 3"));
    }
    limit.set_adjudication_indicator(mai_text[0] - '0');
    limit.set_adjudication_text(mai_text);
    limit.set_rationale(CollapseWhitespace((*fields)[3]));
  }
  if (file.limits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", lines.size(), ": no MUE rows (is this an MUE table?)"));
  }
  return file;
}

}  // namespace codingahead::importer
