#include "tools/cactl/format.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "services/catalog/code_set_name.h"

namespace codingahead::cactl {
namespace {

namespace v1 = ::codingahead::catalog::v1;

std::string DateText(const google::type::Date& d) {
  if (d.year() == 0) return "-";
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

const char* StatusLabel(v1::CodeStatusKind kind) {
  switch (kind) {
    case v1::CODE_STATUS_ACTIVE:
      return "ACTIVE";
    case v1::CODE_STATUS_NOT_YET_VALID:
      return "NOT YET VALID";
    case v1::CODE_STATUS_TERMINATED:
      return "TERMINATED";
    default:
      return "UNKNOWN";
  }
}

const char* CrosswalkLabel(v1::Crosswalk::Kind kind) {
  switch (kind) {
    case v1::Crosswalk::KIND_REPLACED_BY:
      return "replaced by";
    case v1::Crosswalk::KIND_MEDICARE_USE_INSTEAD:
      return "Medicare: use instead";
    case v1::Crosswalk::KIND_SEE_ALSO:
      return "see also";
    default:
      return "cross-reference";
  }
}

const char* EditTableKindLabel(v1::EditTable::Kind kind) {
  switch (kind) {
    case v1::EditTable::KIND_NCCI_PTP_PRACTITIONER:
      return "PTP practitioner";
    case v1::EditTable::KIND_NCCI_PTP_HOSPITAL:
      return "PTP hospital";
    case v1::EditTable::KIND_MUE_PRACTITIONER:
      return "MUE practitioner";
    case v1::EditTable::KIND_MUE_OUTPATIENT_HOSPITAL:
      return "MUE outpatient hosp.";
    case v1::EditTable::KIND_MUE_DME_SUPPLIER:
      return "MUE DME supplier";
    case v1::EditTable::KIND_PFS_RVU:
      return "PFS RVU";
    default:
      return "unknown";
  }
}

std::string AmountText(const v1::PaymentAmount& amount) {
  if (!amount.available()) return "n/a";
  return absl::StrFormat("$%d.%02d", amount.amount_minor() / 100, amount.amount_minor() % 100);
}

std::string PeText(double rvu, bool na) { return na ? "NA" : absl::StrFormat("%.2f", rvu); }

// The payment section's PFS rows as a table, then why an amount is missing.
void PrintPhysicianFeeSchedule(const v1::PhysicianFeeSchedule& pfs, std::ostream& out) {
  if (pfs.rows().empty()) return;
  out << absl::StrFormat("  %-4s %-3s %6s %8s %8s %6s %8s %8s %10s %10s  %-4s %-4s %s\n", "MOD",
                         "ST", "WORK", "PE NFAC", "PE FAC", "MP", "TOT NFAC", "TOT FAC", "PAY NFAC",
                         "PAY FAC", "PCTC", "GLOB", "MULT/BILAT/ASST/CO/TEAM");
  for (const auto& r : pfs.rows()) {
    out << absl::StrFormat(
        "  %-4s %-3s %6.2f %8s %8s %6.2f %8.2f %8.2f %10s %10s  %-4s %-4s %s/%s/%s/%s/%s\n",
        r.modifier().empty() ? "-" : r.modifier(), r.status_code(), r.work_rvu(),
        PeText(r.non_facility_pe_rvu(), r.non_facility_na()),
        PeText(r.facility_pe_rvu(), r.facility_na()), r.malpractice_rvu(),
        r.non_facility_total_rvu(), r.facility_total_rvu(), AmountText(r.non_facility_amount()),
        AmountText(r.facility_amount()), r.pctc_indicator(), r.global_days(),
        r.multiple_procedure_indicator(), r.bilateral_surgery_indicator(),
        r.assistant_at_surgery_indicator(), r.co_surgeons_indicator(), r.team_surgery_indicator());
  }
  for (const auto& r : pfs.rows()) {
    const std::string mod = r.modifier().empty() ? "" : "-" + r.modifier();
    if (!r.non_facility_amount().available()) {
      out << "  " << mod << (mod.empty() ? "" : " ")
          << "non-facility: " << r.non_facility_amount().unavailable_reason() << "\n";
    }
    if (!r.facility_amount().available()) {
      out << "  " << mod << (mod.empty() ? "" : " ")
          << "facility: " << r.facility_amount().unavailable_reason() << "\n";
    }
  }
  out << "  Amounts: national (every GPCI 1.0), total RVUs x conversion factor.\n";
}

}  // namespace

std::optional<v1::CodeSet> ParseCodeSet(const std::string& text) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "hcpcs") return v1::CODE_SET_HCPCS;
  if (t == "cpt") return v1::CODE_SET_CPT;
  if (t == "icd10cm" || t == "icd-10-cm") return v1::CODE_SET_ICD10CM;
  if (t == "icd10pcs" || t == "icd-10-pcs") return v1::CODE_SET_ICD10PCS;
  return std::nullopt;
}

