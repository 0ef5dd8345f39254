#include "services/catalog/code_lookup.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/date.h"
#include "google/protobuf/util/time_util.h"
#include "services/catalog/code_set_name.h"
#include "services/catalog/edits.h"

namespace codingahead::catalog {
namespace {

using common::FormatDay;
using common::ToProtoDate;

constexpr char kHcpcsNotice[] =
    "HCPCS Level II descriptors: public domain, Centers for Medicare & Medicaid Services.";
constexpr char kPlaceholderNotice[] =
    "PLACEHOLDER — not CPT text. Wording written by the platform to stand in for "
    "licensed CPT descriptors.";
constexpr char kLicensedUnavailable[] =
    "Licensed CPT descriptor: shown on the code page after accepting the CPT licence "
    "terms.";
constexpr char kLicensedNotice[] =
    "CPT is a registered trademark of the American Medical Association. Licensed descriptor, "
    "shown under the CPT licence terms you accepted.";
constexpr char kIcdNotice[] =
    "ICD-10-CM: public domain, CDC National Center for Health Statistics.";

bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }
bool IsUpper(char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); }

v1::CodeSet ToApi(snapshot_v1::CodeSet code_set) { return static_cast<v1::CodeSet>(code_set); }
snapshot_v1::CodeSet FromApi(v1::CodeSet code_set) {
  return static_cast<snapshot_v1::CodeSet>(code_set);
}

