#include "services/catalog/test_catalog.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "tools/importer/snapshot_builder.h"

namespace codingahead::catalog {
namespace {

std::shared_ptr<const CatalogIndex>* Import(bool edit_tables) {
  importer::SnapshotBuilderOptions options;
  options.hcpcs_dir = std::string(CA_SHARED_DATA_DIR) + "/hcpcs";
  options.cpt_file = std::string(CA_CPT_SAMPLE_FILE);
  if (edit_tables) {
    const std::string dir = CA_EDITS_TESTDATA_DIR;
    options.ncci_ptp_practitioner_file = dir + "/ncci_ptp_practitioner_2026q1.txt";
    options.ncci_ptp_hospital_file = dir + "/ncci_ptp_hospital_2026q1.txt";
    options.mue_practitioner_file = dir + "/mue_practitioner_2026q1.csv";
    options.mue_hospital_file = dir + "/mue_hospital_2026q1.csv";
    options.mue_dme_file = dir + "/mue_dme_2026q1.csv";
    options.pfs_rvu_file = dir + "/pfs_rvu_2026q1.csv";
    options.edits_quarter = "2026Q1";
  }
  auto built = importer::SnapshotBuilder(options).Build();
  if (!built.ok()) {
    ADD_FAILURE() << built.status();
    return new std::shared_ptr<const CatalogIndex>();
  }
  auto index = CatalogIndex::Build(std::move(built->snapshot), absl::Now());
  if (!index.ok()) {
    ADD_FAILURE() << index.status();
    return new std::shared_ptr<const CatalogIndex>();
  }
  return new std::shared_ptr<const CatalogIndex>(*index);
}

}  // namespace

std::shared_ptr<const CatalogIndex> SharedDataCatalog() {
  static auto* index = Import(/*edit_tables=*/false);
  return *index;
}

std::shared_ptr<const CatalogIndex> SharedDataCatalogWithEditTables() {
  static auto* index = Import(/*edit_tables=*/true);
  return *index;
}

}  // namespace codingahead::catalog
