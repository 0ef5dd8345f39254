#include "services/catalog/code_page.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/date.h"
#include "services/catalog/code_lookup.h"
#include "services/catalog/edits.h"
#include "services/catalog/physician_fee_schedule.h"

namespace codingahead::catalog {
namespace {

using v1::Section;

constexpr char kNotYetWritten[] =
    "Not yet written: the editors have no plain-English "
    "explanation of this code yet.";

constexpr char kLicensedWithheld[] =
    "Licensed CPT descriptor: shown after accepting the CPT licence terms.";

std::string DateText(const google::type::Date& d) {
  if (d.year() == 0) return "";
  return common::FormatDay(absl::CivilDay(d.year(), d.month(), d.day()));
}

// Adds a field unless its value is empty; the meaning comes from the record
// layout's code table for `table`.
void AddField(const CatalogIndex& index, Section* section, const std::string& name,
              const std::string& value, const std::string& table = "") {
  if (value.empty()) return;
  v1::SectionField* field = section->add_fields();
  field->set_name(name);
  field->set_value(value);
  if (!table.empty()) field->set_meaning(index.Meaning(table, value));
}

void AddRepeated(const CatalogIndex& index, Section* section, const std::string& name,
                 const google::protobuf::RepeatedPtrField<std::string>& values,
                 const std::string& table = "") {
  for (const auto& value : values) AddField(index, section, name, value, table);
}

Section* NewSection(v1::CodePage* page, Section::Kind kind, const std::string& title) {
  Section* section = page->add_sections();
  section->set_kind(kind);
  section->set_title(title);
  section->set_visible(true);
  return section;
}

void FillCoverage(const CatalogIndex& index, const snapshot_v1::CodeRecord& r, Section* s) {
  AddField(index, s, "Coverage code", r.coverage_code(), "coverage_code");
  AddRepeated(index, s, "Coverage Issues Manual reference", r.coverage_issues_manual_refs());
  AddRepeated(index, s, "Medicare Carriers Manual reference", r.carriers_manual_refs());
  AddField(index, s, "Statute", r.statute());
}

void FillPayment(const CatalogIndex& index, const snapshot_v1::CodeRecord& r, Section* s) {
  AddRepeated(index, s, "Pricing indicator", r.pricing_indicators(), "pricing_indicators");
  AddField(index, s, "Multiple pricing indicator", r.multiple_pricing_indicator(),
           "multiple_pricing_indicator");
  AddField(index, s, "ASC payment group", r.asc_payment_group());
  AddField(index, s, "ASC payment group effective", DateText(r.asc_payment_group_effective_date()));
  AddField(index, s, "MOG payment group", r.mog_payment_group(), "mog_payment_group");
  AddField(index, s, "MOG payment policy indicator", r.mog_payment_policy_indicator(),
           "mog_payment_policy_indicator");
  AddField(index, s, "MOG effective", DateText(r.mog_effective_date()));
  if (r.has_anesthesia_base_units()) {
    AddField(index, s, "Anesthesia base units", absl::StrCat(r.anesthesia_base_units()));
  }
}

void FillProcessingNotes(const snapshot_v1::Release& release, const snapshot_v1::CodeRecord& r,
                         Section* s) {
  if (r.processing_note_number().empty()) return;
  v1::SectionField* field = s->add_fields();
  field->set_name("Processing note");
  field->set_value(r.processing_note_number());
  for (const auto& note : release.processing_notes()) {
    if (note.number() == r.processing_note_number()) {
      field->set_meaning(note.text());
      s->set_text(note.text());
      break;
    }
  }
}

void FillClassification(const CatalogIndex& index, const snapshot_v1::CodeRecord& r, Section* s) {
  AddField(index, s, "BETOS", r.betos(), "betos");
  AddRepeated(index, s, "Type of service", r.types_of_service(), "types_of_service");
  AddRepeated(index, s, "Lab certification", r.lab_certifications(), "lab_certifications");
}

void FillCrosswalks(const v1::Code& header, Section* s) {
  for (const auto& c : header.status().crosswalks()) {
    v1::SectionField* field = s->add_fields();
    field->set_name(v1::Crosswalk::Kind_Name(c.kind()));
    field->set_value(c.code());
    field->set_meaning(c.target_descriptor().available() ? c.target_descriptor().long_description()
                                                         : "No descriptor available");
  }
}

void FillHistory(const CatalogIndex& index, const std::vector<CodeVersion>& versions,
                 bool licensed_terms_accepted, Section* s) {
  const std::string* previous_description = nullptr;
  for (const auto& v : versions) {
    const snapshot_v1::CodeRecord& r = *v.record;
    v1::SectionRow* row = s->add_rows();
    auto cell = [&](const std::string& name, const std::string& value,
                    const std::string& meaning = "") {
      v1::SectionField* f = row->add_cells();
      f->set_name(name);
      f->set_value(value);
      f->set_meaning(meaning);
    };
    cell("Release", v.release->release->id(), v.release->release->label());
    cell("Action", r.action_code(), index.Meaning("action_code", r.action_code()));
    cell("Action effective", DateText(r.action_effective_date()));
    cell("Added", DateText(r.added_date()));
    cell("Terminated", DateText(r.termination_date()));
    bool changed = previous_description != nullptr && *previous_description != r.long_description();
    // A revised licensed CPT descriptor is licensed text too.
    const bool withheld = v.release->release->code_set() == snapshot_v1::CODE_SET_CPT &&
                          !v.release->release->placeholder() && !licensed_terms_accepted;
    cell("Descriptor",
         changed ? "changed" : (previous_description == nullptr ? "first loaded" : "unchanged"),
         changed ? (withheld ? kLicensedWithheld : r.long_description()) : "");
    previous_description = &r.long_description();
  }
}

const CodeVersion* VersionIn(const std::vector<CodeVersion>& versions,
                             const std::string& release_id) {
  for (const auto& v : versions) {
    if (v.release->release->id() == release_id) return &v;
  }
  return versions.empty() ? nullptr : &versions.back();
}

}  // namespace

v1::CodePage BuildCodePage(const CatalogIndex& index, const ContentStore& content,
                           const v1::Code& header, bool sections_visible,
                           bool licensed_terms_accepted,
                           std::optional<absl::CivilDay> date_of_service) {
  v1::CodePage page;
  *page.mutable_code() = header;
  if (licensed_terms_accepted) RevealLicensedDescriptors(index, page.mutable_code());
  auto code_set = static_cast<snapshot_v1::CodeSet>(header.code_set());

  v1::CodeDescriptor* cld = page.mutable_common_language_description();
  cld->mutable_notice()->set_kind(v1::Notice::KIND_EDITORIAL);
  cld->mutable_notice()->set_text(content.notice());
  if (const std::string* text = content.CommonLanguage(code_set, header.code())) {
    cld->set_available(true);
    cld->set_long_description(*text);
  } else {
    cld->set_available(false);
    cld->set_unavailable_reason(kNotYetWritten);
  }

  // The index keys codes without the dot ICD-10-CM codes are shown with.
  const std::vector<CodeVersion>& versions =
      index.Versions(code_set, absl::StrReplaceAll(header.code(), {{".", ""}}));
  const CodeVersion* version = VersionIn(versions, header.release().id());

  Section* coverage = NewSection(&page, Section::KIND_COVERAGE, "Medicare coverage");
  Section* payment = NewSection(&page, Section::KIND_PAYMENT, "Payment");
  Section* notes = NewSection(&page, Section::KIND_PROCESSING_NOTES, "Processing notes");
  Section* classification = NewSection(&page, Section::KIND_CLASSIFICATION, "Classification");
  Section* crosswalks = NewSection(&page, Section::KIND_CROSSWALKS, "Crosswalks");
  Section* history = NewSection(&page, Section::KIND_HISTORY, "History");

  if (!sections_visible) {
    for (Section& s : *page.mutable_sections()) {
      s.set_visible(false);
      s.set_placeholder(kRegisterToView);
    }
    return page;
  }
  if (version != nullptr) {
    FillCoverage(index, *version->record, coverage);
    FillPayment(index, *version->record, payment);
    FillProcessingNotes(*version->release->release, *version->record, notes);
    FillClassification(index, *version->record, classification);
  }
  FillPhysicianFeeSchedule(index.Edits(), page.code(), date_of_service, payment);
  FillCrosswalks(page.code(), crosswalks);
  FillHistory(index, versions, licensed_terms_accepted, history);
  for (Section& s : *page.mutable_sections()) {
    if (s.fields_size() == 0 && s.rows_size() == 0 && s.text().empty()) {
      s.set_text(absl::StrCat("No ", absl::AsciiStrToLower(s.title()),
                              " information in the loaded releases."));
    }
  }
  return page;
}

}  // namespace codingahead::catalog
