#include "services/catalog/changes.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/date.h"
#include "common/hash.h"
#include "common/status.h"
#include "google/rpc/error_details.pb.h"
#include "services/catalog/code_set_name.h"

namespace codingahead::catalog {
namespace {

using ChangeKind = v1::ListChangesRequest::ChangeKind;

constexpr size_t kMaxReleaseIdLength = 64;
constexpr size_t kMaxPageTokenLength = 512;
constexpr char kTokenVersion[] = "g1";

std::optional<absl::CivilDay> DayOf(const google::type::Date& date) {
  if (common::IsUnsetDate(date)) return std::nullopt;
  return common::FromProtoDate(date);
}

// What the listing a token belongs to is: code set, both releases (with a
// digest of their sources, so a re-import of other files under the same id
// does not resume a stale listing) and the kinds asked for.
std::string ListingKey(v1::CodeSet code_set, const ReleaseInfo& from, const ReleaseInfo& to,
                       const std::set<int>& kinds) {
  std::string sources;
  for (const ReleaseInfo* info : {&from, &to}) {
    for (const auto& source : info->release->sources()) absl::StrAppend(&sources, source.sha256());
  }
  return absl::StrCat(static_cast<int>(code_set), "|", from.release->id(), "|", to.release->id(),
                      "|", absl::StrJoin(kinds, ","), "|",
                      common::Sha256::HexDigest(sources).substr(0, 12));
}

std::string TokenCheck(const std::string& payload) {
  return common::Sha256::HexDigest(absl::StrCat("ca-list-changes|", payload)).substr(0, 16);
}

std::string MakePageToken(const std::string& key, int offset) {
  const std::string payload = absl::StrCat(kTokenVersion, "|", key, "|", offset);
  return absl::WebSafeBase64Escape(absl::StrCat(payload, "|", TokenCheck(payload)));
}

absl::StatusOr<int> ParsePageToken(const std::string& token, const std::string& key) {
  auto invalid = [](absl::string_view why) {
    return common::InvalidArgumentError("invalid ListChanges request",
                                        {{"page_token", std::string(why)}});
  };
  std::string decoded;
  if (token.size() > kMaxPageTokenLength || !absl::WebSafeBase64Unescape(token, &decoded)) {
    return invalid("not a page token returned by ListChanges");
  }
  const size_t bar = decoded.rfind('|');
  if (bar == std::string::npos || TokenCheck(decoded.substr(0, bar)) != decoded.substr(bar + 1)) {
    return invalid("not a page token returned by ListChanges");
  }
  const std::string payload = decoded.substr(0, bar);
  const size_t offset_bar = payload.rfind('|');
  int offset = 0;
  if (!absl::StartsWith(payload, absl::StrCat(kTokenVersion, "|")) ||
      !absl::SimpleAtoi(payload.substr(offset_bar + 1), &offset) || offset <= 0) {
    return invalid("not a page token returned by ListChanges");
  }
  if (payload.substr(0, offset_bar) != absl::StrCat(kTokenVersion, "|", key)) {
    return invalid(
        "the page token belongs to another listing (code set, releases or kinds differ, or the "
        "releases were re-imported); start again without a page token");
  }
  return offset;
}

const ReleaseInfo* FindRelease(const CatalogIndex& index, const std::string& id) {
  for (snapshot_v1::CodeSet code_set : index.CodeSets()) {
    for (const ReleaseInfo& info : index.Releases(code_set)) {
      if (info.release->id() == id) return &info;
    }
  }
  return nullptr;
}

std::string LoadedReleaseIds(const CatalogIndex& index) {
  std::vector<std::string> ids;
  for (snapshot_v1::CodeSet code_set : index.CodeSets()) {
    for (const ReleaseInfo& info : index.Releases(code_set)) ids.push_back(info.release->id());
  }
  return ids.empty() ? "none" : absl::StrJoin(ids, ", ");
}

const snapshot_v1::CodeRecord* RecordIn(const CatalogIndex& index, snapshot_v1::CodeSet code_set,
                                        const std::string& code, const ReleaseInfo& release) {
  for (const CodeVersion& version : index.Versions(code_set, code)) {
    if (version.release == &release) return version.record;
  }
  return nullptr;
}

bool ReportAgrees(ChangeKind kind, const std::string& action_code) {
  switch (kind) {
    case v1::ListChangesRequest::CHANGE_KIND_ADDED:
      return action_code == "A" || action_code == "R";
    case v1::ListChangesRequest::CHANGE_KIND_DISCONTINUED:
      return action_code == "D";
    case v1::ListChangesRequest::CHANGE_KIND_REVISED:
      return action_code == "C" || action_code == "B";
    default:
      return false;
  }
}

// Every change between the two releases, in (code, kind) order.
std::vector<Change> ComputeChanges(const CatalogIndex& index, snapshot_v1::CodeSet code_set,
                                   const ReleaseInfo& from, const ReleaseInfo& to) {
  std::vector<Change> changes;
  auto terminated_in_span = [&](const snapshot_v1::CodeRecord& record) {
    std::optional<absl::CivilDay> end = DayOf(record.termination_date());
    return end.has_value() && *end > from.effective && *end <= to.covers_through;
  };
  auto add = [&](const std::string& code, ChangeKind kind, const snapshot_v1::CodeRecord* old,
                 const snapshot_v1::CodeRecord* current) {
    const snapshot_v1::TransactionEntry* entry = index.Transaction(to, code);
    changes.push_back({&code, kind, old, current, entry,
                       entry != nullptr && ReportAgrees(kind, entry->action_code())});
  };
  for (const auto& record : to.release->records()) {
    const snapshot_v1::CodeRecord* old = RecordIn(index, code_set, record.code(), from);
    std::optional<absl::CivilDay> added = DayOf(record.added_date());
    const bool is_added = old == nullptr || (added.has_value() && *added > from.effective);
    const bool is_discontinued = terminated_in_span(record);
    if (is_added) add(record.code(), v1::ListChangesRequest::CHANGE_KIND_ADDED, old, &record);
    if (is_discontinued) {
      add(record.code(), v1::ListChangesRequest::CHANGE_KIND_DISCONTINUED, old, &record);
    }
    if (!is_added && !is_discontinued && old != nullptr &&
        old->long_description() != record.long_description()) {
      add(record.code(), v1::ListChangesRequest::CHANGE_KIND_REVISED, old, &record);
    }
  }
  // Codes `to` no longer lists: discontinued in the span only when their
  // own termination date falls in it (old terminations drop out after four
  // years).
  for (const auto& record : from.release->records()) {
    if (RecordIn(index, code_set, record.code(), to) != nullptr) continue;
    if (terminated_in_span(record)) {
      add(record.code(), v1::ListChangesRequest::CHANGE_KIND_DISCONTINUED, &record, nullptr);
    }
  }
  std::sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    if (*a.code != *b.code) return *a.code < *b.code;
    return a.kind < b.kind;
  });
  return changes;
}