void PrintCode(const v1::Code& code, std::ostream& out) {
  const auto& d = code.official_descriptor();
  out << code.code() << "  (" << catalog::CodeSetName(code.code_set())
      << (code.kind() == v1::CODE_KIND_MODIFIER ? " modifier" : "") << ")\n";
  if (d.available()) {
    out << "  " << d.long_description() << "\n";
    if (!d.short_description().empty()) out << "  Short: " << d.short_description() << "\n";
  } else {
    out << "  (no descriptor: " << d.unavailable_reason() << ")\n";
  }
  if (!d.notice().text().empty()) out << "  Notice: " << d.notice().text() << "\n";
  const auto& s = code.status();
  out << "\nStatus on " << DateText(s.date_of_service()) << ": " << StatusLabel(s.kind()) << "\n";
  if (!s.summary().empty()) out << "  " << s.summary() << "\n";
  out << "  Added: " << DateText(s.added_date())
      << "   Terminated: " << DateText(s.termination_date()) << "\n";
  if (!s.action_code().empty()) {
    out << "  Action code (" << s.status_release_id() << "): " << s.action_code();
    if (!s.action_meaning().empty()) out << " — " << s.action_meaning();
    out << "\n";
  }
  for (const auto& c : s.crosswalks()) {
    out << "  " << CrosswalkLabel(c.kind()) << ": " << c.code() << " ("
        << catalog::CodeSetName(c.code_set()) << ")";
    if (c.target_descriptor().available()) {
      out << " " << c.target_descriptor().long_description();
    } else {
      out << " — no descriptor available";
    }
    out << "\n";
  }
  if (code.incomplete()) out << "  Incomplete: " << code.incomplete_reason() << "\n";
  if (code.billable() == v1::Code::BILLABLE_YES) out << "  Billable: yes\n";
  if (code.billable() == v1::Code::BILLABLE_NO) out << "  Billable: no (header)\n";
  if (code.billable() == v1::Code::BILLABLE_UNKNOWN) {
    out << "  Billable: unknown (no order file loaded)\n";
  }
  for (const auto& term : code.index_terms()) out << "  Index: " << term << "\n";
  if (code.index_term_count() > code.index_terms_size()) {
    out << "  (" << code.index_term_count() - code.index_terms_size() << " more index entries)\n";
  }
  out << "\nRelease: " << code.release().label() << " (" << code.release().id() << ", effective "
      << DateText(code.release().effective_date()) << ")\n";
}

void PrintChildren(const v1::ListChildrenResponse& children, std::ostream& out) {
  size_t width = 0;
  for (const auto& node : children.children()) width = std::max(width, node.id().size());
  for (const auto& node : children.children()) {
    out << node.id() << std::string(width + 2 - node.id().size(), ' ') << node.title();
    if (node.has_children()) out << "  [" << node.child_count() << "]";
    out << "\n";
  }
  if (children.children().empty()) out << "(no children)\n";
  if (!children.next_page_token().empty()) {
    out << "\nMore: --page_token=" << children.next_page_token() << "\n";
  }
}

void PrintChanges(const v1::ListChangesResponse& changes, std::ostream& out) {
  size_t width = 0;
  for (const auto& change : changes.changes()) width = std::max(width, change.code().size());
  for (const auto& change : changes.changes()) {
    std::string kind;
    switch (change.kind()) {
      case v1::ListChangesRequest::CHANGE_KIND_ADDED:
        kind = "added";
        break;
      case v1::ListChangesRequest::CHANGE_KIND_REVISED:
        kind = "revised";
        break;
      case v1::ListChangesRequest::CHANGE_KIND_DISCONTINUED:
        kind = "discontinued";
        break;
      default:
        kind = "changed";
    }
    const auto& d = change.effective_date();
    out << absl::StrFormat("%-13s%-*s  %04d-%02d-%02d  ", kind, static_cast<int>(width),
                           change.code(), d.year(), d.month(), d.day());
    if (change.kind() == v1::ListChangesRequest::CHANGE_KIND_REVISED) {
      out << change.old_description() << "\n"
          << std::string(13 + width + 14, ' ') << "-> " << change.new_description();
    } else {
      out << (change.new_description().empty() ? change.old_description()
                                               : change.new_description());
    }
    if (change.reported() && !change.report_agrees()) {
      out << "  (report: " << change.reported_change() << ")";
    }
    out << "\n";
  }
  if (changes.changes().empty()) out << "(no changes)\n";
  out << "\n" << changes.total_size() << " changes";
  if (changes.report_disagreements() > 0) {
    out << "; " << changes.report_disagreements()
        << " not confirmed as such by the transaction report";
  }
  out << "\n";
  if (!changes.next_page_token().empty()) {
    out << "More: --page_token=" << changes.next_page_token() << "\n";
  }
}

