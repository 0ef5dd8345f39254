#ifndef CODINGAHEAD_SERVICES_CATALOG_CODE_SET_NAME_H_
#define CODINGAHEAD_SERVICES_CATALOG_CODE_SET_NAME_H_

#include "catalog/v1/catalog.pb.h"

namespace codingahead::catalog {

// How people write a code set's name: "HCPCS", "CPT", "ICD-10-CM",
// "ICD-10-PCS"; "unknown code set" otherwise. Used in messages and by cactl.
const char* CodeSetName(v1::CodeSet code_set);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_CODE_SET_NAME_H_
