#include "services/catalog/physician_fee_schedule.h"

#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/date.h"

namespace codingahead::catalog {
namespace {

namespace snapshot_v1 = ::codingahead::catalog::snapshot::v1;

constexpr char kCurrency[] = "USD";
// More digits than any published conversion factor: keeps the product of
// cents and the factor's digits far from overflowing int64.
constexpr int kMaxFactorDigits = 12;

struct Meaning {
  const char* value;
  const char* meaning;
};

template <size_t N>
std::string Lookup(const Meaning (&table)[N], absl::string_view value) {
  for (const Meaning& m : table) {
    if (value == m.value) return m.meaning;
  }
  return "";
}

// The PFS relative value file's documentation (RVU file README, "status
// code" and the indicator columns), shortened.
constexpr Meaning kStatus[] = {
    {"A", "Active: paid separately under the PFS, if covered"},
    {"B", "Bundled: always paid as part of other services"},
    {"C", "Carriers price the code"},
    {"D", "Deleted code (with a grace period)"},
    {"E", "Excluded from the PFS by regulation"},
    {"F", "Deleted code (no grace period)"},
    {"G", "Not valid for Medicare: another code is used"},
    {"H", "Deleted modifier"},
    {"I", "Not valid for Medicare: another code is used"},
    {"J", "Anesthesia service"},
    {"M", "Measurement code: for reporting only"},
    {"N", "Non-covered service"},
    {"P", "Bundled or excluded"},
    {"R", "Restricted coverage: paid under the PFS when covered"},
    {"T", "Injection: paid only when no other PFS service is billed the same day"},
    {"X", "Statutory exclusion: not paid under the PFS"},
};
constexpr Meaning kPctc[] = {
    {"0", "Physician service: PC/TC split does not apply"},
    {"1", "Diagnostic test or radiology service: global, professional (26) and technical (TC)"},
    {"2", "Professional component only"},
    {"3", "Technical component only"},
    {"4", "Global test only"},
    {"5", "Incident-to service"},
    {"6", "Laboratory physician interpretation"},
    {"7", "Physical therapy service: not paid to an independent therapist for a hospital patient"},
    {"8", "Physician interpretation"},
    {"9", "PC/TC concept does not apply"},
};
constexpr Meaning kGlobalDays[] = {
    {"000", "Endoscopy or minor procedure: pre- and post-operative work on the day only"},
    {"010", "Minor procedure: post-operative work within 10 days"},
    {"090", "Major surgery: the day before and 90 days after"},
    {"MMM", "Maternity: the usual global period does not apply"},
    {"XXX", "Global period does not apply"},
    {"YYY", "Carrier sets the global period"},
    {"ZZZ", "Included in another service's global period"},
};
constexpr Meaning kMultipleProcedure[] = {
    {"0", "No multiple procedure reduction"},
    {"1", "Multiple procedure rules in effect before 1995"},
    {"2", "Standard reduction: 100% for the highest-valued procedure, 50% for the others"},
    {"3", "Multiple endoscopy rules"},
    {"4", "Diagnostic imaging multiple procedure reduction"},
    {"5", "Therapy services multiple procedure reduction"},
    {"6", "Diagnostic cardiovascular multiple procedure reduction"},
    {"7", "Diagnostic ophthalmology multiple procedure reduction"},
    {"9", "Concept does not apply"},
};
constexpr Meaning kBilateral[] = {
    {"0", "150% bilateral adjustment does not apply"},
    {"1", "150% bilateral adjustment applies"},
    {"2", "No bilateral adjustment: the RVUs already cover both sides"},
    {"3", "No bilateral adjustment: each side paid at 100%"},
    {"9", "Concept does not apply"},
};
constexpr Meaning kAssistant[] = {
    {"0", "Assistant paid only with documented medical necessity"},
    {"1", "Statutory restriction: assistant at surgery not paid"},
    {"2", "Assistant at surgery paid"},
    {"9", "Concept does not apply"},
};
constexpr Meaning kCoSurgeons[] = {
    {"0", "Co-surgeons not permitted"},
    {"1", "Co-surgeons paid with supporting documentation"},
    {"2", "Co-surgeons permitted"},
    {"9", "Concept does not apply"},
};
constexpr Meaning kTeam[] = {
    {"0", "Team surgeons not permitted"},
    {"1", "Team surgeons paid with supporting documentation"},
    {"2", "Team surgeons permitted"},
    {"9", "Concept does not apply"},
};

std::string ModifierMeaning(absl::string_view modifier) {
  if (modifier.empty()) return "Global: no modifier";
  if (modifier == "26") return "Professional component";
  if (modifier == "TC") return "Technical component";
  if (modifier == "53") return "Discontinued procedure";
  return "";
}

std::string Rvu(double value) { return absl::StrFormat("%.2f", value); }

std::string Dollars(int64_t cents) { return absl::StrFormat("$%d.%02d", cents / 100, cents % 100); }

std::string DayText(const google::type::Date& d) {
  return common::FormatDay(common::FromProtoDate(d));
}

void AddField(v1::Section* section, const std::string& name, const std::string& value,
              const std::string& meaning) {
  v1::SectionField* field = section->add_fields();
  field->set_name(name);
  field->set_value(value);
  field->set_meaning(meaning);
}

void AddCell(v1::SectionRow* row, const std::string& name, const std::string& value,
             const std::string& meaning = "") {
  v1::SectionField* cell = row->add_cells();
  cell->set_name(name);
  cell->set_value(value);
  cell->set_meaning(meaning);
}

void AddPaymentCell(v1::SectionRow* row, const std::string& name, const v1::PaymentAmount& amount,
                    double total_rvu, const std::string& conversion_factor) {
  if (amount.available()) {
    AddCell(row, name, Dollars(amount.amount_minor()),
            absl::StrCat(Rvu(total_rvu), " RVU x ", conversion_factor, ", national (GPCI 1.0)"));
  } else {
    AddCell(row, name, "n/a", amount.unavailable_reason());
  }
}

void AddRow(const snapshot_v1::RvuRecord& r, const v1::RelativeValues& values, v1::Section* s) {
  v1::SectionRow* row = s->add_rows();
  AddCell(row, "Modifier", r.modifier(), ModifierMeaning(r.modifier()));
  AddCell(row, "Status", r.status_code(), PfsStatusMeaning(r.status_code()));
  AddCell(row, "Not used for Medicare payment", r.not_used_for_medicare_payment() ? "yes" : "no");
  AddCell(row, "Work RVU", Rvu(r.work_rvu()));
  AddCell(row, "Non-facility PE RVU", r.non_facility_na() ? "NA" : Rvu(r.non_facility_pe_rvu()),
          r.non_facility_na() ? "Not paid in the non-facility setting" : "");
  AddCell(row, "Facility PE RVU", r.facility_na() ? "NA" : Rvu(r.facility_pe_rvu()),
          r.facility_na() ? "Not paid in the facility setting" : "");
  AddCell(row, "MP RVU", Rvu(r.mp_rvu()));
  AddCell(row, "Non-facility total RVU", Rvu(r.non_facility_total()));
  AddCell(row, "Facility total RVU", Rvu(r.facility_total()));
  AddPaymentCell(row, "Non-facility payment", values.non_facility_amount(), r.non_facility_total(),
                 r.conversion_factor());
  AddPaymentCell(row, "Facility payment", values.facility_amount(), r.facility_total(),
                 r.conversion_factor());
  AddCell(row, "PC/TC indicator", r.pctc_indicator(), PctcMeaning(r.pctc_indicator()));
  AddCell(row, "Global days", r.global_days(), GlobalDaysMeaning(r.global_days()));
  AddCell(row, "Pre / intra / post-op share",
          absl::StrCat(Rvu(r.preop_fraction()), " / ", Rvu(r.intraop_fraction()), " / ",
                       Rvu(r.postop_fraction())));
  AddCell(row, "Multiple procedure", r.multiple_procedure_indicator(),
          MultipleProcedureMeaning(r.multiple_procedure_indicator()));
  AddCell(row, "Bilateral surgery", r.bilateral_surgery_indicator(),
          BilateralSurgeryMeaning(r.bilateral_surgery_indicator()));
  AddCell(row, "Assistant at surgery", r.assistant_at_surgery_indicator(),
          AssistantAtSurgeryMeaning(r.assistant_at_surgery_indicator()));
  AddCell(row, "Co-surgeons", r.co_surgeons_indicator(),
          CoSurgeonsMeaning(r.co_surgeons_indicator()));
  AddCell(row, "Team surgery", r.team_surgery_indicator(),
          TeamSurgeryMeaning(r.team_surgery_indicator()));
  AddCell(row, "Endoscopic base code", r.endoscopic_base_code());
}

}  // namespace

std::string PfsStatusMeaning(absl::string_view status) { return Lookup(kStatus, status); }
std::string PctcMeaning(absl::string_view indicator) { return Lookup(kPctc, indicator); }
std::string GlobalDaysMeaning(absl::string_view global_days) {
  return Lookup(kGlobalDays, global_days);
}
std::string MultipleProcedureMeaning(absl::string_view indicator) {
  return Lookup(kMultipleProcedure, indicator);
}
std::string BilateralSurgeryMeaning(absl::string_view indicator) {
  return Lookup(kBilateral, indicator);
}
std::string AssistantAtSurgeryMeaning(absl::string_view indicator) {
  return Lookup(kAssistant, indicator);
}
std::string CoSurgeonsMeaning(absl::string_view indicator) {
  return Lookup(kCoSurgeons, indicator);
}
std::string TeamSurgeryMeaning(absl::string_view indicator) { return Lookup(kTeam, indicator); }

std::optional<int64_t> PaymentCents(double total_rvu, absl::string_view conversion_factor) {
  if (!std::isfinite(total_rvu) || total_rvu < 0 || total_rvu > 1e6) return std::nullopt;
  // The factor's digits as an integer, and how many of them follow the point.
  int64_t factor = 0;
  int decimals = 0;
  int digits = 0;
  bool point = false;
  for (char c : conversion_factor) {
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) || ++digits > kMaxFactorDigits) {
      return std::nullopt;
    }
    factor = factor * 10 + (c - '0');
    if (point) ++decimals;
  }
  if (digits == 0) return std::nullopt;
  // RVUs are published with two decimals: hundredths x factor is in units of
  // 10^-decimals cents.
  const int64_t hundredths = std::llround(total_rvu * 100);
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const int64_t product = hundredths * factor;
  return (product + scale / 2) / scale;
}

