#include "tools/importer/import_command.h"

#include <filesystem>

#include "absl/strings/str_format.h"
#include "tools/importer/snapshot_io.h"

namespace codingahead::importer {

absl::Status RunImport(const ImportOptions& options, std::ostream& out) {
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError("--out_dir is required");
  }
  const absl::Time start = options.builder.clock();
  absl::StatusOr<BuildResult> built = SnapshotBuilder(options.builder).Build();
  if (!built.ok()) return built.status();
  for (const ReleaseStats& s : built->stats) {
    out << absl::StrFormat(
        "%-16s records=%d codes=%d modifiers=%d continuation_lines=%d "
        "skipped_lines=%d processing_notes=%d dropped_cpt_codes=%d "
        "repaired_asc_dates=%d elapsed_ms=%d%s%s\n",
        s.release_id, s.records, s.codes, s.modifiers, s.continuation_lines, s.skipped_lines,
        s.processing_notes, s.dropped_cpt_codes, s.repaired_asc_dates,
        absl::ToInt64Milliseconds(s.elapsed), s.details.empty() ? "" : " ", s.details);
  }
  for (const EditTableStats& s : built->edit_stats) {
    out << absl::StrFormat(
        "%-16s rows=%d skipped_header_lines=%d skipped_blank_lines=%d elapsed_ms=%d%s%s\n",
        s.table_id, s.rows, s.skipped_header_lines, s.skipped_blank_lines,
        absl::ToInt64Milliseconds(s.elapsed), s.details.empty() ? "" : " ", s.details);
  }
  absl::StatusOr<std::string> path = WriteSnapshot(built->snapshot, options.out_dir);
  if (!path.ok()) return path.status();
  std::error_code ec;
  const auto size = std::filesystem::file_size(*path, ec);
  out << absl::StrFormat(
      "snapshot %s: %d releases, %d code tables, %d edit tables, %d bytes, written to %s; "
      "total_ms=%d\n",
      built->snapshot.snapshot_id(), built->snapshot.releases_size(),
      built->snapshot.code_tables_size(), built->snapshot.edit_tables_size(),
      ec ? -1 : static_cast<int64_t>(size), *path,
      absl::ToInt64Milliseconds(options.builder.clock() - start));
  return absl::OkStatus();
}

}  // namespace codingahead::importer
