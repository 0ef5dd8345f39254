#ifndef CODINGAHEAD_SERVICES_CATALOG_ICD10CM_TEST_CATALOG_H_
#define CODINGAHEAD_SERVICES_CATALOG_ICD10CM_TEST_CATALOG_H_

#include <memory>
#include <string>

#include "services/catalog/catalog_index.h"

namespace codingahead::catalog {

// The shared data's HCPCS years, the CPT sample and ICD-10-CM FY2026,
// imported once per test binary. Fails the test when the import fails.
std::shared_ptr<const CatalogIndex> SharedDataCatalogWithIcd10cm();

// Only ICD-10-CM FY2026 with `order_file` (a fixture), built afresh.
std::shared_ptr<const CatalogIndex> Icd10cmCatalogWithOrderFile(const std::string& order_file);

// The fixtures folder services/catalog/testdata.
std::string CatalogTestdataPath(const std::string& name);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_ICD10CM_TEST_CATALOG_H_
