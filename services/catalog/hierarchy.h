#ifndef CODINGAHEAD_SERVICES_CATALOG_HIERARCHY_H_
#define CODINGAHEAD_SERVICES_CATALOG_HIERARCHY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "catalog/v1/catalog.pb.h"
#include "services/catalog/catalog_index.h"

// ListChildren: browsing a code set as a tree.
//
//   ICD-10-CM  ""      -> chapters ("1" .. "22")
//              "2"     -> the chapter's top blocks ("C00-C96", "D00-D09", "D3A", ...)
//              "C00-C96" -> nested blocks ("C00-C75", "C7A", ...); a block
//                           holding categories -> its categories ("C00")
//              "A00"   -> the codes of a loaded order file under the category
//   HCPCS      ""      -> letter sections present ("A" .. "V")
//              "E"     -> ranges of 100 codes present ("E0100-E0199")
//              "E0100-E0199" -> the codes (modifiers are not in sections)
namespace codingahead::catalog {

namespace v1 = ::codingahead::catalog::v1;

inline constexpr int kDefaultChildrenPageSize = 50;
inline constexpr int kMaxChildrenPageSize = 500;

// The child lists of one release, keyed by the parent's normalised id (""
// for the top level). Built once with the index.
class Hierarchy {
 public:
  // Null for code sets without a hierarchy (CPT, or a release without
  // records and chapters).
  static std::unique_ptr<const Hierarchy> Build(const snapshot_v1::Release& release);

  // The children of `parent` (normalised: upper case, no dots, trimmed), or
  // null when the release has no such node.
  const std::vector<v1::HierarchyNode>* Children(const std::string& parent) const;

 private:
  absl::flat_hash_map<std::string, std::vector<v1::HierarchyNode>> children_;
};

// The title of an HCPCS Level II letter section ("E" -> "Durable medical
// equipment"), or a generic one for a letter without a known title.
std::string HcpcsSectionTitle(char letter);

// ListChildren: validates (INVALID_ARGUMENT with field violations: code
// set, parent, page size 0..500, page token), picks the release (the newest
// of the code set, or `release_id`: NOT_FOUND when not loaded), finds the
// parent (NOT_FOUND) and returns one page. Page tokens are opaque and bound
// to the code set, release and parent: a token from another query is
// INVALID_ARGUMENT.
absl::StatusOr<v1::ListChildrenResponse> ListChildren(const CatalogIndex& index,
                                                      const v1::ListChildrenRequest& request);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_HIERARCHY_H_
