#ifndef CODINGAHEAD_SERVICES_CATALOG_PHYSICIAN_FEE_SCHEDULE_H_
#define CODINGAHEAD_SERVICES_CATALOG_PHYSICIAN_FEE_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "catalog/snapshot/v1/snapshot.pb.h"
#include "catalog/v1/catalog.pb.h"
#include "services/catalog/edits.h"

// The Medicare Physician Fee Schedule (PFS) relative values of a code as the
// code page's payment section shows them (docs/edits.md, "The code page").
namespace codingahead::catalog {

// Total RVUs (as published, two decimals) x conversion factor (published
// text, "33.4009") in cents, rounded half up; nullopt when the conversion
// factor is not a decimal number. Exact: no floating point beyond reading
// the two-decimal RVU.
std::optional<int64_t> PaymentCents(double total_rvu, absl::string_view conversion_factor);

// The national payment amount of `row` in one setting: the setting's total
// RVUs x conversion factor, with every GPCI 1.0 (no locality adjustment).
// Unavailable, with the reason, when the file does not allow one: RVUs not
// used for Medicare payment, a status other than A, R or T (bundled,
// carrier-priced, excluded, non-covered, ...), the setting marked NA, or no
// conversion factor.
v1::PaymentAmount NationalPaymentAmount(const snapshot::v1::RvuRecord& row, bool facility);

// One PFS row as the API shows it, with both payment amounts.
v1::RelativeValues ToApiRelativeValues(const snapshot::v1::RvuRecord& row);

// Meanings of the published indicators, or "" for a value the PFS file's
// documentation does not list.
std::string PfsStatusMeaning(absl::string_view status);
std::string PctcMeaning(absl::string_view indicator);
std::string GlobalDaysMeaning(absl::string_view global_days);
std::string MultipleProcedureMeaning(absl::string_view indicator);
std::string BilateralSurgeryMeaning(absl::string_view indicator);
std::string AssistantAtSurgeryMeaning(absl::string_view indicator);
std::string CoSurgeonsMeaning(absl::string_view indicator);
std::string TeamSurgeryMeaning(absl::string_view indicator);

// Adds the PFS part of the payment section of `header`'s page: for HCPCS
// and CPT codes (not modifiers) and a loaded PFS file — the one covering
// `date_of_service` when the request gave one, otherwise the newest loaded
// file — the file's fields, one row per PFS row of the code and
// `physician_fee_schedule`. With a date no loaded PFS file covers, a field
// says so and names the loaded files. Nothing when no PFS file is loaded.
void FillPhysicianFeeSchedule(const EditTables& edits, const v1::Code& header,
                              std::optional<absl::CivilDay> date_of_service, v1::Section* payment);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_PHYSICIAN_FEE_SCHEDULE_H_
