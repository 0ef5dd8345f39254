#ifndef CODINGAHEAD_TOOLS_IMPORTER_EDIT_FILE_UTIL_H_
#define CODINGAHEAD_TOOLS_IMPORTER_EDIT_FILE_UTIL_H_

// Helpers shared by the NCCI PTP, MUE and PFS RVU readers.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/type/date.pb.h"

namespace codingahead::importer {

// Splits one CSV line (RFC 4180 quoting: "a, b" is one field, "" inside
// quotes is a quote). Fields are returned unquoted, surrounding blanks
// kept. InvalidArgument on an unterminated quote.
absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line);

// True for a five-character HCPCS/CPT code: letters and digits, digits in
// positions 2-4 ("99213", "J1100", "0001U"; not the title "HCPCS").
bool IsFiveCharacterCode(absl::string_view code);

// "20260115" -> 2026-01-15; nullopt when not eight digits or not a date.
std::optional<google::type::Date> ParseYyyymmdd(absl::string_view text);

// A calendar quarter "2026Q1" (case-insensitive, "2026-Q1" accepted): its
// first and last day.
struct Quarter {
  int year = 0;
  int quarter = 0;  // 1..4
  google::type::Date first_day;
  google::type::Date last_day;
  std::string Suffix() const;  // "2026q1", for table ids
  std::string Label() const;   // "2026 Q1"
};
absl::StatusOr<Quarter> ParseQuarter(absl::string_view text);

// The file as UTF-8: a leading BOM dropped, and a file that is not valid
// UTF-8 read as cp1252 (CMS publishes both). Line breaks are unchanged, so
// line numbers stay those of the file.
std::string EditFileText(absl::string_view data);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_EDIT_FILE_UTIL_H_
