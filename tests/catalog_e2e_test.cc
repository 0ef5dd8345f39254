// The catalog as a user meets it: the importer writes a snapshot from the
// shared data, ca-catalog serves it over loopback gRPC, cactl reads it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/process_harness.h"

namespace codingahead::e2e {
namespace {

using ::testing::HasSubstr;
namespace v1 = ::codingahead::catalog::v1;
using HealthResponse = ::grpc::health::v1::HealthCheckResponse;

constexpr char kCatalogService[] = "codingahead.catalog.v1.CatalogService";

class CatalogE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("ca-catalog-e2e");
    CommandResult imported =
        RunCommand({CA_IMPORT_BINARY, absl::StrCat("--hcpcs_dir=", CA_SHARED_DATA_DIR, "/hcpcs"),
                    absl::StrCat("--cpt_file=", CA_CPT_SAMPLE_FILE),
                    absl::StrCat("--out_dir=", dir_->path(), "/catalog")});
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    auto catalog = ServiceProcess::Start(CA_CATALOG_BINARY, "catalog", dir_->path(),
                                         {absl::StrCat("--snapshot_dir=", dir_->path(), "/catalog"),
                                          "--shutdown_grace_seconds=1", "--drain_seconds=60"});
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = *std::move(catalog);
    stub_ = v1::CatalogService::NewStub(catalog_->channel());
  }

