#include "common/raw_unary_call.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "account/v1/account.pb.h"
#include "catalog/v1/catalog.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "testing/v1/testing.grpc.pb.h"

namespace codingahead::common {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<std::pair<std::string, std::string>> Violations(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  auto bad = GetDetail<google::rpc::BadRequest>(status);
  if (!bad.has_value()) return out;
  for (const auto& v : bad->field_violations()) out.emplace_back(v.field(), v.description());
  return out;
}

// Serializes a message whose string fields hold arbitrary bytes, as a client
// library that does not check UTF-8 would send it.
template <typename Message>
std::string Wire(const Message& message) {
  std::string bytes;
  // SerializeToString only logs about non-UTF-8 strings; it still writes them.
  EXPECT_TRUE(message.SerializeToString(&bytes));
  return bytes;
}

TEST(DiagnoseUnparsableRequestTest, NamesEachTopLevelStringThatIsNotUtf8) {
  account::v1::RegisterRequest request;
  request.set_email("ann\xff@example.com");
  request.set_password("a fine long passphrase");
  request.set_display_name("Ann \xc3\x28");
  const std::string wire = Wire(request);
  ASSERT_FALSE(account::v1::RegisterRequest().ParseFromString(wire));

  absl::Status status =
      DiagnoseUnparsableRequest(*account::v1::RegisterRequest::descriptor(), wire);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "request is not a valid codingahead.account.v1.RegisterRequest");
  EXPECT_THAT(Violations(status), ElementsAre(Pair("email", "must be valid UTF-8"),
                                              Pair("display_name", "must be valid UTF-8")));
}

TEST(DiagnoseUnparsableRequestTest, NamesNestedAndRepeatedFieldsByIndex) {
  catalog::v1::CheckEditsRequest request;
  request.add_lines()->set_code("99213\x80");
  auto* second = request.add_lines();
  second->set_code("20610");
  second->add_modifiers("59");
  second->add_modifiers("R\xfe");
  const std::string wire = Wire(request);

  absl::Status status =
      DiagnoseUnparsableRequest(*catalog::v1::CheckEditsRequest::descriptor(), wire);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(status),
              ElementsAre(Pair("lines[0].code", "must be valid UTF-8"),
                          Pair("lines[1].modifiers[1]", "must be valid UTF-8")));
}

TEST(DiagnoseUnparsableRequestTest, GarbageIsRefusedAsAWhole) {
  absl::Status status = DiagnoseUnparsableRequest(*account::v1::RegisterRequest::descriptor(),
                                                  std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(status),
              ElementsAre(Pair("",
                               "the request bytes are not a well-formed protocol buffer "
                               "message")));
}

TEST(DiagnoseUnparsableRequestTest, ATruncatedNestedMessageIsNamed) {
  catalog::v1::CheckEditsRequest request;
  request.add_lines()->set_code("99213");
  std::string wire = Wire(request);
  wire.back() = '\x80';                         // the code's last byte: no longer UTF-8
  wire += std::string("\x0a\x03\x0a\x05x", 5);  // a second line whose code claims 5 bytes
  absl::Status status =
      DiagnoseUnparsableRequest(*catalog::v1::CheckEditsRequest::descriptor(), wire);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("lines[0].code", "must be valid UTF-8"),
                                              Pair("lines[1]", "is not a well-formed message")));
}

// A raw method served through RawUnaryCall, over real gRPC on loopback.
class EchoService final : public testing::v1::BaselineService::WithRawCallbackMethod_Empty<
                              testing::v1::BaselineService::Service> {
 public:
  grpc::ServerUnaryReactor* Empty(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* raw_request,
                                  grpc::ByteBuffer* raw_response) override {
    using Call = RawUnaryCall<testing::v1::EmptyRequest, testing::v1::EmptyResponse>;
    Call* call;
    grpc::ServerUnaryReactor* reactor = Call::Start(context, raw_request, raw_response, &call);
    if (call == nullptr) return reactor;
    if (call->request().payload() == "fail") {
      call->Finish(absl::FailedPreconditionError("asked to fail"));
      return reactor;
    }
    // Finished from another thread, as the services do from their pools.
    std::thread([call] {
      testing::v1::EmptyResponse response;
      response.set_payload("echo:" + call->request().payload());
      call->Finish(std::move(response));
    }).detach();
    return reactor;
  }
};

class RawUnaryCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(); }

  // Sends `bytes` as the request of BaselineService.Empty.
  grpc::Status CallRaw(const std::string& bytes, std::string* response_bytes) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(&context, "/codingahead.testing.v1.BaselineService/Empty", {}, &request,
                   &response, [&](grpc::Status s) {
                     status = std::move(s);
                     done.Notify();
                   });
    done.WaitForNotification();
    std::vector<grpc::Slice> slices;
    if (status.ok() && response.Dump(&slices).ok()) {
      for (const auto& s : slices)
        response_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return status;
  }

  EchoService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(RawUnaryCallTest, AParsedRequestGetsTheHandlersResponse) {
  testing::v1::BaselineService::Stub stub(channel_);
  grpc::ClientContext context;
  testing::v1::EmptyRequest request;
  request.set_payload("hi");
  testing::v1::EmptyResponse response;
  grpc::Status status = stub.Empty(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.payload(), "echo:hi");
}

TEST_F(RawUnaryCallTest, AnErrorKeepsItsCode) {
  testing::v1::BaselineService::Stub stub(channel_);
  grpc::ClientContext context;
  testing::v1::EmptyRequest request;
  request.set_payload("fail");
  testing::v1::EmptyResponse response;
  grpc::Status status = stub.Empty(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "asked to fail");
}

TEST_F(RawUnaryCallTest, UnparsableBytesGetInvalidArgumentWithTheField) {
  std::string response;
  // Field 1 (payload) claims 5 bytes and carries 2.
  grpc::Status status = CallRaw(std::string("\x0a\x05ab", 4), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "request is not a valid codingahead.testing.v1.EmptyRequest");
  EXPECT_THAT(Violations(FromGrpcStatus(status)),
              ElementsAre(Pair("",
                               "the request bytes are not a well-formed protocol buffer "
                               "message")));
}

TEST_F(RawUnaryCallTest, ManyConcurrentCallsEachGetTheirOwnAnswer) {
  testing::v1::BaselineService::Stub stub(channel_);
  constexpr int kCalls = 200;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts(kCalls);
  std::vector<testing::v1::EmptyRequest> requests(kCalls);
  std::vector<testing::v1::EmptyResponse> responses(kCalls);
  std::vector<grpc::Status> statuses(kCalls);
  std::atomic<int> remaining{kCalls};
  absl::Notification done;
  for (int i = 0; i < kCalls; ++i) {
    contexts[i] = std::make_unique<grpc::ClientContext>();
    requests[i].set_payload(absl::StrCat(i));
    stub.async()->Empty(contexts[i].get(), &requests[i], &responses[i], [&, i](grpc::Status s) {
      statuses[i] = std::move(s);
      if (remaining.fetch_sub(1) == 1) done.Notify();
    });
  }
  done.WaitForNotification();
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i;
    EXPECT_EQ(responses[i].payload(), absl::StrCat("echo:", i));
  }
}

}  // namespace
}  // namespace codingahead::common