void PrintCodePage(const v1::GetCodePageResponse& response, std::ostream& out) {
  const v1::CodePage& page = response.page();
  PrintCode(page.code(), out);
  const auto& cld = page.common_language_description();
  out << "\nIn plain English\n";
  if (cld.available()) {
    out << "  " << cld.long_description() << "\n";
  } else {
    out << "  " << cld.unavailable_reason() << "\n";
  }
  if (!cld.notice().text().empty()) out << "  " << cld.notice().text() << "\n";
  for (const auto& section : page.sections()) {
    out << "\n" << section.title() << "\n";
    if (!section.visible()) {
      out << "  " << section.placeholder() << "\n";
      continue;
    }
    for (const auto& f : section.fields()) {
      out << "  " << f.name() << ": " << f.value();
      if (!f.meaning().empty()) out << " — " << f.meaning();
      out << "\n";
    }
    if (section.has_physician_fee_schedule()) {
      // The PFS rows as a table rather than one line of cells each.
      PrintPhysicianFeeSchedule(section.physician_fee_schedule(), out);
      if (!section.text().empty() && section.fields_size() == 0) {
        out << "  " << section.text() << "\n";
      }
      continue;
    }
    for (const auto& row : section.rows()) {
      out << " ";
      for (const auto& cell : row.cells()) {
        if (!cell.value().empty()) out << " " << cell.name() << " " << cell.value() << ";";
      }
      out << "\n";
    }
    if (!section.text().empty() && section.fields_size() == 0)
      out << "  " << section.text() << "\n";
  }
  out << "\n" << response.allowance().message() << "\n";
}

void PrintQuota(const account::v1::GetQuotaResponse& quota, std::ostream& out) {
  const auto& p = quota.principal();
  out << (p.kind() == account::v1::Principal::KIND_GUEST ? "Guest" : p.email()) << " — "
      << p.plan().display_name() << " plan\n";
  for (const auto& a : quota.allowances()) {
    out << "  " << a.message() << "\n";
  }
}

void PrintCatalogInfo(const v1::GetCatalogInfoResponse& info, std::ostream& out) {
  out << "Snapshot " << info.snapshot_id() << "\n\n";
  out << absl::StrFormat("%-18s %-10s %-11s %-11s %7s %9s  %s\n", "RELEASE", "CODE SET",
                         "EFFECTIVE", "COVERS TO", "CODES", "MODIFIERS", "LABEL");
  for (const auto& r : info.releases()) {
    out << absl::StrFormat("%-18s %-10s %-11s %-11s %7d %9d  %s\n", r.id(),
                           catalog::CodeSetName(r.code_set()), DateText(r.effective_date()),
                           DateText(r.covers_through()), r.code_count(), r.modifier_count(),
                           r.label());
  }
  if (info.edit_tables().empty()) return;
  out << "\n"
      << absl::StrFormat("%-30s %-20s %-7s %-11s %-11s %7s  %s\n", "EDIT TABLE", "KIND", "QUARTER",
                         "EFFECTIVE", "ENDS", "ROWS", "SOURCE FILE");
  for (const auto& t : info.edit_tables()) {
    out << absl::StrFormat("%-30s %-20s %-7s %-11s %-11s %7d  %s\n", t.id(),
                           EditTableKindLabel(t.kind()), t.quarter(), DateText(t.effective_date()),
                           DateText(t.end_date()), t.row_count(),
                           t.sources().empty() ? "-" : t.sources(0).name());
  }
}

void PrintError(const absl::Status& status, std::ostream& out) {
  out << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message() << "\n";
  if (auto bad = common::GetDetail<google::rpc::BadRequest>(status)) {
    for (const auto& v : bad->field_violations()) {
      out << "  " << v.field() << ": " << v.description() << "\n";
    }
  }
  if (auto quota = common::GetDetail<google::rpc::QuotaFailure>(status)) {
    for (const auto& v : quota->violations()) {
      out << "  " << v.subject() << ": " << v.description() << "\n";
    }
  }
  if (auto pre = common::GetDetail<google::rpc::PreconditionFailure>(status)) {
    for (const auto& v : pre->violations()) {
      out << "  " << v.type() << ": " << v.description() << "\n";
    }
  }
}

}  // namespace codingahead::cactl