std::optional<absl::CivilDay> DateOf(const google::type::Date& d) {
  if (d.year() == 0 || d.month() == 0 || d.day() == 0) return std::nullopt;
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// The release whose wording answers for `day`: the latest one effective on or
// before it that holds the code; else the earliest holding it.
const CodeVersion& WordingVersion(const std::vector<CodeVersion>& versions,
                                  std::optional<absl::CivilDay> day) {
  if (!day.has_value()) return versions.back();
  const CodeVersion* best = nullptr;
  for (const auto& v : versions) {
    if (v.release->effective <= *day) best = &v;
  }
  return best != nullptr ? *best : versions.front();
}

v1::CodeDescriptor DescriptorOf(const CodeVersion& version) {
  v1::CodeDescriptor descriptor;
  const snapshot_v1::Release& release = *version.release->release;
  descriptor.set_release_id(release.id());
  v1::Notice* notice = descriptor.mutable_notice();
  if (release.code_set() == snapshot_v1::CODE_SET_CPT && !release.placeholder()) {
    // Licensed text is served only with a session whose acceptance of the
    // licence terms is stored; the free header never carries it.
    descriptor.set_available(false);
    descriptor.set_unavailable_reason(kLicensedUnavailable);
    notice->set_kind(v1::Notice::KIND_LICENSED);
    return descriptor;
  }
  descriptor.set_available(true);
  descriptor.set_long_description(version.record->long_description());
  descriptor.set_short_description(version.record->short_description());
  if (release.placeholder()) {
    notice->set_kind(v1::Notice::KIND_PLACEHOLDER);
    notice->set_text(kPlaceholderNotice);
  } else if (release.code_set() == snapshot_v1::CODE_SET_ICD10CM) {
    notice->set_kind(v1::Notice::KIND_PUBLIC_DOMAIN);
    notice->set_text(kIcdNotice);
  } else {
    notice->set_kind(v1::Notice::KIND_PUBLIC_DOMAIN);
    notice->set_text(kHcpcsNotice);
  }
  return descriptor;
}

// The licensed wording of `code` in the release `descriptor` names, when the
// descriptor is a withheld licensed one.
void Reveal(const CatalogIndex& index, snapshot_v1::CodeSet code_set, const std::string& code,
            v1::CodeDescriptor* descriptor) {
  if (descriptor->available() || descriptor->notice().kind() != v1::Notice::KIND_LICENSED) return;
  for (const CodeVersion& version : index.Versions(code_set, code)) {
    const snapshot_v1::Release& release = *version.release->release;
    if (release.id() != descriptor->release_id()) continue;
    if (release.code_set() != snapshot_v1::CODE_SET_CPT || release.placeholder()) return;
    descriptor->set_available(true);
    descriptor->clear_unavailable_reason();
    descriptor->set_long_description(version.record->long_description());
    descriptor->set_short_description(version.record->short_description());
    descriptor->mutable_notice()->set_text(kLicensedNotice);
    return;
  }
}

std::string ReleaseList(const CatalogIndex& index, snapshot_v1::CodeSet code_set) {
  std::vector<std::string> parts;
  for (const auto& info : index.Releases(code_set)) {
    parts.push_back(absl::StrCat(info.release->id(), " (", FormatDay(info.effective), " to ",
                                 FormatDay(info.covers_through), ")"));
  }
  return absl::StrJoin(parts, ", ");
}

absl::Status UncoveredDate(const CatalogIndex& index, snapshot_v1::CodeSet code_set,
                           absl::CivilDay day) {
  std::string releases = ReleaseList(index, code_set);
  return common::FailedPreconditionError(
      absl::StrCat("No loaded ", CodeSetName(ToApi(code_set)),
                   " release covers the date of service ", FormatDay(day),
                   ". Loaded releases: ", releases, "."),
      "DATE_OF_SERVICE_NOT_COVERED", absl::StrCat("date_of_service:", FormatDay(day)),
      absl::StrCat("Loaded ", CodeSetName(ToApi(code_set)), " releases: ", releases));
}

void AddCrosswalks(const CatalogIndex& index, const snapshot_v1::CodeRecord& record,
                   std::optional<absl::CivilDay> day, v1::CodeStatus* status) {
  // A discontinued code's cross-reference is its replacement; an active
  // code's is what Medicare pays instead.
  bool discontinued = DateOf(record.termination_date()).has_value();
  for (const auto& target : record.cross_references()) {
    v1::Crosswalk* crosswalk = status->add_crosswalks();
    crosswalk->set_kind(discontinued ? v1::Crosswalk::KIND_REPLACED_BY
                                     : v1::Crosswalk::KIND_MEDICARE_USE_INSTEAD);
    crosswalk->set_code(target);
    snapshot_v1::CodeSet shape = CodeSetForShape(target);
    crosswalk->set_code_set(ToApi(shape));
    std::vector<snapshot_v1::CodeSet> holding = index.CodeSetsHolding(target);
    if (holding.empty()) {
      v1::CodeDescriptor* d = crosswalk->mutable_target_descriptor();
      d->set_available(false);
      d->set_unavailable_reason(absl::StrCat("No descriptor available: ", CodeSetName(ToApi(shape)),
                                             " code ", target, " is not in the loaded catalog."));
      continue;
    }
    crosswalk->set_code_set(ToApi(holding.front()));
    *crosswalk->mutable_target_descriptor() =
        DescriptorOf(WordingVersion(index.Versions(holding.front(), target), day));
  }
}

std::string StatusSummary(const v1::CodeStatus& status) {
  auto day_text = [](const google::type::Date& d) {
    return FormatDay(absl::CivilDay(d.year(), d.month(), d.day()));
  };
  std::vector<std::string> replacements;
  for (const auto& c : status.crosswalks()) {
    if (c.kind() == v1::Crosswalk::KIND_REPLACED_BY) replacements.push_back(c.code());
  }
  std::string text;
  switch (status.kind()) {
    case v1::CODE_STATUS_ACTIVE:
      text = absl::StrCat("Active on ", day_text(status.date_of_service()), ".");
      if (status.has_termination_date()) {
        absl::StrAppend(&text, " Terminates after ", day_text(status.termination_date()), ".");
      }
      break;
    case v1::CODE_STATUS_NOT_YET_VALID:
      text = absl::StrCat("Not yet valid on ", day_text(status.date_of_service()), "; added ",
                          day_text(status.added_date()), ".");
      break;
    case v1::CODE_STATUS_TERMINATED:
      text = absl::StrCat("Terminated: valid through ", day_text(status.termination_date()),
                          "; not valid on ", day_text(status.date_of_service()), ".");
      break;
    default:
      break;
  }
  if (!replacements.empty()) {
    absl::StrAppend(&text, " Replaced by ", absl::StrJoin(replacements, ", "), ".");
  }
  return text;
}

constexpr int kMaxIndexTermsShown = 20;

void AddIndexTerms(const std::vector<IndexReference>& refs, v1::Code* out) {
  out->set_index_term_count(static_cast<int>(refs.size()));
  for (size_t i = 0; i < refs.size() && i < kMaxIndexTermsShown; ++i) {
    out->add_index_terms(DescribeIndexReference(refs[i]));
  }
}

// The release answering for `day` (the latest effective on or before it),
// else the newest.
const ReleaseInfo& ReleaseFor(const std::vector<ReleaseInfo>& releases,
                              std::optional<absl::CivilDay> day) {
  const ReleaseInfo* best = &releases.back();
  if (day.has_value()) {
    for (const auto& info : releases) {
      if (info.effective <= *day) best = &info;
    }
  }
  return *best;
}

// An ICD-10-CM code known only because the index lists it: a bare
// reference, marked incomplete, with no invented text.
v1::Code IndexOnlyCode(const std::string& code, const ReleaseInfo& release,
                       const std::vector<IndexReference>& refs, std::optional<absl::CivilDay> day) {
  v1::Code out;
  const std::string display = DisplayCode(snapshot_v1::CODE_SET_ICD10CM, code);
  out.set_code(display);
  out.set_code_set(v1::CODE_SET_ICD10CM);
  out.set_kind(v1::CODE_KIND_CODE);
  v1::CodeDescriptor* descriptor = out.mutable_official_descriptor();
  descriptor->set_available(false);
  descriptor->set_release_id(release.release->id());
  descriptor->set_unavailable_reason(absl::StrCat(
      "No descriptor available: ICD-10-CM code ", display, " appears only in the index of ",
      release.release->id(),
      "; the loaded release holds the tabular list down to the three-character categories."));
  *out.mutable_release() = ToApiRelease(release);
  bool index_says_more = false;
  for (const auto& ref : refs)
    index_says_more = index_says_more || ref.code->needs_more_characters();
  out.set_incomplete(true);
  out.set_incomplete_reason(absl::StrCat(
      index_says_more ? "The index writes it with a trailing \"-\": it needs more characters. "
                      : "",
      "Reached through the ICD-10-CM index and not listed as billable by a loaded order file: ",
      display, " may need more characters or a 7th character."));
  out.set_billable(v1::Code::BILLABLE_UNKNOWN);
  AddIndexTerms(refs, &out);
  v1::CodeStatus* status = out.mutable_status();
  *status->mutable_date_of_service() = ToProtoDate(day.has_value() ? *day : release.effective);
  status->set_status_release_id(release.release->id());
  status->set_kind(v1::CODE_STATUS_UNSPECIFIED);
  status->set_summary(absl::StrCat("Listed in the ICD-10-CM index of ", release.release->id(),
                                   "; not a loaded category and no loaded order file lists it, so "
                                   "whether it is a complete, reportable code is unknown."));
  return out;
}

// ICD-10-CM flags of a loaded category or order-file code.
void SetIcd10cmFlags(const CatalogIndex& index, const ReleaseInfo& release,
                     const snapshot_v1::CodeRecord& record, v1::Code* out) {
  out->set_code(DisplayCode(snapshot_v1::CODE_SET_ICD10CM, record.code()));
  switch (record.billable()) {
    case snapshot_v1::BILLABLE_YES:
      out->set_billable(v1::Code::BILLABLE_YES);
      break;
    case snapshot_v1::BILLABLE_NO:
      out->set_billable(v1::Code::BILLABLE_NO);
      out->set_kind(v1::CODE_KIND_GROUP);
      out->set_incomplete(true);
      out->set_incomplete_reason(absl::StrCat(
          "The order file lists ", out->code(),
          " as a header, not billable: it needs more characters (or a 7th character)."));
      break;
    default:
      // Categories from the tabular CSV: no order file says whether the
      // category is itself billable.
      out->set_billable(v1::Code::BILLABLE_UNKNOWN);
      break;
  }
  AddIndexTerms(index.IndexReferences(release, record.code()), out);
}

const char* IndexSourceName(snapshot_v1::IndexSource source) {
  switch (source) {
    case snapshot_v1::INDEX_SOURCE_EXTERNAL_CAUSES:
      return "Index to External Causes";
    case snapshot_v1::INDEX_SOURCE_NEOPLASM:
      return "Neoplasm Table";
    case snapshot_v1::INDEX_SOURCE_DRUG:
      return "Table of Drugs and Chemicals";
    default:
      return "Index";
  }
}

}  // namespace

