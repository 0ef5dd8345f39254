#include "services/catalog/catalog_index.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

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

}  // namespace

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
        ReleaseInfo{&release, absl::CivilDay(d.year(), d.month(), d.day()),
                    absl::CivilDay(), 0});
  }
  for (auto& [code_set, releases] : index->releases_) {
    std::sort(releases.begin(), releases.end(),
              [](const ReleaseInfo& a, const ReleaseInfo& b) { return a.effective < b.effective; });
    for (size_t i = 0; i < releases.size(); ++i) {
      releases[i].ordinal = static_cast<int>(i);
      if (i + 1 < releases.size()) {
        releases[i].covers_through = releases[i + 1].effective - 1;
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
  for (const auto& table : index->snapshot_.code_tables()) {
    index->tables_[table.field()] = &table;
  }
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

std::string CatalogIndex::Meaning(const std::string& field, const std::string& value) const {
  auto it = tables_.find(field);
  if (it == tables_.end()) return "";
  auto m = it->second->meanings().find(value);
  return m == it->second->meanings().end() ? "" : m->second;
}

}  // namespace codingahead::catalog
