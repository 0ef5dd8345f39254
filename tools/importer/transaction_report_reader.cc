#include "tools/importer/transaction_report_reader.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tools/importer/cp1252.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::TransactionEntry;

bool IsCode(absl::string_view code) {
  if (code.size() != 2 && code.size() != 5) return false;
  for (char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Text(absl::string_view raw) {
  return CollapseWhitespace(Cp1252ToUtf8(absl::StripAsciiWhitespace(raw)));
}

}  // namespace

std::string TransactionActionCode(absl::string_view change) {
  const std::string text = absl::AsciiStrToLower(absl::StripAsciiWhitespace(change));
  if (text == "add") return "A";
  if (absl::StartsWith(text, "discontinued")) return "D";
  if (absl::StartsWith(text, "coverage & long desc") ||
      absl::StartsWith(text, "coverage and long desc")) {
    return "B";
  }
  if (absl::StartsWith(text, "long desc")) return "C";
  if (absl::StartsWith(text, "coverage change")) return "F";
  if (absl::StartsWith(text, "payment change")) return "P";
  if (absl::StartsWith(text, "short desc")) return "S";
  if (absl::StartsWith(text, "misc")) return "T";
  if (absl::StartsWith(text, "re-activ") || absl::StartsWith(text, "reactiv")) return "R";
  if (absl::StartsWith(text, "no change")) return "N";
  return "";
}

absl::StatusOr<std::vector<TransactionEntry>> ReadTransactionReport(absl::string_view file_name,
                                                                    absl::string_view data) {
  const std::vector<absl::string_view> lines = SplitLines(data);
  size_t first = 0;
  while (first < lines.size() && IsBlank(lines[first])) ++first;
  const std::string upper_header = first == lines.size() ? "" : absl::AsciiStrToUpper(lines[first]);
  if (!absl::StrContains(upper_header, "HCPCS") ||
      !absl::StrContains(upper_header, "TYPE OF CHANGE")) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", first + 1,
                     ": not a transaction report (no \"HCPCS ... Type of Change\" header)"));
  }
  // The 2019 layout: descriptions in the header's columns.
  size_t short_column = upper_header.find("SHORT DESCRIPTION");
  size_t long_column = upper_header.find("LONG DESCRIPTION");
  if (long_column != std::string::npos && long_column < short_column) {
    long_column = std::string::npos;
  }
  std::vector<TransactionEntry> entries;
  for (size_t i = first + 1; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    const absl::string_view line = lines[i];
    if (IsBlank(line)) continue;
    absl::string_view head = line;
    if (short_column != absl::string_view::npos && line.size() > short_column) {
      head = line.substr(0, short_column);
    }
    head = absl::StripLeadingAsciiWhitespace(head);
    size_t end = 0;
    while (end < head.size() && !absl::ascii_isspace(static_cast<unsigned char>(head[end]))) ++end;
    const absl::string_view code = head.substr(0, end);
    const absl::string_view change = absl::StripAsciiWhitespace(head.substr(end));
    if (!IsCode(code)) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_number, ": \"", code,
                                                     "\" is not an HCPCS code or modifier"));
    }
    if (change.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", line_number, ": no type of change for ", code));
    }
    TransactionEntry& entry = entries.emplace_back();
    entry.set_code(std::string(code));
    entry.set_change(Text(change));
    entry.set_action_code(TransactionActionCode(change));
    entry.set_line_number(line_number);
    if (short_column != absl::string_view::npos && line.size() > short_column) {
      const size_t short_end = long_column == absl::string_view::npos ? absl::string_view::npos
                                                                      : long_column - short_column;
      entry.set_short_description(Text(line.substr(short_column, short_end)));
      if (long_column != absl::string_view::npos && line.size() > long_column) {
        entry.set_long_description(Text(line.substr(long_column)));
      }
    }
  }
  if (entries.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", lines.size(), ": the transaction report lists no code"));
  }
  return entries;
}

}  // namespace codingahead::importer