std::string DescribeIndexReference(const IndexReference& ref) {
  std::string text = absl::StrCat(IndexSourceName(ref.term->source()), ": ",
                                  absl::StrJoin(ref.term->path(), " > "));
  if (!ref.code->column().empty()) absl::StrAppend(&text, " (", ref.code->column(), ")");
  absl::StrAppend(&text, ": ", ref.code->written());
  return text;
}

std::optional<std::string> NormalizeCode(absl::string_view raw, const std::string& field,
                                         common::BadRequestBuilder* errors) {
  if (raw.size() > kMaxCodeInputLength) {
    errors->Add(field, absl::StrCat("code is ", raw.size(), " characters long; at most ",
                                    kMaxCodeInputLength, " are accepted"));
    return std::nullopt;
  }
  absl::string_view trimmed = absl::StripAsciiWhitespace(raw);
  if (trimmed.empty()) {
    errors->Add(field, "code is required, e.g. \"E0601\" or \"99213\"");
    return std::nullopt;
  }
  std::string code;
  for (char c : trimmed) {
    if (c == '.') continue;  // ICD-10-CM codes are written with a dot.
    if (!IsAlnum(c)) {
      errors->Add(field, "code may contain only letters, digits and a dot");
      return std::nullopt;
    }
    code.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (code.size() < 2 || code.size() > 7) {
    errors->Add(field, "code must be 2 (modifier) to 7 characters long");
    return std::nullopt;
  }
  return code;
}

snapshot_v1::CodeSet CodeSetForShape(const std::string& code) {
  if (code.size() == 5 && IsDigit(code[0]) && IsDigit(code[1]) && IsDigit(code[2]) &&
      IsDigit(code[3]) &&
      (IsDigit(code[4]) || code[4] == 'F' || code[4] == 'T' || code[4] == 'U')) {
    return snapshot_v1::CODE_SET_CPT;
  }
  if (code.size() == 5 && IsUpper(code[0]) && IsDigit(code[1]) && IsDigit(code[2]) &&
      IsDigit(code[3]) && IsDigit(code[4])) {
    return snapshot_v1::CODE_SET_HCPCS;
  }
  if (code.size() >= 3 && IsUpper(code[0]) && IsDigit(code[1]) && IsAlnum(code[2])) {
    return snapshot_v1::CODE_SET_ICD10CM;
  }
  return snapshot_v1::CODE_SET_UNSPECIFIED;
}

v1::Release ToApiRelease(const ReleaseInfo& info) {
  v1::Release out;
  const snapshot_v1::Release& release = *info.release;
  out.set_id(release.id());
  out.set_code_set(ToApi(release.code_set()));
  out.set_label(release.label());
  *out.mutable_effective_date() = release.effective_date();
  *out.mutable_covers_through() = ToProtoDate(info.covers_through);
  out.set_code_count(release.code_count());
  out.set_modifier_count(release.modifier_count());
  out.set_placeholder(release.placeholder());
  return out;
}

absl::StatusOr<v1::Code> LookUpCode(const CatalogIndex& index, const v1::GetCodeRequest& request) {
  common::BadRequestBuilder errors;
  std::optional<std::string> code = NormalizeCode(request.code(), "code", &errors);
  if (!v1::CodeSet_IsValid(request.code_set())) {
    errors.Add("code_set", absl::StrCat("unknown code set ", request.code_set()));
  }
  std::optional<absl::CivilDay> day;
  if (request.has_date_of_service() && !common::IsUnsetDate(request.date_of_service())) {
    day = common::ValidateDate(request.date_of_service(), "date_of_service", &errors);
  }
  if (absl::Status invalid = errors.Build("invalid GetCode request"); !invalid.ok()) {
    return invalid;
  }

  // Which code set: the one asked for, else the first one holding the code
  // (ICD-10-CM first when the code was typed with a dot), else ICD-10-CM
  // when only its index lists the code.
  snapshot_v1::CodeSet code_set = FromApi(request.code_set());
  const std::vector<ReleaseInfo>& icd_releases = index.Releases(snapshot_v1::CODE_SET_ICD10CM);
  if (code_set == snapshot_v1::CODE_SET_UNSPECIFIED) {
    std::vector<snapshot_v1::CodeSet> holding = index.CodeSetsHolding(*code);
    const bool dotted = absl::StrContains(request.code(), '.');
    if (dotted &&
        std::find(holding.begin(), holding.end(), snapshot_v1::CODE_SET_ICD10CM) != holding.end()) {
      code_set = snapshot_v1::CODE_SET_ICD10CM;
    } else if (!holding.empty()) {
      code_set = holding.front();
    } else if (!icd_releases.empty() &&
               !index.IndexReferences(ReleaseFor(icd_releases, day), *code).empty()) {
      code_set = snapshot_v1::CODE_SET_ICD10CM;
    } else {
      return absl::NotFoundError(absl::StrCat("Code ", *code, " is not in any loaded release."));
    }
  }
  const std::vector<ReleaseInfo>& releases = index.Releases(code_set);
  if (releases.empty()) {
    return absl::NotFoundError(
        absl::StrCat("No ", CodeSetName(ToApi(code_set)), " release is loaded."));
  }
  const std::vector<CodeVersion>& versions = index.Versions(code_set, *code);
  if (versions.empty() && code_set == snapshot_v1::CODE_SET_ICD10CM) {
    const ReleaseInfo& release = ReleaseFor(releases, day);
    const std::vector<IndexReference>& refs = index.IndexReferences(release, *code);
    if (!refs.empty()) {
      if (day.has_value() &&
          (*day < releases.front().effective || *day > releases.back().covers_through)) {
        return UncoveredDate(index, code_set, *day);
      }
      return IndexOnlyCode(*code, release, refs, day);
    }
  }
  if (versions.empty()) {
    return absl::NotFoundError(absl::StrCat(CodeSetName(ToApi(code_set)), " code ", *code,
                                            " is not in any loaded release (",
                                            ReleaseList(index, code_set), ")."));
  }
  if (day.has_value() &&
      (*day < releases.front().effective || *day > releases.back().covers_through)) {
    return UncoveredDate(index, code_set, *day);
  }

  const CodeVersion& wording = WordingVersion(versions, day);
  // Validity comes from the newest loaded release that holds the code.
  const CodeVersion& latest = versions.back();
  const snapshot_v1::CodeRecord& record = *latest.record;

  v1::Code out;
  out.set_code(record.code());
  out.set_code_set(ToApi(code_set));
  out.set_kind(record.kind() == snapshot_v1::RECORD_KIND_MODIFIER ? v1::CODE_KIND_MODIFIER
                                                                  : v1::CODE_KIND_CODE);
  *out.mutable_official_descriptor() = DescriptorOf(wording);
  *out.mutable_release() = ToApiRelease(*wording.release);

  v1::CodeStatus* status = out.mutable_status();
  // Without a date, the status is as of the newest release's effective date:
  // never "valid today" beyond what the loaded releases cover.
  absl::CivilDay as_of = day.has_value() ? *day : releases.back().effective;
  *status->mutable_date_of_service() = ToProtoDate(as_of);
  status->set_status_release_id(latest.release->release->id());
  std::optional<absl::CivilDay> added = DateOf(record.added_date());
  std::optional<absl::CivilDay> terminated = DateOf(record.termination_date());
  if (added.has_value()) *status->mutable_added_date() = record.added_date();
  if (terminated.has_value()) *status->mutable_termination_date() = record.termination_date();
  if (DateOf(record.action_effective_date()).has_value()) {
    *status->mutable_action_effective_date() = record.action_effective_date();
  }
  status->set_action_code(record.action_code());
  status->set_action_meaning(index.Meaning("action_code", record.action_code()));
  if (added.has_value() && as_of < *added) {
    status->set_kind(v1::CODE_STATUS_NOT_YET_VALID);
  } else if (terminated.has_value() && as_of > *terminated) {
    status->set_kind(v1::CODE_STATUS_TERMINATED);
  } else {
    status->set_kind(v1::CODE_STATUS_ACTIVE);
  }
  AddCrosswalks(index, record, day, status);
  status->set_summary(StatusSummary(*status));
  if (code_set == snapshot_v1::CODE_SET_ICD10CM) {
    SetIcd10cmFlags(index, *latest.release, record, &out);
  }
  return out;
}

void RevealLicensedDescriptors(const CatalogIndex& index, v1::Code* code) {
  Reveal(index, FromApi(code->code_set()), code->code(), code->mutable_official_descriptor());
  for (v1::Crosswalk& crosswalk : *code->mutable_status()->mutable_crosswalks()) {
    if (!crosswalk.has_target_descriptor()) continue;
    Reveal(index, FromApi(crosswalk.code_set()), crosswalk.code(),
           crosswalk.mutable_target_descriptor());
  }
}

namespace {

v1::EditTable::Kind ToApiEditTableKind(snapshot_v1::EditTableKind kind) {
  switch (kind) {
    case snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_PRACTITIONER:
      return v1::EditTable::KIND_NCCI_PTP_PRACTITIONER;
    case snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_HOSPITAL:
      return v1::EditTable::KIND_NCCI_PTP_HOSPITAL;
    case snapshot_v1::EDIT_TABLE_KIND_MUE_PRACTITIONER:
      return v1::EditTable::KIND_MUE_PRACTITIONER;
    case snapshot_v1::EDIT_TABLE_KIND_MUE_OUTPATIENT_HOSPITAL:
      return v1::EditTable::KIND_MUE_OUTPATIENT_HOSPITAL;
    case snapshot_v1::EDIT_TABLE_KIND_MUE_DME_SUPPLIER:
      return v1::EditTable::KIND_MUE_DME_SUPPLIER;
    case snapshot_v1::EDIT_TABLE_KIND_PFS_RVU:
      return v1::EditTable::KIND_PFS_RVU;
    default:
      return v1::EditTable::KIND_UNSPECIFIED;
  }
}

}  // namespace

v1::EditTable ToApiEditTable(const snapshot_v1::EditTable& table, absl::CivilDay first,
                             absl::CivilDay last) {
  v1::EditTable out;
  out.set_id(table.id());
  out.set_kind(ToApiEditTableKind(table.kind()));
  out.set_label(table.label());
  // Tables cover one calendar quarter (ca-import --edits_quarter).
  out.set_quarter(absl::StrCat(first.year(), "Q", (first.month() - 1) / 3 + 1));
  *out.mutable_effective_date() = ToProtoDate(first);
  *out.mutable_end_date() = ToProtoDate(last);
  out.set_row_count(table.ptp_edits_size() + table.mue_limits_size() + table.rvu_records_size());
  for (const auto& source : table.sources()) {
    v1::SourceFile* file = out.add_sources();
    file->set_name(source.name());
    file->set_sha256(source.sha256());
    file->set_size_bytes(source.size_bytes());
  }
  return out;
}

v1::GetCatalogInfoResponse DescribeCatalog(const CatalogIndex& index) {
  v1::GetCatalogInfoResponse response;
  for (snapshot_v1::CodeSet code_set : index.CodeSets()) {
    for (const auto& info : index.Releases(code_set)) {
      v1::Release* release = response.add_releases();
      *release = ToApiRelease(info);
      if (info.ordinal + 1 < static_cast<int>(index.Releases(code_set).size())) {
        *release->mutable_superseded_date() = ToProtoDate(info.covers_through);
      }
    }
  }
  for (const EditTables::Table& table : index.Edits().tables()) {
    *response.add_edit_tables() = ToApiEditTable(*table.table, table.first, table.last);
  }
  response.set_snapshot_id(index.snapshot().snapshot_id());
  *response.mutable_snapshot_created_at() = index.snapshot().created_at();
  *response.mutable_loaded_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(index.loaded_at()));
  return response;
}

}  // namespace codingahead::catalog
