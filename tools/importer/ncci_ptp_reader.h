#ifndef CODINGAHEAD_TOOLS_IMPORTER_NCCI_PTP_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_NCCI_PTP_READER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

struct PtpFile {
  std::vector<catalog::snapshot::v1::PtpEdit> edits;  // in file order
  int skipped_header_lines = 0;  // notice and column-title lines before the first row
  int skipped_blank_lines = 0;   // blank lines among the rows
};

// Reads an NCCI procedure-to-procedure table (practitioner or hospital) in
// the published tab-delimited text layout, seven columns per row:
//   column 1 code, column 2 code, "*" when the edit was in existence prior
//   to 1996 (else blank), effective date YYYYMMDD, deletion date YYYYMMDD
//   or "*" for none, modifier indicator 0/1/9, PTP edit rationale.
// Lines before the first row (the CMS/AMA copyright notice and the column
// titles spread over several lines) are skipped and counted; a row is a
// line whose first two tab-separated fields are five-character codes.
// After the first row every non-blank line must be a row. UTF-8 or cp1252,
// CRLF or LF. A malformed row (field count, code, date, a deletion date
// before the effective date, indicator) or a file without rows is
// InvalidArgument "<file_name>:<line>: <reason>".
absl::StatusOr<PtpFile> ReadNcciPtpFile(absl::string_view file_name, absl::string_view data);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_NCCI_PTP_READER_H_
