#include "common/server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "testing/v1/testing.grpc.pb.h"

namespace codingahead::common {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
namespace testing_v1 = ::codingahead::testing::v1;

constexpr char kServiceName[] = "codingahead.testing.v1.BaselineService";

// Answers after `delay`, finishing from another thread as a store-backed
// handler would; the reactor thread is never blocked.
class SlowBaseline final : public testing_v1::BaselineService::CallbackService {
 public:
  explicit SlowBaseline(absl::Duration delay) : delay_(delay) {}
  ~SlowBaseline() override {
    for (auto& t : threads_) t.join();
  }
  grpc::ServerUnaryReactor* Empty(grpc::CallbackServerContext* context,
                                  const testing_v1::EmptyRequest* request,
                                  testing_v1::EmptyResponse* response) override {
    auto* reactor = context->DefaultReactor();
    if (delay_ == absl::ZeroDuration()) {
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    absl::MutexLock lock(&mu_);
    threads_.emplace_back([reactor, delay = delay_] {
      absl::SleepFor(delay);
      reactor->Finish(grpc::Status::OK);
    });
    return reactor;
  }

 private:
  absl::Duration delay_;
  absl::Mutex mu_;
  std::vector<std::thread> threads_;
};

ServerConfig TestConfig() {
  ServerConfig config;
  config.service_name = "test";
  config.listen = "127.0.0.1:0";
  // Only the metrics test serves /metrics: stopping its HTTP server takes
  // about two seconds.
  config.metrics_listen = "";
  config.access_log_sample_rate = 0;
  return config;
}

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureChannelCredentials());
}

grpc::Status CallEmpty(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = testing_v1::BaselineService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  testing_v1::EmptyResponse response;
  return stub->Empty(&context, testing_v1::EmptyRequest(), &response);
}

HealthCheckResponse::ServingStatus Health(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& service, grpc::Status* status) {
  auto stub = Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  *status = stub->Check(&context, request, &response);
  return response.status();
}

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)!write(fd, request.data(), request.size());
  std::string out;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, n);
  close(fd);
  return out;
}

TEST(ServerTest, HealthReportsEachRegisteredServiceAsServing) {
  SlowBaseline service(absl::ZeroDuration());
  auto server = ServiceServer::Start(TestConfig(), nullptr, {&service}, {kServiceName});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo((*server)->port());
  grpc::Status status;
  EXPECT_EQ(Health(channel, kServiceName, &status), HealthCheckResponse::SERVING);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(Health(channel, "", &status), HealthCheckResponse::SERVING);
  Health(channel, "no.such.Service", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(ServerTest, ReflectionListsTheServices) {
  SlowBaseline service(absl::ZeroDuration());
  auto server = ServiceServer::Start(TestConfig(), nullptr, {&service}, {kServiceName});
  ASSERT_TRUE(server.ok()) << server.status();
  // A raw reflection stream: ServerReflectionRequest{list_services: ""}.
  grpc::GenericStub stub(ChannelTo((*server)->port()));
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  std::string request("\x3a\x00", 2);
  grpc::Slice slice(request);
  grpc::ByteBuffer send(&slice, 1);
  call->Write(send, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer received;
  call->Read(&received, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(received.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_THAT(bytes, HasSubstr(kServiceName));
  EXPECT_THAT(bytes, HasSubstr("grpc.health.v1.Health"));
  context.TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST(ServerTest, MetricsCountRpcsByMethodAndCode) {
  SlowBaseline service(absl::ZeroDuration());
  ServerConfig config = TestConfig();
  config.metrics_listen = "127.0.0.1:0";
  auto server = ServiceServer::Start(config, nullptr, {&service}, {kServiceName});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo((*server)->port());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(CallEmpty(channel).ok());
  std::string metrics = HttpGet((*server)->metrics_port(), "/metrics");
  EXPECT_THAT(metrics,
              HasSubstr("codingahead_rpc_requests_total{code=\"OK\",method=\"/"
                        "codingahead.testing.v1.BaselineService/Empty\",service=\"test\"} 3"));
  EXPECT_THAT(metrics,
              HasSubstr("codingahead_rpc_duration_seconds_count{method=\"/"
                        "codingahead.testing.v1.BaselineService/Empty\",service=\"test\"} 3"));
}

TEST(ServerTest, ShutdownTurnsNotServingFirstAndDrainsInFlightCalls) {
  SlowBaseline service(absl::Milliseconds(400));
  ServerConfig config = TestConfig();
  config.shutdown_grace = absl::Milliseconds(300);
  auto server = ServiceServer::Start(config, nullptr, {&service}, {kServiceName});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = ChannelTo((*server)->port());
  ASSERT_TRUE(CallEmpty(channel).ok());

  constexpr int kInFlight = 20;
  std::vector<grpc::Status> results(kInFlight);
  std::vector<std::thread> clients;
  for (int i = 0; i < kInFlight; ++i) {
    clients.emplace_back([&, i] { results[i] = CallEmpty(channel); });
  }
  absl::SleepFor(absl::Milliseconds(100));  // the calls have reached the server

  std::thread stopper([&] { (*server)->Shutdown(absl::Now() + absl::Seconds(10)); });
  absl::SleepFor(absl::Milliseconds(50));
  // During the grace period: NOT_SERVING, yet calls are still answered.
  grpc::Status status;
  EXPECT_EQ(Health(channel, kServiceName, &status), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Health(channel, "", &status), HealthCheckResponse::NOT_SERVING);
  stopper.join();
  for (auto& c : clients) c.join();
  for (int i = 0; i < kInFlight; ++i) {
    EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].error_message();
  }
  // After the drain, the listener is gone.
  EXPECT_EQ(CallEmpty(channel).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ServerTest, UnusableListenAddressIsAnError) {
  SlowBaseline service(absl::ZeroDuration());
  ServerConfig config = TestConfig();
  config.listen = "256.0.0.1:1";
  EXPECT_FALSE(ServiceServer::Start(config, nullptr, {&service}, {kServiceName}).ok());
}

}  // namespace
}  // namespace codingahead::common
