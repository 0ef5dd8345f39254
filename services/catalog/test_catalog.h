#ifndef CODINGAHEAD_SERVICES_CATALOG_TEST_CATALOG_H_
#define CODINGAHEAD_SERVICES_CATALOG_TEST_CATALOG_H_

#include <memory>

#include "services/catalog/catalog_index.h"

namespace codingahead::catalog {

// The catalog imported from the real shared data (three HCPCS years and the
// CPT placeholder sample), built once per test binary. Fails the test when
// the import fails.
std::shared_ptr<const CatalogIndex> SharedDataCatalog();

// The same releases plus the 2026 Q1 NCCI PTP, MUE and PFS RVU fixtures of
// tools/importer/testdata (ca-import --edits_quarter=2026Q1), built once.
std::shared_ptr<const CatalogIndex> SharedDataCatalogWithEditTables();

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_TEST_CATALOG_H_
