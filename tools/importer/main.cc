// ca-import: turns the reference data files into a catalog snapshot.
//
//   ca-import --hcpcs_dir=../shared/data/hcpcs
//       --cpt_file=services/catalog/testdata/cpt_sample.tsv --out_dir=/tmp/cat
//
// Every flag has an environment twin (CODINGAHEAD_HCPCS_DIR, ...); a flag on
// the command line beats the environment, which beats the default.

#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "common/config.h"
#include "tools/importer/import_command.h"

ABSL_FLAG(std::string, hcpcs_dir, "",
          "Folder with HCPCS YYYY/ release folders (each holding an "
          "*ANWEB*.txt file) and the *recordlayout*.txt file");
ABSL_FLAG(std::string, cpt_file, "", "CPT descriptor file, one \"code<TAB>descriptor\" per line");
ABSL_FLAG(bool, cpt_placeholder, true,
          "The CPT file holds platform placeholder wording (the sample): "
          "mark every descriptor \"PLACEHOLDER \xE2\x80\x94 not CPT text\". "
          "Set false for a licensed file");
ABSL_FLAG(int, cpt_year, 2019, "Year of the CPT release (effective 1 January)");
ABSL_FLAG(std::string, icd10cm_dir, "",
          "ICD-10-CM fiscal-year folder (e.g. .../icd10cm/2026) with the "
          "chapters, sections and categories CSV files and the eindex, neoplasm "
          "and drug index XML files");
ABSL_FLAG(std::string, icd10cm_order_file, "",
          "Optional CMS/CDC ICD-10-CM order file (icd10cm_order_YYYY.txt) "
          "for the --icd10cm_dir release: its codes and billable flags");
ABSL_FLAG(std::string, ncci_ptp_practitioner_file, "",
          "NCCI procedure-to-procedure table for practitioners (tab-delimited text)");
ABSL_FLAG(std::string, ncci_ptp_hospital_file, "",
          "NCCI procedure-to-procedure table for outpatient hospitals (tab-delimited text)");
ABSL_FLAG(std::string, mue_practitioner_file, "", "MUE table, practitioner services (CSV)");
ABSL_FLAG(std::string, mue_hospital_file, "", "MUE table, outpatient hospital services (CSV)");
ABSL_FLAG(std::string, mue_dme_file, "", "MUE table, DME supplier services (CSV)");
ABSL_FLAG(std::string, edits_quarter, "",
          "Quarter the NCCI PTP and MUE files are published for (e.g. 2026Q1): they answer "
          "for dates of service in that quarter. Required with any of those files");
ABSL_FLAG(std::string, pfs_rvu_file, "",
          "CMS Physician Fee Schedule relative value file (PPRRVU layout, CSV)");
ABSL_FLAG(std::string, pfs_rvu_quarter, "",
          "Quarter of --pfs_rvu_file (e.g. 2026Q1); empty: --edits_quarter");
ABSL_FLAG(std::string, out_dir, "",
          "Output folder: snapshots/<id>.pb and CURRENT are written here");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Imports HCPCS releases, a CPT file, an ICD-10-CM release and NCCI "
      "PTP, MUE and PFS RVU tables into a catalog snapshot.");
  codingahead::common::ParseFlagsWithEnv(argc, argv);

  codingahead::importer::ImportOptions options;
  options.builder.hcpcs_dir = absl::GetFlag(FLAGS_hcpcs_dir);
  options.builder.cpt_file = absl::GetFlag(FLAGS_cpt_file);
  options.builder.cpt_placeholder = absl::GetFlag(FLAGS_cpt_placeholder);
  options.builder.cpt_year = absl::GetFlag(FLAGS_cpt_year);
  options.builder.icd10cm_dir = absl::GetFlag(FLAGS_icd10cm_dir);
  options.builder.icd10cm_order_file = absl::GetFlag(FLAGS_icd10cm_order_file);
  options.builder.ncci_ptp_practitioner_file = absl::GetFlag(FLAGS_ncci_ptp_practitioner_file);
  options.builder.ncci_ptp_hospital_file = absl::GetFlag(FLAGS_ncci_ptp_hospital_file);
  options.builder.mue_practitioner_file = absl::GetFlag(FLAGS_mue_practitioner_file);
  options.builder.mue_hospital_file = absl::GetFlag(FLAGS_mue_hospital_file);
  options.builder.mue_dme_file = absl::GetFlag(FLAGS_mue_dme_file);
  options.builder.edits_quarter = absl::GetFlag(FLAGS_edits_quarter);
  options.builder.pfs_rvu_file = absl::GetFlag(FLAGS_pfs_rvu_file);
  options.builder.pfs_rvu_quarter = absl::GetFlag(FLAGS_pfs_rvu_quarter);
  options.out_dir = absl::GetFlag(FLAGS_out_dir);

  const absl::Status status = codingahead::importer::RunImport(options, std::cout);
  if (!status.ok()) {
    std::cerr << "ca-import: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
