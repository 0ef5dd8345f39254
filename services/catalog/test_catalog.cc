#include "services/catalog/test_catalog.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "tools/importer/snapshot_builder.h"

namespace codingahead::catalog {

std::shared_ptr<const CatalogIndex> SharedDataCatalog() {
  static auto* index = [] {
    importer::SnapshotBuilderOptions options;
    options.hcpcs_dir = std::string(CA_SHARED_DATA_DIR) + "/hcpcs";
    options.cpt_file = std::string(CA_CPT_SAMPLE_FILE);
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
  }();
  return *index;
}

}  // namespace codingahead::catalog
