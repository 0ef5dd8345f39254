#ifndef CODINGAHEAD_TOOLS_LOADGEN_CODES_H_
#define CODINGAHEAD_TOOLS_LOADGEN_CODES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

// Which codes the catalog scenarios ask for.
namespace codingahead::loadgen {

// The codes (not modifiers) of the snapshot's newest HCPCS release, in file
// order: every one of them is answered by GetCode without a date of service.
// NotFound when the snapshot has no HCPCS release or it has no codes.
absl::StatusOr<std::vector<std::string>> CodesFromSnapshot(
    const catalog::snapshot::v1::Snapshot& snapshot);

// CodesFromSnapshot() of the snapshot `<dir>/CURRENT` names.
absl::StatusOr<std::vector<std::string>> CodesFromSnapshotDir(const std::string& dir);

// Without a snapshot: asks the catalog for HCPCS-shaped candidates
// (A0000-V9999 in steps) until `want` answer OK.
absl::StatusOr<std::vector<std::string>> ProbeCatalogCodes(
    const std::shared_ptr<grpc::Channel>& catalog, size_t want);

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_CODES_H_
