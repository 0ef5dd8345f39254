#include "common/outbound.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/metadata.h"
#include "common/server.h"
#include "testing/v1/testing.grpc.pb.h"

namespace codingahead::common {
namespace {

namespace testing_v1 = ::codingahead::testing::v1;
constexpr char kCredential[] = "svc-credential-0123456789abcdef0123456789";

// Reports what the server saw of the caller, or misbehaves on request.
class Inspector final : public testing_v1::BaselineService::CallbackService {
 public:
  explicit Inspector(const CallerCredentials* credentials) : credentials_(credentials) {}
  grpc::ServerUnaryReactor* Empty(grpc::CallbackServerContext* context,
                                  const testing_v1::EmptyRequest* request,
                                  testing_v1::EmptyResponse* response) override {
    auto* reactor = context->DefaultReactor();
    if (request->payload() == "bad") {
      reactor->Finish(ToGrpcStatus(InvalidArgumentError("bad", {{"payload", "is bad"}})));
      return reactor;
    }
    if (request->payload() == "hang") {
      // Answers long after the client's deadline.
      absl::MutexLock lock(&mu_);
      late_.emplace_back([reactor] {
        absl::SleepFor(absl::Seconds(1));
        reactor->Finish(grpc::Status::OK);
      });
      return reactor;
    }
    bool trusted = credentials_->IsTrustedService(*context);
    auto token = BearerToken(*context);
    absl::Duration remaining = IncomingDeadline(*context) - absl::Now();
    response->set_payload(absl::StrCat(token.ok() ? *token : "-", "|",
                                       trusted ? "trusted" : "untrusted", "|",
                                       ClientAddress(*context, trusted), "|", RequestIdOf(*context),
                                       "|", absl::ToInt64Milliseconds(remaining)));
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  ~Inspector() override {
    for (auto& t : late_) t.join();
  }

 private:
  const CallerCredentials* credentials_;
  absl::Mutex mu_;
  std::vector<std::thread> late_;
};

class OutboundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.service_name = "test";
    config.listen = "127.0.0.1:0";
    config.access_log_sample_rate = 0;
    auto server = ServiceServer::Start(config, nullptr, {&inspector_}, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = testing_v1::BaselineService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  }

  absl::StatusOr<testing_v1::EmptyResponse> Call(const OutboundCallOptions& options,
                                                 const std::string& payload) {
    testing_v1::EmptyRequest request;
    request.set_payload(payload);
    absl::Notification done;
    absl::StatusOr<testing_v1::EmptyResponse> result;
    auto* stub = stub_.get();
    CallAsync<testing_v1::EmptyRequest, testing_v1::EmptyResponse>(
        [stub](grpc::ClientContext* c, const testing_v1::EmptyRequest* q,
               testing_v1::EmptyResponse* r, std::function<void(grpc::Status)> f) {
          stub->async()->Empty(c, q, r, std::move(f));
        },
        options, request,
        [&](absl::StatusOr<testing_v1::EmptyResponse> r) {
          result = std::move(r);
          done.Notify();
        });
    done.WaitForNotification();
    return result;
  }

  CallerCredentials credentials_{{kCredential}, {}};
  Inspector inspector_{&credentials_};
  std::unique_ptr<ServiceServer> server_;
  std::unique_ptr<testing_v1::BaselineService::Stub> stub_;
};

TEST(OutboundDeadlineTest, CappedByDefaultAndByTheIncomingDeadline) {
  absl::Time now = absl::FromUnixSeconds(1000);
  OutboundCallOptions options;
  EXPECT_EQ(OutboundDeadline(options, now), now + absl::Milliseconds(300));
  options.incoming_deadline = now + absl::Milliseconds(50);
  EXPECT_EQ(OutboundDeadline(options, now), now + absl::Milliseconds(50));
  options.incoming_deadline = now + absl::Seconds(30);
  EXPECT_EQ(OutboundDeadline(options, now), now + absl::Milliseconds(300));
}

TEST_F(OutboundTest, TrustedCallCarriesSessionAddressRequestIdAndDeadline) {
  OutboundCallOptions options;
  options.service_credential = kCredential;
  options.bearer_token = "tok123";
  options.client_ip = "2001:db8::7";
  options.request_id = "req-42";
  auto response = Call(options, "");
  ASSERT_TRUE(response.ok()) << response.status();
  std::vector<std::string> parts = absl::StrSplit(response->payload(), '|');
  ASSERT_EQ(parts.size(), 5u);
  EXPECT_EQ(parts[0], "tok123");
  EXPECT_EQ(parts[1], "trusted");
  EXPECT_EQ(parts[2], "2001:db8::7");
  EXPECT_EQ(parts[3], "req-42");
  int remaining_ms = std::stoi(parts[4]);
  EXPECT_GT(remaining_ms, 0);
  EXPECT_LE(remaining_ms, 300);
}

TEST_F(OutboundTest, ClientIpFromAnUntrustedCallerIsIgnored) {
  OutboundCallOptions options;
  options.service_credential = "wrong-credential-0123456789abcdef0123";
  options.client_ip = "198.51.100.9";
  auto response = Call(options, "");
  ASSERT_TRUE(response.ok()) << response.status();
  std::vector<std::string> parts = absl::StrSplit(response->payload(), '|');
  EXPECT_EQ(parts[1], "untrusted");
  EXPECT_EQ(parts[2], "127.0.0.1");
  EXPECT_EQ(parts[3].size(), 32u) << "a request id is created at the edge";
}

TEST_F(OutboundTest, ErrorDetailsReachTheCaller) {
  auto response = Call(OutboundCallOptions(), "bad");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  auto bad = GetDetail<google::rpc::BadRequest>(response.status());
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field_violations(0).field(), "payload");
}

TEST_F(OutboundTest, EveryCallEndsByItsDeadline) {
  OutboundCallOptions options;
  options.default_timeout = absl::Milliseconds(100);
  absl::Time start = absl::Now();
  auto response = Call(options, "hang");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

}  // namespace
}  // namespace codingahead::common
