#ifndef CODINGAHEAD_TOOLS_IMPORTER_PFS_RVU_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_PFS_RVU_READER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

struct PfsRvuFile {
  std::vector<catalog::snapshot::v1::RvuRecord> records;  // in file order
  int skipped_header_lines = 0;  // notice and column-title lines before the first row
  int skipped_blank_lines = 0;   // blank lines among the rows
};

// Reads the CMS Physician Fee Schedule relative value file (PPRRVUyy_*.csv,
// comma-separated, quoted fields may hold commas). Columns, 1-based:
//    1 HCPCS   2 MOD   3 DESCRIPTION (not kept: licensed CPT text)
//    4 STATUS CODE   5 NOT USED FOR MEDICARE PAYMENT   6 WORK RVU
//    7 NON-FAC PE RVU   8 NON-FAC NA INDICATOR   9 FACILITY PE RVU
//   10 FACILITY NA INDICATOR   11 MP RVU   12 NON-FACILITY TOTAL
//   13 FACILITY TOTAL   14 PCTC IND   15 GLOB DAYS   16 PRE OP
//   17 INTRA OP   18 POST OP   19 MULT PROC   20 BILAT SURG
//   21 ASST SURG   22 CO-SURG   23 TEAM SURG   24 ENDO BASE
//   25 CONV FACTOR   26.. (supervision, calculation flag, imaging family,
//   OPPS amounts: read past, not kept)
// Lines before the first row (notice, column titles over several lines)
// are skipped and counted; a row is a line whose first field is a
// five-character code. After the first row every non-blank line must be a
// row with at least 25 columns, numbers where numbers belong (a PE RVU or
// total of a setting whose NA indicator is "NA" may be blank or "NA"), a
// status code
// and no repeated code+modifier; otherwise InvalidArgument
// "<file_name>:<line>: <reason>", as for a file without rows.
absl::StatusOr<PfsRvuFile> ReadPfsRvuFile(absl::string_view file_name, absl::string_view data);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_PFS_RVU_READER_H_
