#include "tools/loadgen/codes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "tools/importer/snapshot_io.h"

namespace codingahead::loadgen {

namespace snapshot_v1 = ::codingahead::catalog::snapshot::v1;

absl::StatusOr<std::vector<std::string>> CodesFromSnapshot(const snapshot_v1::Snapshot& snapshot) {
  // Releases are in ascending effective-date order within a code set.
  const snapshot_v1::Release* newest = nullptr;
  for (const auto& release : snapshot.releases()) {
    if (release.code_set() == snapshot_v1::CODE_SET_HCPCS) newest = &release;
  }
  if (newest == nullptr) return absl::NotFoundError("snapshot has no HCPCS release");
  std::vector<std::string> codes;
  for (const auto& record : newest->records()) {
    if (record.kind() == snapshot_v1::RECORD_KIND_CODE && !record.code().empty()) {
      codes.push_back(record.code());
    }
  }
  if (codes.empty()) {
    return absl::NotFoundError(absl::StrCat("release ", newest->id(), " has no codes"));
  }
  return codes;
}

absl::StatusOr<std::vector<std::string>> CodesFromSnapshotDir(const std::string& dir) {
  auto path = importer::ResolveCurrentSnapshot(dir);
  if (!path.ok()) return path.status();
  auto snapshot = importer::ReadSnapshot(*path);
  if (!snapshot.ok()) return snapshot.status();
  return CodesFromSnapshot(*snapshot);
}

absl::StatusOr<std::vector<std::string>> ProbeCatalogCodes(
    const std::shared_ptr<grpc::Channel>& catalog, size_t want) {
  auto stub = catalog::v1::CatalogService::NewStub(catalog);
  std::vector<std::string> codes;
  grpc::Status last;
  for (char letter : std::string("AEGJKLQ")) {
    for (int n = 0; n < 10000 && codes.size() < want; n += 7) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      catalog::v1::GetCodeRequest request;
      request.set_code(absl::StrFormat("%c%04d", letter, n));
      catalog::v1::GetCodeResponse response;
      last = stub->GetCode(&context, request, &response);
      if (last.ok()) {
        codes.push_back(request.code());
      } else if (last.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 last.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                 last.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        return absl::UnavailableError(
            absl::StrCat("catalog did not answer GetCode: ", last.error_message()));
      }
    }
  }
  if (codes.empty()) return absl::NotFoundError("the catalog answered no probed code");
  return codes;
}

}  // namespace codingahead::loadgen
