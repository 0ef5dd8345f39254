#ifndef CODINGAHEAD_TOOLS_IMPORTER_CPT_FILE_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_CPT_FILE_READER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

// The mark every placeholder descriptor carries (U+2014 EM DASH).
inline constexpr absl::string_view kPlaceholderMark = "PLACEHOLDER \xE2\x80\x94 not CPT text";

struct CptFile {
  std::vector<catalog::snapshot::v1::CodeRecord> records;
  int skipped_lines = 0;  // blank and "#" comment lines
};

// Reads a CPT descriptor file in the licensed-file layout: one
// "code<TAB>descriptor" per line, UTF-8 (a leading BOM is ignored; a file
// that is not valid UTF-8 is read as cp1252), CRLF or LF. Blank lines and
// lines starting with "#" are skipped and counted. The code must be a CPT
// code (NNNNN Category I, NNNNF Category II, NNNNT Category III, NNNNU PLA)
// and appear once; the descriptor must not be empty. With `placeholder`,
// each descriptor becomes "<kPlaceholderMark>: <descriptor>"; otherwise it
// is kept as written. Errors are InvalidArgument "<file_name>:<line>: ...".
absl::StatusOr<CptFile> ReadCptFile(absl::string_view file_name, absl::string_view data,
                                    bool placeholder);

// True if `data` is well-formed UTF-8 (no overlongs, surrogates or values
// above U+10FFFF).
bool IsValidUtf8(absl::string_view data);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_CPT_FILE_READER_H_
