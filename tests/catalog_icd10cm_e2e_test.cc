// ICD-10-CM over the wire: ca-import with --icd10cm_dir, the catalog binary,
// GetCode, ListChildren paging and `cactl children`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/status.h"
#include "tests/process_harness.h"

namespace codingahead::e2e {
namespace {

namespace v1 = ::codingahead::catalog::v1;
using ::testing::HasSubstr;

class CatalogIcd10cmE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("ca-catalog-icd-e2e");
    CommandResult imported =
        RunCommand({CA_IMPORT_BINARY, absl::StrCat("--hcpcs_dir=", CA_SHARED_DATA_DIR, "/hcpcs"),
                    absl::StrCat("--icd10cm_dir=", CA_SHARED_DATA_DIR, "/icd10cm/2026"),
                    absl::StrCat("--out_dir=", dir_->path(), "/catalog")});
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    import_output_ = new std::string(imported.output);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
    delete import_output_;
    import_output_ = nullptr;
  }

  void SetUp() override {
    auto catalog = ServiceProcess::Start(CA_CATALOG_BINARY, "catalog", dir_->path(),
                                         {absl::StrCat("--snapshot_dir=", dir_->path(), "/catalog"),
                                          "--shutdown_grace_seconds=0", "--drain_seconds=5"});
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = *std::move(catalog);
    stub_ = v1::CatalogService::NewStub(catalog_->channel());
  }

  grpc::Status List(const std::string& parent, int page_size, const std::string& token,
                    v1::ListChildrenResponse* out, v1::CodeSet code_set = v1::CODE_SET_ICD10CM) {
    v1::ListChildrenRequest request;
    request.set_code_set(code_set);
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(token);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return stub_->ListChildren(&context, request, out);
  }

  CommandResult Cactl(std::vector<std::string> args) {
    std::vector<std::string> argv = {CA_CACTL_BINARY,
                                     absl::StrCat("--catalog_target=", catalog_->target())};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  static testing::TempDir* dir_;
  static std::string* import_output_;
  std::unique_ptr<ServiceProcess> catalog_;
  std::unique_ptr<v1::CatalogService::Stub> stub_;
};

testing::TempDir* CatalogIcd10cmE2eTest::dir_ = nullptr;
std::string* CatalogIcd10cmE2eTest::import_output_ = nullptr;

TEST_F(CatalogIcd10cmE2eTest, ImportReportsTheIcd10cmRelease) {
  EXPECT_THAT(*import_output_, HasSubstr("icd10cm-2026"));
  EXPECT_THAT(*import_output_, HasSubstr("chapters=22 blocks=297"));
  EXPECT_THAT(*import_output_, HasSubstr("categories=1918"));
}

TEST_F(CatalogIcd10cmE2eTest, GetCodeAnswersDottedLowerCaseIndexCode) {
  v1::GetCodeRequest request;
  request.set_code("c34.9");
  v1::GetCodeResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->GetCode(&context, request, &response).ok());
  EXPECT_EQ(response.code().code(), "C34.9");
  EXPECT_TRUE(response.code().incomplete());
  EXPECT_FALSE(response.code().official_descriptor().available());
}

TEST_F(CatalogIcd10cmE2eTest, ChaptersPageOverTheWireAndForeignTokenIsRejected) {
  v1::ListChildrenResponse page;
  ASSERT_TRUE(List("", 20, "", &page).ok());
  EXPECT_EQ(page.children_size(), 20);
  ASSERT_FALSE(page.next_page_token().empty());
  v1::ListChildrenResponse rest;
  ASSERT_TRUE(List("", 20, page.next_page_token(), &rest).ok());
  EXPECT_EQ(rest.children_size(), 2);
  EXPECT_TRUE(rest.next_page_token().empty());

  v1::ListChildrenResponse wrong;
  grpc::Status status = List("1", 20, page.next_page_token(), &wrong);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad = common::GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field_violations(0).field(), "page_token");
  EXPECT_EQ(List("XYZ-Q", 0, "", &wrong).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CatalogIcd10cmE2eTest, CactlChildrenListsBlocksOfChapter1) {
  CommandResult out = Cactl({"children", "1", "--code_set=icd10cm", "--page_size=3"});
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_THAT(out.output, HasSubstr("A00-A09  Intestinal infectious diseases (A00-A09)  [10]"));
  EXPECT_THAT(out.output, HasSubstr("More: --page_token="));
  CommandResult hcpcs = Cactl({"children", "--code_set=hcpcs"});
  ASSERT_EQ(hcpcs.exit_code, 0) << hcpcs.output;
  EXPECT_THAT(hcpcs.output, HasSubstr("Durable medical equipment"));
}

}  // namespace
}  // namespace codingahead::e2e