v1::CodeChange ToCodeChange(v1::CodeSet code_set, const ReleaseInfo& to, const Change& change) {
  v1::CodeChange out;
  const snapshot_v1::CodeRecord& current = change.to != nullptr ? *change.to : *change.from;
  out.set_code(DisplayCode(static_cast<snapshot_v1::CodeSet>(code_set), *change.code));
  out.set_code_set(code_set);
  out.set_kind(change.kind);
  out.set_code_kind(current.kind() == snapshot_v1::RECORD_KIND_MODIFIER ? v1::CODE_KIND_MODIFIER
                                                                        : v1::CODE_KIND_CODE);
  out.set_action_code(current.action_code());
  out.set_release_id(to.release->id());
  *out.mutable_added_date() = current.added_date();
  *out.mutable_termination_date() = current.termination_date();
  switch (change.kind) {
    case v1::ListChangesRequest::CHANGE_KIND_ADDED:
      *out.mutable_effective_date() = current.added_date();
      break;
    case v1::ListChangesRequest::CHANGE_KIND_DISCONTINUED:
      // Discontinued from the day after the last valid date.
      if (auto end = DayOf(current.termination_date())) {
        *out.mutable_effective_date() = common::ToProtoDate(*end + 1);
      }
      break;
    default:
      *out.mutable_effective_date() = current.action_effective_date();
      break;
  }
  if (!out.has_effective_date() || common::IsUnsetDate(out.effective_date())) {
    *out.mutable_effective_date() = to.release->effective_date();
  }
  if (change.from != nullptr) out.set_old_description(change.from->long_description());
  if (change.to != nullptr) out.set_new_description(change.to->long_description());
  if (change.reported != nullptr) {
    out.set_reported(true);
    out.set_reported_change(change.reported->change());
    out.set_report_agrees(change.report_agrees);
  }
  return out;
}

}  // namespace

std::unique_ptr<const ReleaseChanges> ReleaseChanges::Build(const CatalogIndex& index) {
  auto built = std::make_unique<ReleaseChanges>();
  for (snapshot_v1::CodeSet code_set : index.CodeSets()) {
    const std::vector<ReleaseInfo>& releases = index.Releases(code_set);
    for (size_t i = 0; i < releases.size(); ++i) {
      for (size_t j = i + 1; j < releases.size(); ++j) {
        if (releases[i].effective >= releases[j].effective) continue;
        built->changes_[{&releases[i], &releases[j]}] =
            ComputeChanges(index, code_set, releases[i], releases[j]);
      }
    }
  }
  return built;
}

const std::vector<Change>* ReleaseChanges::Between(const ReleaseInfo& from,
                                                   const ReleaseInfo& to) const {
  auto it = changes_.find({&from, &to});
  return it == changes_.end() ? nullptr : &it->second;
}

