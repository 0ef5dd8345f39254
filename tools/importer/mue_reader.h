#ifndef CODINGAHEAD_TOOLS_IMPORTER_MUE_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_MUE_READER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

struct MueFile {
  std::vector<catalog::snapshot::v1::MueLimit> limits;  // in file order
  int skipped_header_lines = 0;  // notice and column-title lines before the first row
  int skipped_blank_lines = 0;   // blank lines among the rows
};

// Reads an MUE table (practitioner services, outpatient hospital services
// or DME supplier services) in the published comma-separated layout, four
// columns per row (quoted fields may hold commas):
//   HCPCS/CPT code, MUE value (units), MUE adjudication indicator as
//   published ("1 Line Edit", "2 Date of Service Edit: Policy",
//   "3 Date of Service Edit: Clinical"), MUE rationale.
// Lines before the first row (copyright notice, column titles) are skipped
// and counted; a row is a line whose first field is a five-character code.
// After the first row every non-blank line must be a row; a code listed
// twice, a value that is not a whole number of units, or an indicator that
// does not start with 1, 2 or 3 is InvalidArgument "<file_name>:<line>:
// <reason>", as is a file without rows.
absl::StatusOr<MueFile> ReadMueFile(absl::string_view file_name, absl::string_view data);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_MUE_READER_H_
