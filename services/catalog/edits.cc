#include "services/catalog/edits.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/date.h"
#include "common/status.h"

namespace codingahead::catalog {
namespace {

namespace snapshot_v1 = ::codingahead::catalog::snapshot::v1;

constexpr int kMaxModifiersPerLine = 4;

// 6 bits per character: '0'-'9' -> 0-9, 'A'-'Z' -> 10-35. Codes are five
// letters/digits (checked before), so a pair fits in 60 bits.
uint64_t PackCode(absl::string_view code) {
  uint64_t packed = 0;
  for (char c : code) {
    const auto u = static_cast<unsigned char>(absl::ascii_toupper(static_cast<unsigned char>(c)));
    packed = (packed << 6) | (absl::ascii_isdigit(u) ? u - '0' : u - 'A' + 10);
  }
  return packed;
}

uint64_t PairKey(absl::string_view column1, absl::string_view column2) {
  return (PackCode(column1) << 30) | PackCode(column2);
}

bool IsAlnum(absl::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); });
}

std::optional<absl::CivilDay> DayOf(const google::type::Date& d) {
  if (d.year() == 0 || d.month() == 0 || d.day() == 0) return std::nullopt;
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// --- modifiers (docs/edits.md, "Modifier indicator 1") ---

// Bypass a PTP edit from the column-2 line.
bool IsColumn2Modifier(absl::string_view m) {
  return m == "58" || m == "78" || m == "79" || m == "91";
}
// 59 and X{EPSU}: from the column-2 line, never when either code is E/M.
bool IsDistinctServiceModifier(absl::string_view m) {
  return m == "59" || m == "XE" || m == "XP" || m == "XS" || m == "XU";
}
// E/M modifiers: only from the line whose code is an E/M code.
bool IsEvaluationAndManagementModifier(absl::string_view m) {
  return m == "24" || m == "25" || m == "27" || m == "57";
}
bool IsAnatomicModifier(absl::string_view m) {
  if (m.size() != 2) return false;
  if (m == "FA" || m == "TA" || m == "LT" || m == "RT" || m == "LC" || m == "LD" || m == "LM" ||
      m == "RC" || m == "RI") {
    return true;
  }
  const char digit = m[1];
  if (m[0] == 'E') return digit >= '1' && digit <= '4';
  if (m[0] == 'F' || m[0] == 'T') return digit >= '1' && digit <= '9';
  return false;
}

struct Line {
  std::string code;
  int units = 0;
  std::vector<std::string> modifiers;
  bool em = false;
};

std::vector<std::string> AnatomicModifiers(const Line& line) {
  std::vector<std::string> anatomic;
  for (const std::string& m : line.modifiers) {
    if (IsAnatomicModifier(m)) anatomic.push_back(m);
  }
  return anatomic;
}

// The modifier that bypasses an indicator-1 edit between `column1` and
// `column2`, or empty.
std::string BypassingModifier(const Line& column1, const Line& column2) {
  const bool em_pair = column1.em || column2.em;
  for (const std::string& m : column2.modifiers) {
    if (IsColumn2Modifier(m)) return m;
    if (IsDistinctServiceModifier(m) && !em_pair) return m;
    if (IsEvaluationAndManagementModifier(m) && column2.em) return m;
  }
  for (const std::string& m : column1.modifiers) {
    if (IsEvaluationAndManagementModifier(m) && column1.em) return m;
  }
  // Anatomic modifiers: both lines name a site and the sites differ.
  const std::vector<std::string> sites1 = AnatomicModifiers(column1);
  const std::vector<std::string> sites2 = AnatomicModifiers(column2);
  if (sites1.empty() || sites2.empty()) return "";
  for (const std::string& site : sites2) {
    if (std::find(sites1.begin(), sites1.end(), site) != sites1.end()) return "";
  }
  return sites2.front();
}

bool InForce(const snapshot_v1::PtpEdit& edit, absl::CivilDay day) {
  const std::optional<absl::CivilDay> effective = DayOf(edit.effective_date());
  if (!effective || day < *effective) return false;
  // An edit does not apply on or after its deletion date.
  const std::optional<absl::CivilDay> deleted =
      edit.has_deletion_date() ? DayOf(edit.deletion_date()) : std::nullopt;
  return !deleted || day < *deleted;
}

// --- request validation ---

std::vector<Line> ValidateLines(const v1::CheckEditsRequest& request,
                                common::BadRequestBuilder& errors) {
  std::vector<Line> lines;
  if (request.lines().empty()) {
    errors.Add("lines", "at least one claim line is required");
  } else if (request.lines_size() > kMaxClaimLines) {
    errors.Add("lines", absl::StrCat("at most ", kMaxClaimLines, " claim lines, got ",
                                     request.lines_size()));
    return lines;
  }
  for (int i = 0; i < request.lines_size(); ++i) {
    const v1::ClaimLine& in = request.lines(i);
    const std::string field = absl::StrCat("lines[", i, "]");
    Line& line = lines.emplace_back();
    const std::string code(absl::StripAsciiWhitespace(in.code()));
    if (code.empty()) {
      errors.Add(field + ".code", "required");
    } else if (code.size() > 5) {
      errors.Add(field + ".code", "at most 5 characters (an HCPCS or CPT code)");
    } else if (!IsAlnum(code)) {
      errors.Add(field + ".code", "letters and digits only");
    } else if (code.size() < 5) {
      errors.Add(field + ".code", "an HCPCS or CPT code has 5 characters");
    }
    line.code = absl::AsciiStrToUpper(code);
    line.em = IsEvaluationAndManagementCode(line.code);
    if (in.units() < 1) {
      errors.Add(field + ".units", "at least 1");
    } else if (in.units() > kMaxUnitsPerLine) {
      errors.Add(field + ".units", absl::StrCat("at most ", kMaxUnitsPerLine));
    }
    line.units = in.units();
    if (in.modifiers_size() > kMaxModifiersPerLine) {
      errors.Add(field + ".modifiers",
                 absl::StrCat("at most ", kMaxModifiersPerLine, " modifiers per line"));
    }
    for (int j = 0; j < in.modifiers_size() && j < kMaxModifiersPerLine; ++j) {
      const std::string modifier(absl::StripAsciiWhitespace(in.modifiers(j)));
      if (modifier.size() != 2 || !IsAlnum(modifier)) {
        errors.Add(absl::StrCat(field, ".modifiers[", j, "]"), "two letters or digits");
        continue;
      }
      line.modifiers.push_back(absl::AsciiStrToUpper(modifier));
    }
  }
  return lines;
}

std::string TableList(const EditTables& tables) {
  if (tables.empty()) return "none";
  std::vector<std::string> parts;
  for (const EditTables::Table& t : tables.tables()) {
    parts.push_back(absl::StrCat(t.table->id(), " (", common::FormatDay(t.first), " to ",
                                 common::FormatDay(t.last), ")"));
  }
  return absl::StrJoin(parts, ", ");
}

const char* ProviderName(v1::ProviderType type) {
  switch (type) {
    case v1::PROVIDER_TYPE_PRACTITIONER:
      return "practitioner";
    case v1::PROVIDER_TYPE_OUTPATIENT_HOSPITAL:
      return "outpatient hospital";
    case v1::PROVIDER_TYPE_DME_SUPPLIER:
      return "DME supplier";
    default:
      return "unspecified";
  }
}

}  // namespace