absl::StatusOr<v1::ListChangesResponse> ListChanges(const CatalogIndex& index,
                                                    const v1::ListChangesRequest& request) {
  common::BadRequestBuilder errors;
  if (request.from_release_id().empty()) {
    errors.Add("from_release_id", "required: the older release, e.g. \"hcpcs-2018\"");
  } else if (request.from_release_id().size() > kMaxReleaseIdLength) {
    errors.Add("from_release_id", absl::StrCat("at most ", kMaxReleaseIdLength, " characters"));
  }
  if (request.to_release_id().empty()) {
    errors.Add("to_release_id", "required: the newer release, e.g. \"hcpcs-2019\"");
  } else if (request.to_release_id().size() > kMaxReleaseIdLength) {
    errors.Add("to_release_id", absl::StrCat("at most ", kMaxReleaseIdLength, " characters"));
  }
  if (!v1::CodeSet_IsValid(request.code_set())) errors.Add("code_set", "unknown code set");
  std::set<int> kinds;
  for (int i = 0; i < request.kinds_size(); ++i) {
    const int kind = request.kinds(i);
    if (kind == v1::ListChangesRequest::CHANGE_KIND_UNSPECIFIED ||
        !v1::ListChangesRequest::ChangeKind_IsValid(kind)) {
      errors.Add(absl::StrCat("kinds[", i, "]"),
                 "CHANGE_KIND_ADDED, CHANGE_KIND_REVISED or CHANGE_KIND_DISCONTINUED");
    } else {
      kinds.insert(kind);
    }
  }
  if (request.page_size() < 0 || request.page_size() > kMaxChangesPageSize) {
    errors.Add("page_size", absl::StrCat("must be between 0 (default ", kDefaultChangesPageSize,
                                         ") and ", kMaxChangesPageSize));
  }
  if (absl::Status invalid = errors.Build("invalid ListChanges request"); !invalid.ok()) {
    return invalid;
  }

  const ReleaseInfo* from = FindRelease(index, request.from_release_id());
  const ReleaseInfo* to = FindRelease(index, request.to_release_id());
  if (from == nullptr || to == nullptr) {
    const bool from_missing = from == nullptr;
    const std::string& id = from_missing ? request.from_release_id() : request.to_release_id();
    absl::Status status = absl::NotFoundError(absl::StrCat(
        "Release ", id, " is not loaded. Loaded releases: ", LoadedReleaseIds(index), "."));
    google::rpc::BadRequest detail;
    auto* violation = detail.add_field_violations();
    violation->set_field(from_missing ? "from_release_id" : "to_release_id");
    violation->set_description(absl::StrCat("no loaded release ", id));
    common::SetDetail(status, detail);
    return status;
  }
  const auto release_set = static_cast<v1::CodeSet>(from->release->code_set());
  if (request.code_set() != v1::CODE_SET_UNSPECIFIED && request.code_set() != release_set) {
    errors.Add("code_set", absl::StrCat(from->release->id(), " is a ", CodeSetName(release_set),
                                        " release, not ", CodeSetName(request.code_set())));
  }
  if (to->release->code_set() != from->release->code_set()) {
    errors.Add("to_release_id",
               absl::StrCat(to->release->id(), " is a ",
                            CodeSetName(static_cast<v1::CodeSet>(to->release->code_set())),
                            " release and ", from->release->id(), " a ", CodeSetName(release_set),
                            " one: changes are listed within one code set"));
  } else if (from->effective >= to->effective) {
    errors.Add("from_release_id",
               absl::StrCat(from->release->id(), " (effective ", common::FormatDay(from->effective),
                            ") must be older than ", to->release->id(), " (effective ",
                            common::FormatDay(to->effective), ")"));
  }
  if (absl::Status invalid = errors.Build("invalid ListChanges request"); !invalid.ok()) {
    return invalid;
  }

  const std::string key = ListingKey(release_set, *from, *to, kinds);
  int offset = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<int> parsed = ParsePageToken(request.page_token(), key);
    if (!parsed.ok()) return parsed.status();
    offset = *parsed;
  }
  const std::vector<Change>* all = index.Changes().Between(*from, *to);
  std::vector<const Change*> changes;
  int disagreements = 0;
  if (all != nullptr) {
    for (const Change& change : *all) {
      if (!kinds.empty() && !kinds.contains(change.kind)) continue;
      changes.push_back(&change);
      if (!change.report_agrees) ++disagreements;
    }
  }
  const int size = request.page_size() == 0 ? kDefaultChangesPageSize : request.page_size();
  const int total = static_cast<int>(changes.size());
  v1::ListChangesResponse response;
  response.set_total_size(total);
  if (to->release->transactions_size() > 0) response.set_report_disagreements(disagreements);
  const int end = std::min(total, offset + size);
  for (int i = offset; i < end; ++i) {
    *response.add_changes() = ToCodeChange(release_set, *to, *changes[i]);
  }
  if (end < total) response.set_next_page_token(MakePageToken(key, end));
  return response;
}

}  // namespace codingahead::catalog
