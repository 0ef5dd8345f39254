#ifndef CODINGAHEAD_TOOLS_IMPORTER_SNAPSHOT_BUILDER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_SNAPSHOT_BUILDER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

// One annual HCPCS release found under the data folder.
struct HcpcsYearSource {
  int year = 0;
  std::string dir;          // path of the YYYY folder
  std::string record_file;  // "YYYY/<name containing ANWEB>.txt"
  std::string notes_file;   // "YYYY/proc_notes_YYYY.txt", empty if absent
  // The year's transaction report: the one *.prn file whose name holds
  // "change" ("YYYY/HCPCS2017_Trans_Report_ChangesbyAction.prn",
  // "2019/Changes_by_ActionCode.prn"); empty if absent.
  std::string transactions_file;
};

// Every YYYY/ folder directly under `hcpcs_dir` holding exactly one
// *ANWEB*.txt file, in ascending year order; folders without one are
// ignored. NotFound if there is none, FailedPrecondition if a folder has two.
absl::StatusOr<std::vector<HcpcsYearSource>> DiscoverHcpcsYears(const std::string& hcpcs_dir);

// The six ICD-10-CM files of one fiscal-year folder, by name: the one file
// whose name holds "chapters", "sections", "categories" (.csv), "eindex",
// "neoplasm", "drug" (.xml). NotFound when one is missing,
// FailedPrecondition when two match.
struct Icd10cmSources {
  int fiscal_year = 0;  // the folder name
  // True when every file name carries "April-1-<fiscal year>": the April 1
  // update of the fiscal year rather than its 1 October release.
  bool april_update = false;
  std::string chapters, sections, categories, eindex, neoplasm, drug;
};
absl::StatusOr<Icd10cmSources> DiscoverIcd10cmSources(const std::string& icd10cm_dir);

struct SnapshotBuilderOptions {
  // Folder with YYYY/ release folders and a *recordlayout*.txt file (the
  // greatest name is used). Empty: no HCPCS releases.
  std::string hcpcs_dir;
  // "code<TAB>descriptor" CPT file. Empty: no CPT release.
  std::string cpt_file;
  // Mark each CPT descriptor "PLACEHOLDER — not CPT text" and flag the
  // release placeholder ("cpt-sample-<year>"); false for a licensed file
  // ("cpt-<year>").
  bool cpt_placeholder = true;
  int cpt_year = 2019;
  // CDC/NCHS ICD-10-CM folder named after its fiscal year ("2026") holding
  // the chapters, sections and categories CSV files and the eindex,
  // neoplasm and drug XML files (see Icd10cmSources). Empty: no ICD-10-CM
  // release.
  std::string icd10cm_dir;
  // Optional CMS/CDC order file (icd10cm_order_YYYY.txt) for that release:
  // its codes join the categories with their billable flags.
  std::string icd10cm_order_file;
  // NCCI procedure-to-procedure tables (tab-delimited text), MUE tables
  // (CSV) and the PFS relative value file (PPRRVU CSV); empty: not loaded.
  // Each becomes one EditTable (see edit_table_builder.h).
  std::string ncci_ptp_practitioner_file;
  std::string ncci_ptp_hospital_file;
  std::string mue_practitioner_file;
  std::string mue_hospital_file;
  std::string mue_dme_file;
  std::string pfs_rvu_file;
  // The quarter ("2026Q1") the NCCI and MUE files are published for: the
  // tables answer for dates of service in that quarter. Required with any
  // of those files.
  std::string edits_quarter;
  // The quarter of the PFS file; empty: `edits_quarter`.
  std::string pfs_rvu_quarter;
  // Source of created_at and of the per-release elapsed times.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// What the import of one release saw (the snapshot holds the counts too).
struct ReleaseStats {
  std::string release_id;
  int records = 0;
  int codes = 0;
  int modifiers = 0;
  int continuation_lines = 0;
  int skipped_lines = 0;
  int processing_notes = 0;
  int dropped_cpt_codes = 0;   // CPT-shaped codes in an HCPCS file
  int repaired_asc_dates = 0;  // see HcpcsFileCounts
  // Code-set specific counts, printed after the common ones
  // ("chapters=22 blocks=297 ...").
  std::string details;
  absl::Duration elapsed;
};

// What the import of one edit table saw.
struct EditTableStats {
  std::string table_id;
  int rows = 0;
  int skipped_header_lines = 0;
  int skipped_blank_lines = 0;
  std::string details;  // kind-specific counts ("indicator_0=2 indicator_1=7 ...")
  absl::Duration elapsed;
};

struct BuildResult {
  catalog::snapshot::v1::Snapshot snapshot;
  std::vector<ReleaseStats> stats;         // in release order
  std::vector<EditTableStats> edit_stats;  // in edit table order
};

// Turns the data files into one Snapshot in memory: the HCPCS releases
// ("hcpcs-YYYY", effective YYYY-01-01, ascending), then the CPT release, then
// the ICD-10-CM release ("icd10cm-<fiscal year>"), the
// code tables of the record layout file, the NCCI PTP / MUE / PFS edit
// tables (edit_table_builder.h), snapshot_id and created_at. The
// first error (file:line: reason) fails the whole build.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(SnapshotBuilderOptions options);

  absl::StatusOr<BuildResult> Build() const;

 private:
  SnapshotBuilderOptions options_;
};

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_SNAPSHOT_BUILDER_H_