bool IsEvaluationAndManagementCode(absl::string_view code) {
  int number = 0;
  return code.size() == 5 &&
         std::all_of(code.begin(), code.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) &&
         absl::SimpleAtoi(code, &number) && number >= 99202 && number <= 99499;
}

absl::StatusOr<std::unique_ptr<const EditTables>> EditTables::Build(
    const snapshot_v1::Snapshot& snapshot) {
  std::unique_ptr<EditTables> tables(new EditTables());
  for (const snapshot_v1::EditTable& table : snapshot.edit_tables()) {
    const std::optional<absl::CivilDay> first = DayOf(table.effective_date());
    const std::optional<absl::CivilDay> last = DayOf(table.end_date());
    if (!first || !last || *last < *first) {
      return absl::FailedPreconditionError(
          absl::StrCat("edit table ", table.id(), " has no valid effective and end dates"));
    }
    tables->tables_.push_back(Table{&table, *first, *last});
    auto& ptp = tables->ptp_.emplace_back();
    auto& mue = tables->mue_.emplace_back();
    auto& rvu = tables->rvu_.emplace_back();
    auto& rvu_by_code = tables->rvu_by_code_.emplace_back();
    ptp.reserve(static_cast<size_t>(table.ptp_edits_size()));
    for (const auto& edit : table.ptp_edits()) {
      if (edit.column1_code().size() != 5 || edit.column2_code().size() != 5 ||
          !IsAlnum(edit.column1_code()) || !IsAlnum(edit.column2_code())) {
        return absl::FailedPreconditionError(absl::StrCat("edit table ", table.id(), " line ",
                                                          edit.line_number(), ": bad code pair"));
      }
      ptp.emplace_back(PairKey(edit.column1_code(), edit.column2_code()), &edit);
    }
    std::stable_sort(ptp.begin(), ptp.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& limit : table.mue_limits()) mue.emplace(limit.code(), &limit);
    for (const auto& record : table.rvu_records()) {
      rvu.emplace(absl::StrCat(record.code(), "-", record.modifier()), &record);
      rvu_by_code[record.code()].push_back(&record);
    }
  }
  return std::unique_ptr<const EditTables>(std::move(tables));
}

