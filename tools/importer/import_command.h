#ifndef CODINGAHEAD_TOOLS_IMPORTER_IMPORT_COMMAND_H_
#define CODINGAHEAD_TOOLS_IMPORTER_IMPORT_COMMAND_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "tools/importer/snapshot_builder.h"

namespace codingahead::importer {

struct ImportOptions {
  SnapshotBuilderOptions builder;
  std::string out_dir;
};

// What `ca-import` does: builds the snapshot in memory, then writes it and
// CURRENT under `out_dir`, printing one line per release and a final line to
// `out`. All-or-nothing: if any input fails, nothing is written and the
// error ("<file>:<line>: <reason>") is returned.
absl::Status RunImport(const ImportOptions& options, std::ostream& out);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_IMPORT_COMMAND_H_
