#ifndef CODINGAHEAD_TOOLS_IMPORTER_PROCESSING_NOTES_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_PROCESSING_NOTES_READER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

// Reads proc_notes_YYYY.txt (raw cp1252 bytes). A note starts on a line
// "<indent>NNNN--text" and continues on the following lines up to the next
// note; the right-margin "*" of each line is dropped, tabs and runs of spaces
// become single spaces. Lines before the first note (the title) are ignored.
// A note number seen twice, or a file without notes, is InvalidArgument
// "<file_name>:<line>: <reason>".
absl::StatusOr<std::vector<catalog::snapshot::v1::ProcessingNote>> ReadProcessingNotes(
    absl::string_view file_name, absl::string_view data);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_PROCESSING_NOTES_READER_H_