const EditTables::Table* EditTables::Covering(snapshot_v1::EditTableKind kind,
                                              absl::CivilDay day) const {
  const Table* found = nullptr;
  for (const Table& t : tables_) {
    if (t.table->kind() == kind && t.first <= day && day <= t.last) found = &t;
  }
  return found;
}

const EditTables::Table* EditTables::Newest(snapshot_v1::EditTableKind kind) const {
  const Table* found = nullptr;
  for (const Table& t : tables_) {
    if (t.table->kind() == kind && (found == nullptr || found->first <= t.first)) found = &t;
  }
  return found;
}

std::vector<const snapshot_v1::PtpEdit*> EditTables::PtpEdits(const Table& table,
                                                              absl::string_view column1,
                                                              absl::string_view column2) const {
  std::vector<const snapshot_v1::PtpEdit*> edits;
  const auto& rows = ptp_[static_cast<size_t>(&table - tables_.data())];
  const uint64_t key = PairKey(column1, column2);
  auto it = std::lower_bound(rows.begin(), rows.end(), key,
                             [](const auto& row, uint64_t k) { return row.first < k; });
  for (; it != rows.end() && it->first == key; ++it) edits.push_back(it->second);
  return edits;
}

const snapshot_v1::MueLimit* EditTables::Mue(const Table& table, absl::string_view code) const {
  const auto& rows = mue_[static_cast<size_t>(&table - tables_.data())];
  auto it = rows.find(code);
  return it == rows.end() ? nullptr : it->second;
}

const snapshot_v1::RvuRecord* EditTables::Rvu(absl::CivilDay day, absl::string_view code,
                                              absl::string_view modifier) const {
  const Table* table = Covering(snapshot_v1::EDIT_TABLE_KIND_PFS_RVU, day);
  if (table == nullptr) return nullptr;
  const auto& rows = rvu_[static_cast<size_t>(table - tables_.data())];
  auto it = rows.find(absl::StrCat(code, "-", modifier));
  return it == rows.end() ? nullptr : it->second;
}

std::vector<const snapshot_v1::RvuRecord*> EditTables::RvuRows(const Table& table,
                                                               absl::string_view code) const {
  const auto& rows = rvu_by_code_[static_cast<size_t>(&table - tables_.data())];
  auto it = rows.find(code);
  return it == rows.end() ? std::vector<const snapshot_v1::RvuRecord*>() : it->second;
}

