#ifndef CODINGAHEAD_SERVICES_CATALOG_CHANGES_H_
#define CODINGAHEAD_SERVICES_CATALOG_CHANGES_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "catalog/v1/catalog.pb.h"
#include "services/catalog/catalog_index.h"

// ListChanges: codes added, revised and discontinued between two loaded
// releases of one code set, computed from the releases' own records:
//
//   added         in `to` and not in `from`, or in both with an added date
//                 after `from`'s effective date
//   discontinued  a termination date (from the `to` record, else the `from`
//                 one) after `from`'s effective date and no later than the
//                 last date `to` covers
//   revised       in both, neither added nor discontinued, and the long
//                 description differs
//
// Each change carries the `to` release's transaction report line for the
// code when that release has a report (`reported`, `reported_change`) and
// whether the report agrees (ADD for added, Discontinued for discontinued, a
// long description change for revised).
namespace codingahead::catalog {

namespace v1 = ::codingahead::catalog::v1;

// One change between two releases (pointers into the index's snapshot).
struct Change {
  const std::string* code;
  v1::ListChangesRequest::ChangeKind kind;
  const snapshot_v1::CodeRecord* from;  // null when `from` lacks the code
  const snapshot_v1::CodeRecord* to;    // null when `to` lacks the code
  // The `to` release's transaction report line for the code, or null.
  const snapshot_v1::TransactionEntry* reported;
  bool report_agrees;
};

// The changes between every older and newer release of each code set, in
// (code, kind) order, computed once when the index is built (off the
// serving path), so ListChanges only filters and pages.
class ReleaseChanges {
 public:
  static std::unique_ptr<const ReleaseChanges> Build(const CatalogIndex& index);
  // Null unless `from` is older than `to` in the same code set.
  const std::vector<Change>* Between(const ReleaseInfo& from, const ReleaseInfo& to) const;

 private:
  absl::flat_hash_map<std::pair<const ReleaseInfo*, const ReleaseInfo*>, std::vector<Change>>
      changes_;
};

inline constexpr int kDefaultChangesPageSize = 100;
inline constexpr int kMaxChangesPageSize = 1000;

// Validates (INVALID_ARGUMENT with field violations: release ids required,
// code set not matching the releases, releases of different code sets,
// `from` not older than `to`, kinds, page size 0..1000, page token), finds
// the releases (NOT_FOUND naming the loaded ones) and returns one page, in
// code order (a code both added and discontinued in the span appears once
// per kind). Page tokens are opaque and bound to the code set, releases
// (their content) and kinds.
absl::StatusOr<v1::ListChangesResponse> ListChanges(const CatalogIndex& index,
                                                    const v1::ListChangesRequest& request);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_CHANGES_H_
