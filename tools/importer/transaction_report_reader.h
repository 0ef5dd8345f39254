#ifndef CODINGAHEAD_TOOLS_IMPORTER_TRANSACTION_REPORT_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_TRANSACTION_REPORT_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

// The record layout's action code for a transaction report's "type of
// change" ("ADD" -> "A", "Discontinued" -> "D", "Long Description Change"
// -> "C", "Coverage & Long Desc Change" -> "B", "Coverage Change" -> "F",
// "Payment Change" -> "P", "Short Description Change" -> "S", "Misc Change
// (TOS, BETOS)" -> "T", "Re-activated" -> "R", "No Change" -> "N"); empty
// when not recognised. Case-insensitive, and tolerant of the 2019 report's
// cut-off labels ("Long Description Chang").
std::string TransactionActionCode(absl::string_view change);

// Reads an HCPCS transaction report (raw cp1252 bytes, CRLF or LF). The
// layout differs by year:
//   2017  "HCPCS/Modifier Code Type of Change", then "<code>   <type>"
//   2018  the same header without a space before "Type", a blank line
//   2019  " HCPCS/MOD  TYPE OF CHANGE  SHORT DESCRIPTION  LONG DESCRIPTION":
//         code and type in the first 34 columns, the short description in
//         the columns under "SHORT DESCRIPTION" and the long one (cut at
//         the report's width) from the column of "LONG DESCRIPTION" on.
// Modifiers are indented ("   LT"). Blank lines are skipped. The header is
// required; a line without a type of change, or a code that is not 2 or 5
// letters/digits, is InvalidArgument "<file_name>:<line>: <reason>".
absl::StatusOr<std::vector<catalog::snapshot::v1::TransactionEntry>> ReadTransactionReport(
    absl::string_view file_name, absl::string_view data);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_TRANSACTION_REPORT_READER_H_