v1::PaymentAmount NationalPaymentAmount(const snapshot_v1::RvuRecord& row, bool facility) {
  v1::PaymentAmount amount;
  auto unavailable = [&amount](std::string reason) {
    amount.set_available(false);
    amount.set_unavailable_reason(std::move(reason));
    return amount;
  };
  if (row.not_used_for_medicare_payment()) {
    return unavailable("RVUs not used for Medicare payment");
  }
  const std::string& status = row.status_code();
  if (status != "A" && status != "R" && status != "T") {
    const std::string meaning = PfsStatusMeaning(status);
    return unavailable(absl::StrCat("Status ", status, meaning.empty() ? "" : " (", meaning,
                                    meaning.empty() ? "" : ")", ": no PFS payment amount"));
  }
  if (facility ? row.facility_na() : row.non_facility_na()) {
    return unavailable(facility ? "NA: not paid in the facility setting"
                                : "NA: not paid in the non-facility setting");
  }
  const std::optional<int64_t> cents = PaymentCents(
      facility ? row.facility_total() : row.non_facility_total(), row.conversion_factor());
  if (!cents.has_value()) return unavailable("No conversion factor published");
  amount.set_available(true);
  amount.set_currency(kCurrency);
  amount.set_amount_minor(*cents);
  return amount;
}

