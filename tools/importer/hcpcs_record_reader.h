#ifndef CODINGAHEAD_TOOLS_IMPORTER_HCPCS_RECORD_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_HCPCS_RECORD_READER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

// One field of the 320-character HCPCS contractor record: 1-based first
// column, width of one occurrence, number of occurrences. `field` is the
// CodeRecord field it fills ("record_id" is the record identification code,
// which decides the CodeRecord kind and is not stored).
struct HcpcsColumn {
  absl::string_view field;
  int begin;
  int width;
  int occurs;

  int end() const { return begin + width * occurs - 1; }
};

// The record layout (HCPCS2019_recordlayout.txt). CheckLayoutAgrees() in
// record_layout_reader.h verifies these against the layout file at import.
inline constexpr int kHcpcsRecordLength = 320;
inline constexpr HcpcsColumn kHcpcsColumns[] = {
    {"code", 1, 5, 1},
    {"sequence", 6, 5, 1},
    {"record_id", 11, 1, 1},
    {"long_description", 12, 80, 1},
    {"short_description", 92, 28, 1},
    {"pricing_indicators", 120, 2, 4},
    {"multiple_pricing_indicator", 128, 1, 1},
    {"coverage_issues_manual_refs", 129, 6, 3},
    {"carriers_manual_refs", 147, 8, 3},
    {"statute", 171, 10, 1},
    {"lab_certifications", 181, 3, 8},
    {"cross_references", 205, 5, 5},
    {"coverage_code", 230, 1, 1},
    {"asc_payment_group", 231, 2, 1},
    {"asc_payment_group_effective_date", 233, 8, 1},
    {"mog_payment_group", 241, 3, 1},
    {"mog_payment_policy_indicator", 244, 1, 1},
    {"mog_effective_date", 245, 8, 1},
    {"processing_note_number", 253, 4, 1},
    {"betos", 257, 3, 1},
    {"types_of_service", 261, 1, 5},
    {"anesthesia_base_units", 266, 3, 1},
    {"added_date", 269, 8, 1},
    {"action_effective_date", 277, 8, 1},
    {"termination_date", 285, 8, 1},
    {"action_code", 293, 1, 1},
};

struct HcpcsFileCounts {
  int code_first_lines = 0;              // record id 3, kept
  int modifier_first_lines = 0;          // record id 7, kept
  int continuation_lines = 0;            // record ids 4 / 8 joined into kept records
  int skipped_leading_lines = 0;         // lines before the first record
  int skipped_trailing_blank_lines = 0;  // blank lines after the last record
  // First lines whose code has a CPT shape (NNNNN, NNNNF, NNNNT, NNNNU);
  // dropped with their continuations: CPT text never comes from this file.
  int dropped_cpt_codes = 0;
  // Records whose ASC payment group effective date was found shifted two
  // columns left into the empty ASC group field (2018 file, C9488 etc.).
  int repaired_asc_dates = 0;
};

struct HcpcsFile {
  std::vector<catalog::snapshot::v1::CodeRecord> records;
  HcpcsFileCounts counts;
};

// Reads one HCPCS contractor file (`data` as raw cp1252 bytes, CRLF or LF).
//
// A record is a line whose column 11 is 3, 4, 7 or 8 and whose columns 1-5
// hold a code (5 of [A-Z0-9]) or a right-aligned modifier (3 spaces and 2 of
// [A-Z0-9]); lines shorter than 320 characters count as space-padded. Lines
// before the first record are skipped and counted; blank lines after the last
// record are skipped and counted. Anything else fails with
// InvalidArgument "<file_name>:<line>: <reason>": a non-record line or a
// blank line followed by more records, a continuation before any first line
// or for another code, a code/modifier shape that does not match its record
// id, a non-blank byte after column 320, an invalid YYYYMMDD date or a
// non-numeric anesthesia base unit. Text is converted to UTF-8; long
// descriptions are the trimmed column 12-91 texts joined with single spaces.
absl::StatusOr<HcpcsFile> ReadHcpcsRecords(absl::string_view file_name, absl::string_view data);

// True for 5-character codes in a CPT shape (Category I NNNNN, II NNNNF,
// III NNNNT, PLA NNNNU).
bool IsCptShapedCode(absl::string_view code);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_HCPCS_RECORD_READER_H_
