// CatalogService over real loopback gRPC: what a caller gets for requests
// protobuf itself refuses (strings that are not UTF-8), next to the same
// calls spelled correctly.
#include "services/catalog/catalog_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/catalog/test_catalog.h"

namespace codingahead::catalog {
namespace {

// The fields the BadRequest detail of `status` names, in order.
std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return fields;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) fields.push_back(v.field());
  }
  return fields;
}

class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = SharedDataCatalogWithEditTables();
    ASSERT_NE(index, nullptr);
    holder_ = std::make_unique<CatalogHolder>(index);
    // No account service: every request below is refused or answered
    // before a page would charge a view.
    service_ = std::make_unique<CatalogServiceImpl>(holder_.get(), std::make_shared<ContentStore>(),
                                                    AccountClientConfig{}, &credentials_);
    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::CatalogService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  static void Prepare(grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }

  common::CallerCredentials credentials_;
  std::unique_ptr<CatalogHolder> holder_;
  std::unique_ptr<CatalogServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::CatalogService::Stub> stub_;
};

TEST_F(CatalogServiceTest, GetCodeWithNonUtf8CodeIsInvalidArgumentOnTheField) {
  {
    grpc::ClientContext context;
    Prepare(&context);
    v1::GetCodeRequest request;
    request.set_code(
        "E06\xff"
        "1");
    v1::GetCodeResponse response;
    grpc::Status status = stub_->GetCode(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"code"});
  }
  // The same call spelled correctly is answered.
  grpc::ClientContext context;
  Prepare(&context);
  v1::GetCodeRequest request;
  request.set_code("E0601");
  v1::GetCodeResponse response;
  grpc::Status status = stub_->GetCode(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.code().code(), "E0601");
}

TEST_F(CatalogServiceTest, SearchAndSuggestNameTheirNonUtf8Fields) {
  {
    grpc::ClientContext context;
    Prepare(&context);
    v1::SearchCodesRequest request;
    request.set_query(
        "wheel\xc3\x28"
        "chair");
    request.set_page_token("\x80");
    v1::SearchCodesResponse response;
    grpc::Status status = stub_->SearchCodes(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), (std::vector<std::string>{"query", "page_token"}));
  }
  {
    grpc::ClientContext context;
    Prepare(&context);
    v1::SuggestCodesRequest request;
    request.set_prefix("whe\xfe");
    v1::SuggestCodesResponse response;
    grpc::Status status = stub_->SuggestCodes(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"prefix"});
  }
  grpc::ClientContext context;
  Prepare(&context);
  v1::SearchCodesRequest request;
  request.set_query("wheelchair");
  v1::SearchCodesResponse response;
  grpc::Status status = stub_->SearchCodes(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(response.hits_size(), 0);
}

TEST_F(CatalogServiceTest, CheckEditsNamesTheClaimLineAndModifier) {
  grpc::ClientContext context;
  Prepare(&context);
  v1::CheckEditsRequest request;
  request.add_lines()->set_code("99213");
  v1::ClaimLine* line = request.add_lines();
  line->set_code("11042");
  line->add_modifiers("59");
  line->add_modifiers("X\xff");
  v1::CheckEditsResponse response;
  grpc::Status status = stub_->CheckEdits(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"lines[1].modifiers[1]"});
}

TEST_F(CatalogServiceTest, GetCodePageWithNonUtf8RequestIdIsRefusedBeforeAnyViewIsCharged) {
  // No account service is configured: reaching it would crash or hang, so
  // the answer shows the request was refused first.
  grpc::ClientContext context;
  Prepare(&context);
  context.AddMetadata("authorization", "Bearer g_0123456789abcdef.0123456789abcdef");
  v1::GetCodePageRequest request;
  request.set_code("E0601");
  request.set_request_id("page-\xe2\x82");
  v1::GetCodePageResponse response;
  grpc::Status status = stub_->GetCodePage(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"request_id"});
}

TEST_F(CatalogServiceTest, ListChildrenAndListChangesNameTheirFields) {
  {
    grpc::ClientContext context;
    Prepare(&context);
    v1::ListChildrenRequest request;
    request.set_parent("E\xa0");
    v1::ListChildrenResponse response;
    grpc::Status status = stub_->ListChildren(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"parent"});
  }
  grpc::ClientContext context;
  Prepare(&context);
  v1::ListChangesRequest request;
  request.set_page_token("\xc0\xaf");
  v1::ListChangesResponse response;
  grpc::Status status = stub_->ListChanges(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"});
}

TEST_F(CatalogServiceTest, GetCatalogInfoStillAnswers) {
  grpc::ClientContext context;
  Prepare(&context);
  v1::GetCatalogInfoResponse info;
  grpc::Status status = stub_->GetCatalogInfo(&context, {}, &info);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(info.releases_size(), 0);
  EXPECT_GT(info.edit_tables_size(), 0);
}

}  // namespace
}  // namespace codingahead::catalog
