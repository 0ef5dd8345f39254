#include "services/catalog/icd10cm_test_catalog.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "tools/importer/snapshot_builder.h"

namespace codingahead::catalog {
namespace {

std::shared_ptr<const CatalogIndex> BuildCatalog(importer::SnapshotBuilderOptions options) {
  auto built = importer::SnapshotBuilder(std::move(options)).Build();
  if (!built.ok()) {
    ADD_FAILURE() << built.status();
    return nullptr;
  }
  auto index = CatalogIndex::Build(std::move(built->snapshot), absl::Now());
  if (!index.ok()) {
    ADD_FAILURE() << index.status();
    return nullptr;
  }
  return *index;
}

std::string Icd10cmDir() { return std::string(CA_SHARED_DATA_DIR) + "/icd10cm/2026"; }

}  // namespace

std::shared_ptr<const CatalogIndex> SharedDataCatalogWithIcd10cm() {
  static auto* index = [] {
    importer::SnapshotBuilderOptions options;
    options.hcpcs_dir = std::string(CA_SHARED_DATA_DIR) + "/hcpcs";
    options.cpt_file = std::string(CA_CPT_SAMPLE_FILE);
    options.icd10cm_dir = Icd10cmDir();
    return new std::shared_ptr<const CatalogIndex>(BuildCatalog(std::move(options)));
  }();
  return *index;
}

std::shared_ptr<const CatalogIndex> Icd10cmCatalogWithOrderFile(const std::string& order_file) {
  importer::SnapshotBuilderOptions options;
  options.icd10cm_dir = Icd10cmDir();
  options.icd10cm_order_file = order_file;
  return BuildCatalog(std::move(options));
}

std::string CatalogTestdataPath(const std::string& name) {
  return std::string(CA_CATALOG_TESTDATA_DIR) + "/" + name;
}

}  // namespace codingahead::catalog
