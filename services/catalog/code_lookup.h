#ifndef CODINGAHEAD_SERVICES_CATALOG_CODE_LOOKUP_H_
#define CODINGAHEAD_SERVICES_CATALOG_CODE_LOOKUP_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "catalog/v1/catalog.pb.h"
#include "common/status.h"
#include "services/catalog/catalog_index.h"

// GetCode and GetCatalogInfo: the free code header, answered from the loaded
// releases by the rules of DESIGN.md §4a.
namespace codingahead::catalog {

namespace v1 = ::codingahead::catalog::v1;

inline constexpr int kMaxCodeInputLength = 16;

// Trims and upper-cases a code as a coder types it ("e0601 " -> "E0601",
// "a00.0" -> "A000" for ICD-10-CM) and checks its shape. Adds field
// violations named `field` and returns nullopt when it cannot be a code.
std::optional<std::string> NormalizeCode(absl::string_view raw, const std::string& field,
                                         common::BadRequestBuilder* errors);

// The code set a well-formed code's shape suggests (HCPCS "E0601", CPT
// "99213"/"0538T", ICD-10-CM "A000"), or UNSPECIFIED for modifiers.
snapshot_v1::CodeSet CodeSetForShape(const std::string& normalized_code);

// GetCode: validates the request (INVALID_ARGUMENT with field violations),
// finds the code (NOT_FOUND), checks the date of service is covered
// (FAILED_PRECONDITION listing the loaded releases) and builds the header.
absl::StatusOr<v1::Code> LookUpCode(const CatalogIndex& index, const v1::GetCodeRequest& request);

// Fills in the licensed CPT descriptors of `code` (its official descriptor
// and its crosswalk targets') that LookUpCode left unavailable, with the
// wording of the release each names. Only for a caller whose acceptance of
// the configured CPT licence terms is stored (DESIGN.md §5): the code page,
// never the free header.
void RevealLicensedDescriptors(const CatalogIndex& index, v1::Code* code);

// GetCatalogInfo: the releases with their counts and coverage, and the
// NCCI PTP / MUE edit tables and PFS files with their quarters, row counts
// and source files.
v1::GetCatalogInfoResponse DescribeCatalog(const CatalogIndex& index);

// The API view of a loaded edit table answering for `first` to `last`.
v1::EditTable ToApiEditTable(const snapshot_v1::EditTable& table, absl::CivilDay first,
                             absl::CivilDay last);

// The API view of a loaded release.
v1::Release ToApiRelease(const ReleaseInfo& info);

// An index reference as GetCode lists it: "Neoplasm Table: Neoplasm,
// neoplastic > lung (Malignant Primary): C34.9-".
std::string DescribeIndexReference(const IndexReference& ref);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_CODE_LOOKUP_H_
