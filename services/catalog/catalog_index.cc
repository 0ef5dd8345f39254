#include "services/catalog/catalog_index.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/catalog/changes.h"
#include "services/catalog/edits.h"
#include "services/catalog/hierarchy.h"
#include "services/catalog/search_index.h"

namespace codingahead::catalog {
namespace {

const std::vector<ReleaseInfo>& EmptyReleases() {
  static const auto* empty = new std::vector<ReleaseInfo>();
  return *empty;
}

const std::vector<CodeVersion>& EmptyVersions() {
  static const auto* empty = new std::vector<CodeVersion>();
  return *empty;
}

const std::vector<IndexReference>& EmptyReferences() {
  static const auto* empty = new std::vector<IndexReference>();
  return *empty;
}

}  // namespace

std::string DisplayCode(snapshot_v1::CodeSet code_set, const std::string& code) {
  if (code_set == snapshot_v1::CODE_SET_ICD10CM && code.size() > 3) {
    return absl::StrCat(code.substr(0, 3), ".", code.substr(3));
  }
  return code;
}

CatalogIndex::CatalogIndex() = default;
CatalogIndex::~CatalogIndex() = default;

absl::StatusOr<std::shared_ptr<const CatalogIndex>> CatalogIndex::Build(
    snapshot_v1::Snapshot snapshot, absl::Time loaded_at) {
  std::shared_ptr<CatalogIndex> index(new CatalogIndex());
  index->snapshot_ = std::move(snapshot);
  index->loaded_at_ = loaded_at;

  for (const auto& release : index->snapshot_.releases()) {
    const auto& d = release.effective_date();
    if (d.year() == 0 || d.month() == 0 || d.day() == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("release ", release.id(), " has no effective date"));
    }
    index->releases_[release.code_set()].push_back(
        ReleaseInfo{&release, absl::CivilDay(d.year(), d.month(), d.day()), absl::CivilDay(), 0});
  }
  for (auto& [code_set, releases] : index->releases_) {
    std::sort(releases.begin(), releases.end(),
              [](const ReleaseInfo& a, const ReleaseInfo& b) { return a.effective < b.effective; });
    for (size_t i = 0; i < releases.size(); ++i) {
      releases[i].ordinal = static_cast<int>(i);
      if (i + 1 < releases.size()) {
        releases[i].covers_through = releases[i + 1].effective - 1;
      } else if (code_set == snapshot_v1::CODE_SET_ICD10CM) {
        // ICD-10-CM runs by fiscal year from 1 October (1 April brings an
        // update within the year): the newest release answers up to the day
        // before the next 1 October, when a new fiscal year's codes take
        // effect, never beyond. An April 1 update thus covers 1 April to
        // 30 September; a 1 October release the whole fiscal year.
        absl::CivilDay e = releases[i].effective;
        const int next_october_year = e.month() >= 10 ? e.year() + 1 : e.year();
        releases[i].covers_through = absl::CivilDay(next_october_year, 10, 1) - 1;
      } else {
        // The newest release answers for one year from its effective date
        // (every code set here publishes at least yearly), never beyond.
        absl::CivilDay e = releases[i].effective;
        releases[i].covers_through = absl::CivilDay(e.year() + 1, e.month(), e.day()) - 1;
      }
    }
    // Versions are appended release by release, oldest first.
    auto& by_code = index->codes_[code_set];
    for (const auto& info : releases) {
      for (const auto& record : info.release->records()) {
        by_code[record.code()].push_back(CodeVersion{&info, &record});
      }
    }
  }
  for (const auto& [code_set, releases] : index->releases_) {
    for (const auto& info : releases) {
      const snapshot_v1::Release& release = *info.release;
      if (release.index_terms_size() > 0) {
        auto& by_code = index->index_references_[release.id()];
        for (const auto& term : release.index_terms()) {
          for (const auto& code : term.codes()) by_code[code.code()].push_back({&term, &code});
        }
      }
      if (release.transactions_size() > 0) {
        auto& by_code = index->transactions_[release.id()];
        for (const auto& entry : release.transactions()) by_code.emplace(entry.code(), &entry);
      }
      if (std::unique_ptr<const Hierarchy> hierarchy = Hierarchy::Build(release)) {
        index->hierarchies_[release.id()] = std::move(hierarchy);
      }
    }
  }
  for (const auto& table : index->snapshot_.code_tables()) {
    index->tables_[table.field()] = &table;
  }
  index->changes_ = ReleaseChanges::Build(*index);
  absl::StatusOr<std::unique_ptr<const EditTables>> edits = EditTables::Build(index->snapshot_);
  if (!edits.ok()) return edits.status();
  index->edits_ = *std::move(edits);
  absl::StatusOr<std::unique_ptr<const SearchIndex>> search =
      SearchIndex::Build(*index, SynonymTable::BuiltIn());
  if (!search.ok()) return search.status();
  index->search_ = *std::move(search);
  return std::shared_ptr<const CatalogIndex>(std::move(index));
}

const std::vector<ReleaseInfo>& CatalogIndex::Releases(snapshot_v1::CodeSet code_set) const {
  auto it = releases_.find(code_set);
  return it == releases_.end() ? EmptyReleases() : it->second;
}

std::vector<snapshot_v1::CodeSet> CatalogIndex::CodeSets() const {
  std::vector<snapshot_v1::CodeSet> sets;
  for (const auto& [code_set, releases] : releases_) {
    if (!releases.empty()) sets.push_back(static_cast<snapshot_v1::CodeSet>(code_set));
  }
  std::sort(sets.begin(), sets.end());
  return sets;
}

const std::vector<CodeVersion>& CatalogIndex::Versions(snapshot_v1::CodeSet code_set,
                                                       const std::string& code) const {
  auto set_it = codes_.find(code_set);
  if (set_it == codes_.end()) return EmptyVersions();
  auto it = set_it->second.find(code);
  return it == set_it->second.end() ? EmptyVersions() : it->second;
}

std::vector<snapshot_v1::CodeSet> CatalogIndex::CodeSetsHolding(const std::string& code) const {
  std::vector<snapshot_v1::CodeSet> sets;
  for (snapshot_v1::CodeSet code_set : CodeSets()) {
    if (!Versions(code_set, code).empty()) sets.push_back(code_set);
  }
  return sets;
}

const std::vector<IndexReference>& CatalogIndex::IndexReferences(const ReleaseInfo& release,
                                                                 const std::string& code) const {
  auto set_it = index_references_.find(release.release->id());
  if (set_it == index_references_.end()) return EmptyReferences();
  auto it = set_it->second.find(code);
  return it == set_it->second.end() ? EmptyReferences() : it->second;
}

const Hierarchy* CatalogIndex::HierarchyOf(const ReleaseInfo& release) const {
  auto it = hierarchies_.find(release.release->id());
  return it == hierarchies_.end() ? nullptr : it->second.get();
}

const snapshot_v1::TransactionEntry* CatalogIndex::Transaction(const ReleaseInfo& release,
                                                               const std::string& code) const {
  auto set_it = transactions_.find(release.release->id());
  if (set_it == transactions_.end()) return nullptr;
  auto it = set_it->second.find(code);
  return it == set_it->second.end() ? nullptr : it->second;
}

std::string CatalogIndex::Meaning(const std::string& field, const std::string& value) const {
  auto it = tables_.find(field);
  if (it == tables_.end()) return "";
  auto m = it->second->meanings().find(value);
  return m == it->second->meanings().end() ? "" : m->second;
}

}  // namespace codingahead::catalog
