#ifndef CODINGAHEAD_SERVICES_CATALOG_CONTENT_STORE_H_
#define CODINGAHEAD_SERVICES_CATALOG_CONTENT_STORE_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::catalog {

// The platform's editorial content: common language descriptions, loaded
// from a tab-separated file (code, code set, text) whose `#notice:` line is
// the content's own copyright notice.
class ContentStore {
 public:
  ContentStore() = default;

  // Reads the file; a malformed line fails with file, line and reason.
  static absl::StatusOr<ContentStore> LoadFile(const std::string& path);
  static absl::StatusOr<ContentStore> Parse(const std::string& text, const std::string& name);

  // The explanation of `code`, or nullptr when none is written yet.
  const std::string* CommonLanguage(catalog::snapshot::v1::CodeSet code_set,
                                    const std::string& code) const;
  const std::string& notice() const { return notice_; }
  size_t size() const { return entries_.size(); }

 private:
  std::string notice_;
  absl::flat_hash_map<std::string, std::string> entries_;  // "<set>:<code>"
};

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_CONTENT_STORE_H_
