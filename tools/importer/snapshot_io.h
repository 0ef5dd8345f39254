#ifndef CODINGAHEAD_TOOLS_IMPORTER_SNAPSHOT_IO_H_
#define CODINGAHEAD_TOOLS_IMPORTER_SNAPSHOT_IO_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

// Reading and writing catalog snapshots. Linked by the catalog service, so it
// depends on nothing but the protos, Abseil and sha256.
//
// On disk:
//   <out_dir>/snapshots/<snapshot_id>.pb   serialized Snapshot
//   <out_dir>/CURRENT                      one line: "<snapshot_id>.pb"
// Both are written to a temporary file in the same folder, flushed to disk
// and renamed into place, so a reader sees either the old or the new file.
namespace codingahead::importer {

inline constexpr absl::string_view kCurrentFileName = "CURRENT";
inline constexpr absl::string_view kSnapshotsDirName = "snapshots";

// First 16 hex digits of the SHA-256 of the snapshot's release ids and
// source digests, in order: for each release "<id>\n", then for each of its
// sources "<sha256>\n".
std::string ComputeSnapshotId(const catalog::snapshot::v1::Snapshot& snapshot);

// Writes `snapshot` as <out_dir>/snapshots/<snapshot_id>.pb, then points
// <out_dir>/CURRENT at it. Returns the snapshot file's path. The snapshot
// must have format_version FORMAT_VERSION_1 and a 16-hex-digit snapshot_id
// (InvalidArgument otherwise); folders are created as needed.
absl::StatusOr<std::string> WriteSnapshot(const catalog::snapshot::v1::Snapshot& snapshot,
                                          const std::string& out_dir);

// Reads one snapshot file. NotFound if missing, DataLoss if it does not
// parse, FailedPrecondition if its format_version is not FORMAT_VERSION_1.
absl::StatusOr<catalog::snapshot::v1::Snapshot> ReadSnapshot(const std::string& path);

// The path of the snapshot <out_dir>/CURRENT names. NotFound if CURRENT or
// the file it names is missing; DataLoss if CURRENT does not hold a plain
// "<name>.pb" file name.
absl::StatusOr<std::string> ResolveCurrentSnapshot(const std::string& out_dir);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_SNAPSHOT_IO_H_
