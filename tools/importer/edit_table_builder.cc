#include "tools/importer/edit_table_builder.h"

#include <filesystem>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/hash.h"
#include "tools/importer/edit_file_util.h"
#include "tools/importer/mue_reader.h"
#include "tools/importer/ncci_ptp_reader.h"
#include "tools/importer/pfs_rvu_reader.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

namespace snapshot_v1 = ::codingahead::catalog::snapshot::v1;

struct TableFile {
  const std::string* path;
  snapshot_v1::EditTableKind kind;
  const char* id_prefix;  // "ncci-ptp-practitioner"
  const char* label;      // "NCCI PTP practitioner"
  bool pfs;
};

std::string Counts(const std::map<std::string, int>& counts) {
  return absl::StrJoin(counts, " ", [](std::string* out, const auto& entry) {
    absl::StrAppend(out, entry.first, "=", entry.second);
  });
}

absl::Status ReadTable(const TableFile& file, const Quarter& quarter, snapshot_v1::EditTable& table,
                       EditTableStats& stats) {
  table.set_id(absl::StrCat(file.id_prefix, "-", quarter.Suffix()));
  table.set_kind(file.kind);
  table.set_label(absl::StrCat(file.label, " ", quarter.Label()));
  *table.mutable_effective_date() = quarter.first_day;
  *table.mutable_end_date() = quarter.last_day;
  const std::string name = std::filesystem::path(*file.path).filename().string();
  absl::StatusOr<std::string> data = ReadFileToString(*file.path);
  if (!data.ok()) return data.status();
  auto* source = table.add_sources();
  source->set_name(name);
  source->set_sha256(common::Sha256::HexDigest(*data));
  source->set_size_bytes(static_cast<int64_t>(data->size()));
  stats.table_id = table.id();
  std::map<std::string, int> counts;
  switch (file.kind) {
    case snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_PRACTITIONER:
    case snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_HOSPITAL: {
      absl::StatusOr<PtpFile> ptp = ReadNcciPtpFile(name, *data);
      if (!ptp.ok()) return ptp.status();
      stats.skipped_header_lines = ptp->skipped_header_lines;
      stats.skipped_blank_lines = ptp->skipped_blank_lines;
      table.mutable_ptp_edits()->Reserve(static_cast<int>(ptp->edits.size()));
      for (auto& edit : ptp->edits) {
        ++counts[absl::StrCat("indicator_", edit.modifier_indicator())];
        if (edit.has_deletion_date()) ++counts["deleted"];
        *table.add_ptp_edits() = std::move(edit);
      }
      stats.rows = table.ptp_edits_size();
      break;
    }
    case snapshot_v1::EDIT_TABLE_KIND_MUE_PRACTITIONER:
    case snapshot_v1::EDIT_TABLE_KIND_MUE_OUTPATIENT_HOSPITAL:
    case snapshot_v1::EDIT_TABLE_KIND_MUE_DME_SUPPLIER: {
      absl::StatusOr<MueFile> mue = ReadMueFile(name, *data);
      if (!mue.ok()) return mue.status();
      stats.skipped_header_lines = mue->skipped_header_lines;
      stats.skipped_blank_lines = mue->skipped_blank_lines;
      for (auto& limit : mue->limits) {
        ++counts[absl::StrCat("mai_", limit.adjudication_indicator())];
        *table.add_mue_limits() = std::move(limit);
      }
      stats.rows = table.mue_limits_size();
      break;
    }
    case snapshot_v1::EDIT_TABLE_KIND_PFS_RVU: {
      absl::StatusOr<PfsRvuFile> pfs = ReadPfsRvuFile(name, *data);
      if (!pfs.ok()) return pfs.status();
      stats.skipped_header_lines = pfs->skipped_header_lines;
      stats.skipped_blank_lines = pfs->skipped_blank_lines;
      for (auto& record : pfs->records) {
        if (!record.modifier().empty()) ++counts["with_modifier"];
        *table.add_rvu_records() = std::move(record);
      }
      stats.rows = table.rvu_records_size();
      break;
    }
    default:
      return absl::InternalError("unknown edit table kind");
  }
  table.set_skipped_line_count(stats.skipped_header_lines + stats.skipped_blank_lines);
  stats.details = Counts(counts);
  return absl::OkStatus();
}

}  // namespace

bool HasEditTableFiles(const SnapshotBuilderOptions& options) {
  return !options.ncci_ptp_practitioner_file.empty() || !options.ncci_ptp_hospital_file.empty() ||
         !options.mue_practitioner_file.empty() || !options.mue_hospital_file.empty() ||
         !options.mue_dme_file.empty() || !options.pfs_rvu_file.empty();
}

absl::Status AddEditTables(const SnapshotBuilderOptions& options, snapshot_v1::Snapshot& snapshot,
                           std::vector<EditTableStats>& stats) {
  const TableFile files[] = {
      {&options.ncci_ptp_practitioner_file, snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_PRACTITIONER,
       "ncci-ptp-practitioner", "NCCI PTP practitioner", false},
      {&options.ncci_ptp_hospital_file, snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_HOSPITAL,
       "ncci-ptp-hospital", "NCCI PTP hospital", false},
      {&options.mue_practitioner_file, snapshot_v1::EDIT_TABLE_KIND_MUE_PRACTITIONER,
       "mue-practitioner", "MUE practitioner services", false},
      {&options.mue_hospital_file, snapshot_v1::EDIT_TABLE_KIND_MUE_OUTPATIENT_HOSPITAL,
       "mue-outpatient-hospital", "MUE outpatient hospital services", false},
      {&options.mue_dme_file, snapshot_v1::EDIT_TABLE_KIND_MUE_DME_SUPPLIER, "mue-dme",
       "MUE DME supplier services", false},
      {&options.pfs_rvu_file, snapshot_v1::EDIT_TABLE_KIND_PFS_RVU, "pfs-rvu",
       "PFS relative value file", true},
  };
  for (const TableFile& file : files) {
    if (file.path->empty()) continue;
    const std::string& quarter_text = file.pfs && !options.pfs_rvu_quarter.empty()
                                          ? options.pfs_rvu_quarter
                                          : options.edits_quarter;
    const char* flag =
        file.pfs && !options.pfs_rvu_quarter.empty() ? "--pfs_rvu_quarter" : "--edits_quarter";
    if (quarter_text.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          *file.path, ": ", flag, " (e.g. 2026Q1) is required to say which quarter it covers"));
    }
    absl::StatusOr<Quarter> quarter = ParseQuarter(quarter_text);
    if (!quarter.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": ", quarter.status().message()));
    }
    const absl::Time start = options.clock();
    EditTableStats& table_stats = stats.emplace_back();
    if (absl::Status s = ReadTable(file, *quarter, *snapshot.add_edit_tables(), table_stats);
        !s.ok()) {
      return s;
    }
    table_stats.elapsed = options.clock() - start;
  }
  return absl::OkStatus();
}

}  // namespace codingahead::importer
