#include "services/catalog/code_set_name.h"

namespace codingahead::catalog {

const char* CodeSetName(v1::CodeSet code_set) {
  switch (code_set) {
    case v1::CODE_SET_HCPCS:
      return "HCPCS";
    case v1::CODE_SET_CPT:
      return "CPT";
    case v1::CODE_SET_ICD10CM:
      return "ICD-10-CM";
    case v1::CODE_SET_ICD10PCS:
      return "ICD-10-PCS";
    default:
      return "unknown code set";
  }
}

}  // namespace codingahead::catalog