  grpc::Status GetCode(const std::string& code, int y, int m, int d, v1::GetCodeResponse* out) {
    v1::GetCodeRequest request;
    request.set_code(code);
    if (y != 0) {
      request.mutable_date_of_service()->set_year(y);
      request.mutable_date_of_service()->set_month(m);
      request.mutable_date_of_service()->set_day(d);
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return stub_->GetCode(&context, request, out);
  }

  CommandResult Cactl(std::vector<std::string> args) {
    std::vector<std::string> argv = {CA_CACTL_BINARY,
                                     absl::StrCat("--catalog_target=", catalog_->target())};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  static testing::TempDir* dir_;
  std::unique_ptr<ServiceProcess> catalog_;
  std::unique_ptr<v1::CatalogService::Stub> stub_;
};

testing::TempDir* CatalogE2eTest::dir_ = nullptr;

TEST_F(CatalogE2eTest, HealthIsServingForTheCatalogService) {
  EXPECT_EQ(HealthStatus(catalog_->channel(), kCatalogService), HealthResponse::SERVING);
}

TEST_F(CatalogE2eTest, G0202ValidIn2017TerminatedIn2018OverGrpc) {
  v1::GetCodeResponse response;
  ASSERT_TRUE(GetCode("G0202", 2017, 6, 1, &response).ok());
  EXPECT_EQ(response.code().status().kind(), v1::CODE_STATUS_ACTIVE);

  ASSERT_TRUE(GetCode("G0202", 2018, 1, 2, &response).ok());
  EXPECT_EQ(response.code().status().kind(), v1::CODE_STATUS_TERMINATED);
  ASSERT_EQ(response.code().status().crosswalks_size(), 1);
  EXPECT_EQ(response.code().status().crosswalks(0).code(), "77067");
  EXPECT_EQ(response.code().status().crosswalks(0).kind(), v1::Crosswalk::KIND_REPLACED_BY);
}

TEST_F(CatalogE2eTest, UncoveredDateIsFailedPreconditionListingReleases) {
  v1::GetCodeResponse response;
  grpc::Status status = GetCode("G0202", 2016, 12, 31, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("hcpcs-2017"));
  auto detail = common::GetDetail<google::rpc::PreconditionFailure>(status);
  ASSERT_TRUE(detail.has_value());
}

TEST_F(CatalogE2eTest, BadInputGetsFieldViolationsOnTheWire) {
  v1::GetCodeResponse response;
  grpc::Status empty = GetCode("", 0, 0, 0, &response);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad = common::GetDetail<google::rpc::BadRequest>(empty);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field_violations(0).field(), "code");

  grpc::Status huge = GetCode(std::string(1 << 20, 'A'), 0, 0, 0, &response);
  EXPECT_EQ(huge.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  grpc::Status bad_day = GetCode("E0601", 2019, 2, 29, &response);
  EXPECT_EQ(bad_day.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad = common::GetDetail<google::rpc::BadRequest>(bad_day);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field_violations(0).field(), "date_of_service.day");

  EXPECT_EQ(GetCode("Q9998", 0, 0, 0, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  // The server is still healthy after all of it.
  EXPECT_TRUE(GetCode("E0601", 2019, 6, 1, &response).ok());
}

TEST_F(CatalogE2eTest, CactlShowsACodeForPeople) {
  CommandResult result = Cactl({"code", "E0601", "--date", "2019-06-01"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("E0601"));
  EXPECT_THAT(result.output, HasSubstr("Continuous positive airway pressure"));
  EXPECT_THAT(result.output, HasSubstr("Status on 2019-06-01: ACTIVE"));
  EXPECT_THAT(result.output, HasSubstr("HCPCS 2019 annual"));
}

TEST_F(CatalogE2eTest, CactlJsonIsTheResponseMessage) {
  CommandResult result = Cactl({"--json", "code", "G0202", "--date=2018-01-02"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("\"kind\": \"CODE_STATUS_TERMINATED\""));
  EXPECT_THAT(result.output, HasSubstr("\"KIND_REPLACED_BY\""));
}

TEST_F(CatalogE2eTest, CactlInfoListsReleasesWithCounts) {
  CommandResult result = Cactl({"info"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("hcpcs-2019"));
  EXPECT_THAT(result.output, HasSubstr("6440"));
  EXPECT_THAT(result.output, HasSubstr("cpt-sample-2019"));
}

TEST_F(CatalogE2eTest, CactlReportsBadInputWithItsField) {
  CommandResult result = Cactl({"code", "E06#1"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(result.output, HasSubstr("code:"));
  CommandResult bad_date = Cactl({"code", "E0601", "--date", "2019-02-30"});
  EXPECT_EQ(bad_date.exit_code, 2);
}

// SIGTERM under load: health turns NOT_SERVING first, clients watching it
// stop sending, and no call fails; the process exits cleanly.
TEST_F(CatalogE2eTest, SigtermUnderLoadDrainsWithoutFailedCalls) {
  std::atomic<bool> not_serving_seen{false};
  std::atomic<bool> stop{false};
  std::atomic<int> ok_calls{0};
  std::atomic<int> failed_calls{0};
  std::atomic<int> calls_after_not_serving{0};

  // A client that watches health as a load balancer would.
  std::thread watcher([&] {
    auto health = grpc::health::v1::Health::NewStub(catalog_->channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(kCatalogService);
    auto reader = health->Watch(&context, request);
    HealthResponse response;
    while (reader->Read(&response)) {
      if (response.status() == HealthResponse::NOT_SERVING) {
        not_serving_seen = true;
        break;
      }
    }
    context.TryCancel();
    reader->Finish();
  });

  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      auto stub = v1::CatalogService::NewStub(catalog_->channel());
      while (!stop && !not_serving_seen) {
        v1::GetCodeRequest request;
        request.set_code("E0601");
        v1::GetCodeResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        grpc::Status status = stub->GetCode(&context, request, &response);
        if (status.ok()) {
          ++ok_calls;
          if (not_serving_seen) ++calls_after_not_serving;
        } else {
          ++failed_calls;
          ADD_FAILURE() << "call failed during shutdown: " << status.error_message();
        }
      }
    });
  }
  // Let the load run, then ask the catalog to stop.
  ASSERT_TRUE(testing::WaitUntil([&] { return ok_calls > 500; }, absl::Seconds(30)));
  absl::Time sigterm_at = absl::Now();
  ASSERT_EQ(::kill(catalog_->process().pid(), SIGTERM), 0);
  ASSERT_TRUE(testing::WaitUntil([&] { return not_serving_seen.load(); }, absl::Seconds(10)))
      << "health never turned NOT_SERVING";
  bool still_running_when_not_serving = catalog_->process().running();
  for (auto& c : clients) c.join();
  stop = true;
  watcher.join();
  // Done once the work is drained: the open (idle) client connections do
  // not hold the process until the 60 s drain deadline.
  auto exit_status = catalog_->process().Wait(absl::Seconds(30));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_LT(absl::Now() - sigterm_at, absl::Seconds(30));
  EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0);
  EXPECT_TRUE(still_running_when_not_serving);
  EXPECT_EQ(failed_calls.load(), 0);
  EXPECT_GT(ok_calls.load(), 500);
  EXPECT_THAT(catalog_->Log(), HasSubstr("health NOT_SERVING; draining"));
}

}  // namespace
}  // namespace codingahead::e2e
