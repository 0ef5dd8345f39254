#ifndef CODINGAHEAD_SERVICES_CATALOG_CATALOG_INDEX_H_
#define CODINGAHEAD_SERVICES_CATALOG_CATALOG_INDEX_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::catalog {

namespace snapshot_v1 = ::codingahead::catalog::snapshot::v1;

// One loaded release with the dates it answers for.
struct ReleaseInfo {
  const snapshot_v1::Release* release;
  absl::CivilDay effective;
  // Last date of service this release is the newest for.
  absl::CivilDay covers_through;
  // Position among the releases of its code set, oldest first.
  int ordinal;
};

// A code as published in one release.
struct CodeVersion {
  const ReleaseInfo* release;
  const snapshot_v1::CodeRecord* record;
};

// An ICD-10-CM index term listing a code.
struct IndexReference {
  const snapshot_v1::IndexTerm* term;
  const snapshot_v1::IndexCode* code;
};

class EditTables;
class Hierarchy;
class ReleaseChanges;
class SearchIndex;

// The form a code is shown in: ICD-10-CM codes with a dot after the
// category ("A000" -> "A00.0"); others as stored.
std::string DisplayCode(snapshot_v1::CodeSet code_set, const std::string& code);

// The in-memory, read-only view of one snapshot that every lookup uses.
// Built once off the serving path; shared by concurrent readers.
class CatalogIndex {
 public:
  ~CatalogIndex();

  // Takes ownership of the snapshot and indexes it. Fails on a snapshot
  // whose releases have no effective date.
  static absl::StatusOr<std::shared_ptr<const CatalogIndex>> Build(snapshot_v1::Snapshot snapshot,
                                                                   absl::Time loaded_at);

  const snapshot_v1::Snapshot& snapshot() const { return snapshot_; }
  absl::Time loaded_at() const { return loaded_at_; }

  // Releases of a code set, oldest first (empty when none is loaded).
  const std::vector<ReleaseInfo>& Releases(snapshot_v1::CodeSet code_set) const;
  // Every code set that has at least one release, in enum order.
  std::vector<snapshot_v1::CodeSet> CodeSets() const;

  // Every version of `code` (normalised) in `code_set`, oldest release
  // first; empty when the code set never had it.
  const std::vector<CodeVersion>& Versions(snapshot_v1::CodeSet code_set,
                                           const std::string& code) const;

  // The code sets holding `code`, in enum order.
  std::vector<snapshot_v1::CodeSet> CodeSetsHolding(const std::string& code) const;

  // ICD-10-CM index terms of `release` that list `code` (normalised, no
  // dot, no dash), in document order; empty when none does.
  const std::vector<IndexReference>& IndexReferences(const ReleaseInfo& release,
                                                     const std::string& code) const;

  // The browsing hierarchy of `release` (ICD-10-CM chapters/blocks/
  // categories, HCPCS letter sections/ranges/codes); null for code sets
  // without one.
  const Hierarchy* HierarchyOf(const ReleaseInfo& release) const;

  // The line of `release`'s transaction report listing `code`, or null (no
  // report, or the report does not list it).
  const snapshot_v1::TransactionEntry* Transaction(const ReleaseInfo& release,
                                                   const std::string& code) const;

  // The changes between every two releases of a code set (ListChanges),
  // computed once with the index.
  const ReleaseChanges& Changes() const { return *changes_; }

  // The snapshot's NCCI PTP, MUE and PFS tables (CheckEdits), indexed once
  // with the index; empty when the snapshot has none.
  const EditTables& Edits() const { return *edits_; }

  // Meaning of a coded field value from the record layout, or empty.
  std::string Meaning(const std::string& field, const std::string& value) const;

  // The ranked search index (SearchCodes, SuggestCodes), built by Build
  // off the serving path (Build fails when it cannot be built); never null
  // for an index from Build.
  const SearchIndex* search() const { return search_.get(); }

 private:
  CatalogIndex();

  snapshot_v1::Snapshot snapshot_;
  absl::Time loaded_at_;
  absl::flat_hash_map<int, std::vector<ReleaseInfo>> releases_;
  // code set -> code -> versions.
  absl::flat_hash_map<int, absl::flat_hash_map<std::string, std::vector<CodeVersion>>> codes_;
  absl::flat_hash_map<std::string, const snapshot_v1::CodeTable*> tables_;
  // release id -> code -> index references.
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, std::vector<IndexReference>>>
      index_references_;
  absl::flat_hash_map<std::string, std::unique_ptr<const Hierarchy>> hierarchies_;
  // release id -> code -> transaction report line.
  absl::flat_hash_map<std::string,
                      absl::flat_hash_map<std::string, const snapshot_v1::TransactionEntry*>>
      transactions_;
  std::unique_ptr<const ReleaseChanges> changes_;
  std::unique_ptr<const EditTables> edits_;
  std::unique_ptr<const SearchIndex> search_;
};

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_CATALOG_INDEX_H_
