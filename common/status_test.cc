#include "common/status.h"

#include <gtest/gtest.h>

#include "google/rpc/status.pb.h"

namespace codingahead::common {
namespace {

TEST(StatusTest, FieldViolationsSurviveTheRoundTripThroughGrpc) {
  absl::Status status =
      InvalidArgumentError("bad request", {{"code", "too long"}, {"date.day", "no such day"}});
  grpc::Status wire = ToGrpcStatus(status);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(wire.error_message(), "bad request");
  // What any gRPC client sees in grpc-status-details-bin.
  google::rpc::Status rpc_status;
  ASSERT_TRUE(rpc_status.ParseFromString(wire.error_details()));
  EXPECT_EQ(rpc_status.code(), 3);
  ASSERT_EQ(rpc_status.details_size(), 1);
  EXPECT_EQ(rpc_status.details(0).type_url(), "type.googleapis.com/google.rpc.BadRequest");

  auto bad = GetDetail<google::rpc::BadRequest>(wire);
  ASSERT_TRUE(bad.has_value());
  ASSERT_EQ(bad->field_violations_size(), 2);
  EXPECT_EQ(bad->field_violations(1).field(), "date.day");
  EXPECT_EQ(bad->field_violations(1).description(), "no such day");
}

TEST(StatusTest, QuotaFailureAndErrorInfoTravelTogether) {
  absl::Status status =
      ResourceExhaustedError("0 code page views remaining.",
                             {{"guest:abc", "Guest accounts are limited to 1 page view."}});
  status = WithErrorInfo(status, "VIEWS_EXHAUSTED", "codingahead.account", {{"plan", "guest"}});
  status = WithRetryDelay(status, absl::Milliseconds(1500));
  absl::Status back = FromGrpcStatus(ToGrpcStatus(status));
  EXPECT_EQ(back.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(back.message(), "0 code page views remaining.");
  auto quota = GetDetail<google::rpc::QuotaFailure>(back);
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->violations(0).subject(), "guest:abc");
  auto info = GetDetail<google::rpc::ErrorInfo>(back);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "VIEWS_EXHAUSTED");
  EXPECT_EQ(info->metadata().at("plan"), "guest");
  auto retry = GetDetail<google::rpc::RetryInfo>(back);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 1);
  EXPECT_EQ(retry->retry_delay().nanos(), 500000000);
}

TEST(StatusTest, CodesMapOneToOne) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status status(static_cast<absl::StatusCode>(code), "x");
    EXPECT_EQ(static_cast<int>(ToGrpcStatus(status).error_code()), code);
    EXPECT_EQ(FromGrpcStatus(ToGrpcStatus(status)), status);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(StatusTest, BuilderIsOkUntilSomethingIsAdded) {
  BadRequestBuilder builder;
  EXPECT_TRUE(builder.Build("x").ok());
  builder.Add("email", "not an address");
  absl::Status status = builder.Build("invalid Register request");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetDetail<google::rpc::BadRequest>(status)->field_violations(0).field(), "email");
}

TEST(StatusTest, PreconditionFailureIsAttached) {
  absl::Status status = FailedPreconditionError("not covered", "DATE_OF_SERVICE_NOT_COVERED",
                                                "date_of_service:2016-01-01", "loaded: x");
  auto detail = GetDetail<google::rpc::PreconditionFailure>(FromGrpcStatus(ToGrpcStatus(status)));
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->violations(0).type(), "DATE_OF_SERVICE_NOT_COVERED");
}

}  // namespace
}  // namespace codingahead::common