v1::RelativeValues ToApiRelativeValues(const snapshot_v1::RvuRecord& row) {
  v1::RelativeValues values;
  values.set_modifier(row.modifier());
  values.set_status_code(row.status_code());
  values.set_not_used_for_medicare_payment(row.not_used_for_medicare_payment());
  values.set_work_rvu(row.work_rvu());
  values.set_non_facility_pe_rvu(row.non_facility_pe_rvu());
  values.set_non_facility_na(row.non_facility_na());
  values.set_facility_pe_rvu(row.facility_pe_rvu());
  values.set_facility_na(row.facility_na());
  values.set_malpractice_rvu(row.mp_rvu());
  values.set_non_facility_total_rvu(row.non_facility_total());
  values.set_facility_total_rvu(row.facility_total());
  values.set_pctc_indicator(row.pctc_indicator());
  values.set_global_days(row.global_days());
  values.set_preop_fraction(row.preop_fraction());
  values.set_intraop_fraction(row.intraop_fraction());
  values.set_postop_fraction(row.postop_fraction());
  values.set_multiple_procedure_indicator(row.multiple_procedure_indicator());
  values.set_bilateral_surgery_indicator(row.bilateral_surgery_indicator());
  values.set_assistant_at_surgery_indicator(row.assistant_at_surgery_indicator());
  values.set_co_surgeons_indicator(row.co_surgeons_indicator());
  values.set_team_surgery_indicator(row.team_surgery_indicator());
  values.set_endoscopic_base_code(row.endoscopic_base_code());
  values.set_conversion_factor(row.conversion_factor());
  *values.mutable_non_facility_amount() = NationalPaymentAmount(row, /*facility=*/false);
  *values.mutable_facility_amount() = NationalPaymentAmount(row, /*facility=*/true);
  return values;
}

