#ifndef CODINGAHEAD_TOOLS_IMPORTER_RECORD_LAYOUT_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_RECORD_LAYOUT_READER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

// A value of a coded field and what it means ("D", "Discontinue procedure or
// modifier code"). Multi-line meanings are joined with single spaces.
using CodeMeanings = std::vector<std::pair<std::string, std::string>>;

// One numbered field of the CMS record layout file.
struct LayoutField {
  int number = 0;
  std::string name;  // "HCPCS Coverage Code"
  int length = 0;    // of one occurrence
  int begin = 0;     // 1-based
  int end = 0;
  int occurs_max = 1;
  std::string code_table;  // "CODE TABLE : BETOS_TB" -> "BETOS_TB"
  CodeMeanings codes;      // the field's own "CODES :" block
  int line_number = 0;
};

struct RecordLayout {
  std::vector<LayoutField> fields;
  // "TABLE OF CODES APPENDIX" tables by name ("BETOS_TB").
  std::map<std::string, CodeMeanings> tables;
};

// Reads HCPCSyyyy_recordlayout.txt (raw cp1252). Fails with InvalidArgument
// "<file_name>:<line>: <reason>" if no field with positions is found or a
// field header has no "LENGTH BEG END" line.
absl::StatusOr<RecordLayout> ReadRecordLayout(absl::string_view file_name, absl::string_view data);

// The layout's code tables keyed by CodeRecord field name (fields matched by
// columns against kHcpcsColumns; the record identification code is
// "record_id"): pricing_indicators, multiple_pricing_indicator,
// lab_certifications, coverage_code, mog_payment_group,
// mog_payment_policy_indicator, betos, types_of_service, action_code, ...
// In kHcpcsColumns order.
std::vector<catalog::snapshot::v1::CodeTable> BuildCodeTables(const RecordLayout& layout);

// FailedPrecondition naming the field unless every kHcpcsColumns entry has a
// layout field with the same first column, width and occurrence count — a
// future layout that moves a field fails the import instead of misreading.
absl::Status CheckLayoutAgrees(const RecordLayout& layout, absl::string_view file_name);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_RECORD_LAYOUT_READER_H_
