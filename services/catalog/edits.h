#ifndef CODINGAHEAD_SERVICES_CATALOG_EDITS_H_
#define CODINGAHEAD_SERVICES_CATALOG_EDITS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "catalog/snapshot/v1/snapshot.pb.h"
#include "catalog/v1/catalog.pb.h"

namespace codingahead::catalog {

// The NCCI PTP, MUE and PFS RVU tables of one snapshot, indexed once when
// the snapshot is loaded (CatalogIndex::Build) and read by concurrent
// CheckEdits calls. Points into the snapshot, which must outlive it.
class EditTables {
 public:
  // One loaded table and the dates of service it answers for.
  struct Table {
    const snapshot::v1::EditTable* table = nullptr;
    absl::CivilDay first;
    absl::CivilDay last;
  };

  // Fails on a table without an effective or end date, or one that ends
  // before it starts.
  static absl::StatusOr<std::unique_ptr<const EditTables>> Build(
      const snapshot::v1::Snapshot& snapshot);

  // The newest-loaded table of `kind` whose quarter holds `day`, or null.
  const Table* Covering(snapshot::v1::EditTableKind kind, absl::CivilDay day) const;
  // The table of `kind` with the latest quarter (the later-loaded one of
  // equal quarters), or null when none of that kind is loaded.
  const Table* Newest(snapshot::v1::EditTableKind kind) const;
  // Every loaded table, in snapshot order.
  const std::vector<Table>& tables() const { return tables_; }
  bool empty() const { return tables_.empty(); }

  // The PTP rows of `table` for the ordered pair (column 1, column 2), any
  // dates; empty when the table has none.
  std::vector<const snapshot::v1::PtpEdit*> PtpEdits(const Table& table, absl::string_view column1,
                                                     absl::string_view column2) const;
  // The MUE row of `code` in `table`, or null.
  const snapshot::v1::MueLimit* Mue(const Table& table, absl::string_view code) const;
  // The PFS row of code + modifier ("" for the global row) in the newest
  // PFS table covering `day`, or null.
  const snapshot::v1::RvuRecord* Rvu(absl::CivilDay day, absl::string_view code,
                                     absl::string_view modifier) const;
  // Every PFS row of `code` in `table` (the global row and the modifier
  // rows), in file order; empty when the table does not list it.
  std::vector<const snapshot::v1::RvuRecord*> RvuRows(const Table& table,
                                                      absl::string_view code) const;

 private:
  EditTables() = default;

  std::vector<Table> tables_;
  // table position -> (packed column 1/column 2 key, row), sorted by key.
  std::vector<std::vector<std::pair<uint64_t, const snapshot::v1::PtpEdit*>>> ptp_;
  // table position -> code -> row.
  std::vector<absl::flat_hash_map<std::string, const snapshot::v1::MueLimit*>> mue_;
  // table position -> "code-modifier" -> row.
  std::vector<absl::flat_hash_map<std::string, const snapshot::v1::RvuRecord*>> rvu_;
  // table position -> code -> rows in file order.
  std::vector<absl::flat_hash_map<std::string, std::vector<const snapshot::v1::RvuRecord*>>>
      rvu_by_code_;
};

// Claims this large are refused: more than 100 lines, or more units on a
// line than any MUE value.
inline constexpr int kMaxClaimLines = 100;
inline constexpr int kMaxUnitsPerLine = 99999;

// True for an E/M code: 99202 through 99499.
bool IsEvaluationAndManagementCode(absl::string_view code);

// Checks the claim lines of `request` against the PTP and MUE tables for
// its provider type that cover its date of service (docs/edits.md has the
// rules). INVALID_ARGUMENT with field violations ("lines[3].units") for a
// malformed request; FAILED_PRECONDITION when a table the provider type
// needs is not loaded for that date.
absl::StatusOr<v1::CheckEditsResponse> CheckEdits(const EditTables& tables,
                                                  const v1::CheckEditsRequest& request);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_EDITS_H_