void FillPhysicianFeeSchedule(const EditTables& edits, const v1::Code& header,
                              std::optional<absl::CivilDay> date_of_service, v1::Section* payment) {
  // The PFS file lists HCPCS Level II and CPT codes.
  if (header.kind() != v1::CODE_KIND_CODE ||
      (header.code_set() != v1::CODE_SET_HCPCS && header.code_set() != v1::CODE_SET_CPT)) {
    return;
  }
  constexpr auto kPfs = snapshot_v1::EDIT_TABLE_KIND_PFS_RVU;
  const EditTables::Table* table =
      date_of_service.has_value() ? edits.Covering(kPfs, *date_of_service) : edits.Newest(kPfs);
  if (table == nullptr) {
    std::vector<std::string> loaded;
    for (const EditTables::Table& t : edits.tables()) {
      if (t.table->kind() != kPfs) continue;
      loaded.push_back(absl::StrCat(t.table->id(), " (", common::FormatDay(t.first), " to ",
                                    common::FormatDay(t.last), ")"));
    }
    if (loaded.empty() || !date_of_service.has_value()) return;  // no PFS file at all
    const std::string day = common::FormatDay(*date_of_service);
    AddField(payment, "PFS relative value file", absl::StrCat("none for ", day),
             absl::StrCat("No loaded PFS relative value file covers the date of service ", day,
                          "; loaded: ", absl::StrJoin(loaded, ", ")));
    return;
  }
  const snapshot_v1::EditTable& file = *table->table;
  v1::PhysicianFeeSchedule* pfs = payment->mutable_physician_fee_schedule();
  pfs->set_table_id(file.id());
  pfs->set_label(file.label());
  *pfs->mutable_effective_date() = file.effective_date();
  *pfs->mutable_end_date() = file.end_date();
  const std::vector<const snapshot_v1::RvuRecord*> rows = edits.RvuRows(*table, header.code());
  const std::string period =
      absl::StrCat(file.label(), ", dates of service ", DayText(file.effective_date()), " to ",
                   DayText(file.end_date()));
  if (rows.empty()) {
    AddField(payment, "PFS relative value file", file.id(),
             absl::StrCat(period, ": does not list ", header.code()));
    return;
  }
  AddField(payment, "PFS relative value file", file.id(), period);
  AddField(payment, "Conversion factor", rows.front()->conversion_factor(),
           "Dollars per RVU; payment amounts are national: total RVUs x conversion factor, "
           "every GPCI 1.0");
  for (const snapshot_v1::RvuRecord* row : rows) {
    v1::RelativeValues& values = *pfs->add_rows();
    values = ToApiRelativeValues(*row);
    AddRow(*row, values, payment);
  }
}

}  // namespace codingahead::catalog