absl::StatusOr<v1::CheckEditsResponse> CheckEdits(const EditTables& tables,
                                                  const v1::CheckEditsRequest& request) {
  common::BadRequestBuilder errors;
  const std::vector<Line> lines = ValidateLines(request, errors);
  std::optional<absl::CivilDay> day;
  if (!request.has_date_of_service() || common::IsUnsetDate(request.date_of_service())) {
    errors.Add("date_of_service", "required: the date of service the edits are checked for");
  } else {
    day = common::ValidateDate(request.date_of_service(), "date_of_service", &errors);
  }
  snapshot_v1::EditTableKind ptp_kind = snapshot_v1::EDIT_TABLE_KIND_UNSPECIFIED;
  snapshot_v1::EditTableKind mue_kind = snapshot_v1::EDIT_TABLE_KIND_UNSPECIFIED;
  switch (request.provider_type()) {
    case v1::PROVIDER_TYPE_PRACTITIONER:
      ptp_kind = snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_PRACTITIONER;
      mue_kind = snapshot_v1::EDIT_TABLE_KIND_MUE_PRACTITIONER;
      break;
    case v1::PROVIDER_TYPE_OUTPATIENT_HOSPITAL:
      ptp_kind = snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_HOSPITAL;
      mue_kind = snapshot_v1::EDIT_TABLE_KIND_MUE_OUTPATIENT_HOSPITAL;
      break;
    case v1::PROVIDER_TYPE_DME_SUPPLIER:
      mue_kind = snapshot_v1::EDIT_TABLE_KIND_MUE_DME_SUPPLIER;  // DME claims have no PTP edits
      break;
    default:
      errors.Add("provider_type",
                 "one of PROVIDER_TYPE_PRACTITIONER, PROVIDER_TYPE_OUTPATIENT_HOSPITAL, "
                 "PROVIDER_TYPE_DME_SUPPLIER");
  }
  if (!errors.empty() || !day.has_value()) return errors.Build("invalid CheckEdits request");

  // Every table the provider type needs must cover the day: a missing one
  // would read as "no edits", a wrong answer.
  const EditTables::Table* ptp = nullptr;
  const EditTables::Table* mue = tables.Covering(mue_kind, *day);
  std::vector<std::string> missing;
  if (ptp_kind != snapshot_v1::EDIT_TABLE_KIND_UNSPECIFIED) {
    ptp = tables.Covering(ptp_kind, *day);
    if (ptp == nullptr) missing.push_back(snapshot_v1::EditTableKind_Name(ptp_kind));
  }
  if (mue == nullptr) missing.push_back(snapshot_v1::EditTableKind_Name(mue_kind));
  if (!missing.empty()) {
    const std::string list = TableList(tables);
    return common::FailedPreconditionError(
        absl::StrCat("No loaded ", absl::StrJoin(missing, " and "),
                     " table covers the date of service ", common::FormatDay(*day), " for a ",
                     ProviderName(request.provider_type()), ". Loaded edit tables: ", list, "."),
        "EDIT_TABLE_NOT_LOADED", absl::StrCat("date_of_service:", common::FormatDay(*day)),
        absl::StrCat("Loaded edit tables: ", list));
  }

  v1::CheckEditsResponse response;
  if (ptp != nullptr) {
    response.add_release_ids(ptp->table->id());
    for (size_t i = 0; i < lines.size(); ++i) {
      for (size_t j = 0; j < lines.size(); ++j) {
        if (i == j || lines[i].code == lines[j].code) continue;
        const snapshot_v1::PtpEdit* chosen = nullptr;
        for (const snapshot_v1::PtpEdit* edit :
             tables.PtpEdits(*ptp, lines[i].code, lines[j].code)) {
          if (!InForce(*edit, *day)) continue;
          // Two rows in force for one pair: the stricter indicator wins.
          if (chosen == nullptr || edit->modifier_indicator() < chosen->modifier_indicator()) {
            chosen = edit;
          }
        }
        if (chosen == nullptr || chosen->modifier_indicator() == 9) continue;
        v1::PtpFinding& finding = *response.add_ptp_findings();
        finding.set_column1_line(static_cast<int32_t>(i));
        finding.set_column2_line(static_cast<int32_t>(j));
        finding.set_column1_code(lines[i].code);
        finding.set_column2_code(lines[j].code);
        finding.set_modifier_indicator(chosen->modifier_indicator());
        finding.set_rationale(chosen->rationale());
        *finding.mutable_effective_date() = chosen->effective_date();
        if (chosen->has_deletion_date()) *finding.mutable_deletion_date() = chosen->deletion_date();
        std::string bypass;
        if (chosen->modifier_indicator() == 1) bypass = BypassingModifier(lines[i], lines[j]);
        finding.set_bypassing_modifier(bypass);
        finding.set_denied(bypass.empty());
      }
    }
  }

  response.add_release_ids(mue->table->id());
  // Codes in order of their first line.
  std::vector<std::string> codes;
  absl::flat_hash_map<std::string, std::vector<int>> lines_of;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto [it, inserted] = lines_of.try_emplace(lines[i].code);
    if (inserted) codes.push_back(lines[i].code);
    it->second.push_back(static_cast<int>(i));
  }
  for (const std::string& code : codes) {
    const snapshot_v1::MueLimit* limit = tables.Mue(*mue, code);
    if (limit == nullptr) continue;
    const std::vector<int>& on = lines_of[code];
    auto add = [&](const std::vector<int>& denied, int billed) {
      v1::MueFinding& finding = *response.add_mue_findings();
      finding.set_code(code);
      for (int line : denied) finding.add_lines(line);
      finding.set_units_billed(billed);
      finding.set_units_allowed(limit->value());
      finding.set_adjudication_indicator(limit->adjudication_indicator());
      finding.set_adjudication_text(limit->adjudication_text());
      finding.set_rationale(limit->rationale());
    };
    if (limit->adjudication_indicator() == 1) {
      // Line edit: each line on its own.
      for (int line : on) {
        if (lines[line].units > limit->value()) add({line}, lines[line].units);
      }
    } else {
      // Date of service edit: the day's units of the code together; over
      // the limit, every line of the code is denied.
      int64_t total = 0;
      for (int line : on) total += lines[line].units;
      if (total > limit->value()) add(on, static_cast<int>(total));
    }
  }
  return response;
}

}  // namespace codingahead::catalog
