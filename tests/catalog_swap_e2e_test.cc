// A new release swapped in without a restart: ca-catalog watches CURRENT
// (--snapshot_poll_seconds=1), ca-import writes a new snapshot into the same
// folder, the running process serves it. Also ListChanges and `cactl
// changes` over the wire.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "tests/process_harness.h"

namespace codingahead::e2e {
namespace {

using ::testing::HasSubstr;
namespace v1 = ::codingahead::catalog::v1;

CommandResult Import(const std::string& out_dir, bool with_cpt) {
  std::vector<std::string> argv = {CA_IMPORT_BINARY,
                                   absl::StrCat("--hcpcs_dir=", CA_SHARED_DATA_DIR, "/hcpcs"),
                                   absl::StrCat("--out_dir=", out_dir)};
  if (with_cpt) argv.push_back(absl::StrCat("--cpt_file=", CA_CPT_SAMPLE_FILE));
  return RunCommand(argv, absl::Seconds(120));
}

std::string SnapshotId(v1::CatalogService::Stub& stub, grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetCatalogInfoResponse info;
  *status = stub.GetCatalogInfo(&context, {}, &info);
  return info.snapshot_id();
}

TEST(CatalogSwapE2eTest, NewImportIsServedWithoutARestart) {
  testing::TempDir dir("ca-catalog-swap-e2e");
  const std::string out_dir = absl::StrCat(dir.path(), "/catalog");
  CommandResult first = Import(out_dir, /*with_cpt=*/false);
  ASSERT_EQ(first.exit_code, 0) << first.output;

  auto catalog =
      ServiceProcess::Start(CA_CATALOG_BINARY, "catalog", dir.path(),
                            {absl::StrCat("--snapshot_dir=", out_dir), "--snapshot_poll_seconds=1",
                             "--shutdown_grace_seconds=1", "--drain_seconds=5"});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auto stub = v1::CatalogService::NewStub((*catalog)->channel());
  grpc::Status status;
  const std::string old_id = SnapshotId(*stub, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(old_id.empty());
  const int pid = (*catalog)->process().pid();

  // Readers keep calling across the swap: none may fail.
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      auto reader = v1::CatalogService::NewStub((*catalog)->channel());
      while (!stop) {
        v1::GetCodeRequest request;
        request.set_code("E0601");
        v1::GetCodeResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        if (reader->GetCode(&context, request, &response).ok()) {
          ++ok;
        } else {
          ++failed;
        }
      }
    });
  }

  CommandResult second = Import(out_dir, /*with_cpt=*/true);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  std::string new_id;
  const bool swapped = testing::WaitUntil(
      [&] {
        grpc::Status s;
        new_id = SnapshotId(*stub, &s);
        return s.ok() && !new_id.empty() && new_id != old_id;
      },
      absl::Seconds(60));
  stop = true;
  for (auto& reader : readers) reader.join();
  ASSERT_TRUE(swapped) << (*catalog)->Log();
  EXPECT_THAT(second.output, HasSubstr(new_id));
  EXPECT_EQ((*catalog)->process().pid(), pid);
  EXPECT_TRUE((*catalog)->process().running());
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 0);
  EXPECT_THAT((*catalog)->Log(), HasSubstr("snapshot swapped"));

  // The new snapshot's CPT sample release is served now.
  v1::GetCatalogInfoResponse info;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->GetCatalogInfo(&context, {}, &info).ok());
  bool has_cpt = false;
  for (const auto& release : info.releases()) has_cpt |= release.id() == "cpt-sample-2019";
  EXPECT_TRUE(has_cpt);

  // ListChanges over the wire, and cactl.
  v1::ListChangesRequest request;
  request.set_from_release_id("hcpcs-2017");
  request.set_to_release_id("hcpcs-2018");
  request.add_kinds(v1::ListChangesRequest::CHANGE_KIND_DISCONTINUED);
  request.set_page_size(1000);
  v1::ListChangesResponse changes;
  grpc::ClientContext changes_context;
  grpc::Status listed = stub->ListChanges(&changes_context, request, &changes);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  bool g0202 = false;
  for (const auto& change : changes.changes()) g0202 |= change.code() == "G0202";
  EXPECT_TRUE(g0202);

  CommandResult cactl =
      RunCommand({CA_CACTL_BINARY, absl::StrCat("--catalog_target=", (*catalog)->target()),
                  "changes", "hcpcs-2017", "hcpcs-2018", "--kinds", "discontinued"});
  ASSERT_EQ(cactl.exit_code, 0) << cactl.output;
  EXPECT_THAT(cactl.output, HasSubstr("discontinued"));
  EXPECT_THAT(cactl.output, HasSubstr("G0202"));
  EXPECT_THAT(cactl.output, HasSubstr("40 changes"));
  CommandResult backwards =
      RunCommand({CA_CACTL_BINARY, absl::StrCat("--catalog_target=", (*catalog)->target()),
                  "changes", "hcpcs-2019", "hcpcs-2018"});
  EXPECT_EQ(backwards.exit_code, 2) << backwards.output;
  EXPECT_THAT(backwards.output, HasSubstr("from_release_id"));
}

}  // namespace
}  // namespace codingahead::e2e
