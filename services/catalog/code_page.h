#ifndef CODINGAHEAD_SERVICES_CATALOG_CODE_PAGE_H_
#define CODINGAHEAD_SERVICES_CATALOG_CODE_PAGE_H_

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "catalog/v1/catalog.pb.h"
#include "services/catalog/catalog_index.h"
#include "services/catalog/content_store.h"

namespace codingahead::catalog {

// What a plan lets the caller see of the gated sections.
inline constexpr char kRegisterToView[] = "Register to view content";

// The code page behind GetCodePage: `header` (from LookUpCode) plus the
// common language description and the reference sections filled from the
// record of the release `header` was answered from, and history across every
// loaded release. With `sections_visible` false each section is a
// placeholder that carries no content. `licensed_terms_accepted` (the
// caller's stored acceptance is the configured CPT terms version) fills in
// the licensed CPT descriptors the header withholds; otherwise they stay
// unavailable with the reason. The payment section carries the code's rows
// of the PFS relative value file covering `date_of_service` (the request's;
// without one, of the newest loaded PFS file): physician_fee_schedule.h.
v1::CodePage BuildCodePage(const CatalogIndex& index, const ContentStore& content,
                           const v1::Code& header, bool sections_visible,
                           bool licensed_terms_accepted = false,
                           std::optional<absl::CivilDay> date_of_service = std::nullopt);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_CODE_PAGE_H_
