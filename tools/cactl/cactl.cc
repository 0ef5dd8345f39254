// cactl: the command-line client of the Coding Ahead platform.
//
//   cactl code E0601 --date 2019-06-01
//   cactl info
//   cactl --json code G0202
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/config.h"
#include "common/date.h"
#include "common/status.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/cactl/format.h"

ABSL_FLAG(std::string, catalog_target, "localhost:50051", "Catalog service address");
ABSL_FLAG(bool, json, false, "Print responses as JSON (for scripts)");
ABSL_FLAG(std::string, date, "", "Date of service, YYYY-MM-DD");
ABSL_FLAG(std::string, code_set, "", "Restrict to a code set: hcpcs, cpt, icd10cm");
ABSL_FLAG(double, timeout_seconds, 5, "Deadline of each call");
ABSL_FLAG(std::string, target, "", "For `health`: the address to check (default: the catalog)");

namespace codingahead::cactl {
namespace {

namespace catalog_v1 = ::codingahead::catalog::v1;

constexpr char kUsage[] =
    "cactl COMMAND [ARGS] [FLAGS]\n\n"
    "Commands:\n"
    "  code CODE [--date YYYY-MM-DD] [--code_set hcpcs|cpt|icd10cm]\n"
    "                     a code's descriptor and status on the date of service\n"
    "  info               the loaded catalog releases and their counts\n"
    "  health [SERVICE]   grpc.health.v1 status of --target (exit 0 when SERVING)\n\n"
    "Flags: --json, --catalog_target=HOST:PORT, --timeout_seconds=N\n";

int Fail(const grpc::Status& status) {
  PrintError(common::FromGrpcStatus(status), std::cerr);
  // Exit codes: 2 for bad input, 3 for not found, 4 for everything else.
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 2;
    case grpc::StatusCode::NOT_FOUND:
      return 3;
    default:
      return 4;
  }
}

void PrintJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  std::cout << out;
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(
                            absl::GetFlag(FLAGS_timeout_seconds) * 1000)));
}

std::unique_ptr<catalog_v1::CatalogService::Stub> CatalogStub() {
  return catalog_v1::CatalogService::NewStub(grpc::CreateChannel(
      absl::GetFlag(FLAGS_catalog_target), grpc::InsecureChannelCredentials()));
}

int CodeCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "usage: cactl code CODE [--date YYYY-MM-DD]\n";
    return 2;
  }
  catalog_v1::GetCodeRequest request;
  request.set_code(args[0]);
  std::string date = absl::GetFlag(FLAGS_date);
  if (!date.empty()) {
    auto day = common::ParseDay(date);
    if (!day.has_value()) {
      std::cerr << "--date must be a real date written YYYY-MM-DD, e.g. 2019-06-01\n";
      return 2;
    }
    *request.mutable_date_of_service() = common::ToProtoDate(*day);
  }
  std::string code_set = absl::GetFlag(FLAGS_code_set);
  if (!code_set.empty()) {
    auto parsed = ParseCodeSet(code_set);
    if (!parsed.has_value()) {
      std::cerr << "--code_set must be hcpcs, cpt, icd10cm or icd10pcs\n";
      return 2;
    }
    request.set_code_set(*parsed);
  }
  grpc::ClientContext context;
  SetDeadline(&context);
  catalog_v1::GetCodeResponse response;
  grpc::Status status = CatalogStub()->GetCode(&context, request, &response);
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(response);
  } else {
    PrintCode(response.code(), std::cout);
  }
  return 0;
}

int InfoCommand() {
  grpc::ClientContext context;
  SetDeadline(&context);
  catalog_v1::GetCatalogInfoResponse response;
  grpc::Status status =
      CatalogStub()->GetCatalogInfo(&context, catalog_v1::GetCatalogInfoRequest(), &response);
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(response);
  } else {
    PrintCatalogInfo(response, std::cout);
  }
  return 0;
}

int HealthCommand(const std::vector<std::string>& args) {
  std::string target = absl::GetFlag(FLAGS_target);
  if (target.empty()) target = absl::GetFlag(FLAGS_catalog_target);
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::health::v1::HealthCheckRequest request;
  if (!args.empty()) request.set_service(args[0]);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status())
            << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace
}  // namespace codingahead::cactl

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(codingahead::cactl::kUsage);
  std::vector<char*> positional = codingahead::common::ParseFlagsWithEnv(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::cerr << codingahead::cactl::kUsage;
    return 2;
  }
  std::string command = args.front();
  args.erase(args.begin());
  if (command == "code") return codingahead::cactl::CodeCommand(args);
  if (command == "info") return codingahead::cactl::InfoCommand();
  if (command == "health") return codingahead::cactl::HealthCommand(args);
  std::cerr << "unknown command '" << command << "'\n\n" << codingahead::cactl::kUsage;
  return 2;
}
