// The real ca-loadgen binary against the real baseline server, for about a
// second: the report has throughput and ordered percentiles. No timing
// thresholds: the machine is shared.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/testing/subprocess.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace codingahead::loadgen {
namespace {

TEST(LoadgenIntegrationTest, BaselineRunReportsThroughputAndOrderedPercentiles) {
  testing::TempDir dir("ca-loadgen-test");
  std::string out = dir.path() + "/out.txt";
  auto exit_code =
      testing::RunCommand({{CA_LOADGEN_BINARY, "--scenarios=baseline", "--rounds=1",
                            "--warmup_seconds=0.3", "--duration_seconds=1", "--streams=4",
                            "--channels=2", "--json", "--work_dir=" + dir.path() + "/work"},
                           out,
                           "",
                           ""},
                          absl::Seconds(30));
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_TRUE(exit_code.ok()) << exit_code.status() << "\n" << text.str();
  ASSERT_EQ(*exit_code, 0) << text.str();

  // stdout and stderr share the file: the JSON line is the one that starts
  // with an object.
  std::string json;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n')) {
    if (absl::StartsWith(line, "{\"scenario\":\"baseline\"")) json = std::string(line);
  }
  ASSERT_FALSE(json.empty()) << text.str();
  google::protobuf::Struct report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &report).ok()) << json;
  const auto& f = report.fields();
  EXPECT_TRUE(f.at("measured").bool_value());
  EXPECT_GT(f.at("qps").number_value(), 0);
  EXPECT_GT(f.at("requests").number_value(), 0);
  EXPECT_EQ(f.at("errors").number_value(), 0) << json;
  double p50 = f.at("p50_us").number_value();
  double p90 = f.at("p90_us").number_value();
  double p99 = f.at("p99_us").number_value();
  double p999 = f.at("p999_us").number_value();
  EXPECT_GT(p50, 0);
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
  EXPECT_LE(p99, p999);
  EXPECT_GT(f.at("cpu_us_per_req").struct_value().fields().at("client").number_value(), 0);
  // The baseline server is a separate process whose pid is known.
  EXPECT_TRUE(f.at("cpu_us_per_req").struct_value().fields().at("server").has_number_value());
  EXPECT_DOUBLE_EQ(f.at("qps_ratio").number_value(), 1.0);
  EXPECT_EQ(f.at("run").struct_value().fields().at("log_level").string_value(), "info");
  EXPECT_DOUBLE_EQ(f.at("run").struct_value().fields().at("access_log_sample_rate").number_value(),
                   0.01);
}

}  // namespace
}  // namespace codingahead::loadgen
