#ifndef CODINGAHEAD_TOOLS_IMPORTER_EDIT_TABLE_BUILDER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_EDIT_TABLE_BUILDER_H_

#include <vector>

#include "absl/status/status.h"
#include "catalog/snapshot/v1/snapshot.pb.h"
#include "tools/importer/snapshot_builder.h"

namespace codingahead::importer {

// True when `options` names any NCCI PTP, MUE or PFS RVU file.
bool HasEditTableFiles(const SnapshotBuilderOptions& options);

// Reads every NCCI PTP, MUE and PFS RVU file `options` names and appends
// one EditTable per file to `snapshot` (PTP practitioner, PTP hospital,
// MUE practitioner, MUE outpatient hospital, MUE DME supplier, PFS RVU),
// each covering its quarter: id "<kind>-<yyyy>q<n>", e.g.
// "ncci-ptp-practitioner-2026q1". The first error fails the whole import
// ("<file>:<line>: <reason>"; a missing or malformed quarter names the
// flag).
absl::Status AddEditTables(const SnapshotBuilderOptions& options,
                           catalog::snapshot::v1::Snapshot& snapshot,
                           std::vector<EditTableStats>& stats);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_EDIT_TABLE_BUILDER_H_
