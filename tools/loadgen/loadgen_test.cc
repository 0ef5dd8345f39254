// The pure parts of the load generator: histogram percentiles, CPU parsing,
// the scenario registry, ratio math, codes from a snapshot and the report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tools/loadgen/argon2_reference.h"
#include "tools/loadgen/codes.h"
#include "tools/loadgen/cpu.h"
#include "tools/loadgen/histogram.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/scenario.h"
#include "tools/loadgen/stats.h"

namespace codingahead::loadgen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- histogram ------------------------------------------------------------

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(50), 0u);
  EXPECT_EQ(h.Percentile(99.9), 0u);
  EXPECT_EQ(h.Mean(), 0.0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(50), 50u);
  EXPECT_EQ(h.Percentile(90), 90u);
  EXPECT_EQ(h.Percentile(99), 99u);
  EXPECT_EQ(h.Percentile(100), 100u);
  EXPECT_EQ(h.Percentile(0), 1u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.Mean(), 50.5);
}

TEST(LatencyHistogramTest, LargeValuesAreWithinOnePercent) {
  LatencyHistogram h;
  // 1..100000 microseconds in nanoseconds, shuffled.
  std::vector<uint64_t> values;
  for (uint64_t us = 1; us <= 100000; ++us) values.push_back(us * 1000);
  std::shuffle(values.begin(), values.end(), std::mt19937_64(42));
  for (uint64_t v : values) h.Record(v);
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    double exact = p / 100.0 * 100000 * 1000;
    EXPECT_NEAR(static_cast<double>(h.Percentile(p)), exact, exact * 0.01) << "p" << p;
  }
  EXPECT_EQ(h.Percentile(100), 100000u * 1000);
}

TEST(LatencyHistogramTest, PercentilesAreOrderedOnASkewedDistribution) {
  LatencyHistogram h;
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(std::log(200000.0), 0.8);
  for (int i = 0; i < 200000; ++i) h.Record(static_cast<uint64_t>(dist(rng)));
  EXPECT_LE(h.min(), h.Percentile(50));
  EXPECT_LE(h.Percentile(50), h.Percentile(90));
  EXPECT_LE(h.Percentile(90), h.Percentile(99));
  EXPECT_LE(h.Percentile(99), h.Percentile(99.9));
  EXPECT_LE(h.Percentile(99.9), h.max());
}

TEST(LatencyHistogramTest, EveryValueFallsInsideItsBucket) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = rng() >> (rng() % 64);
    v = std::min(v, LatencyHistogram::kMaxValue);
    size_t index = LatencyHistogram::BucketIndex(v);
    ASSERT_LT(index, LatencyHistogram::kBucketCount);
    EXPECT_LE(LatencyHistogram::BucketLowest(index), v);
    EXPECT_GE(LatencyHistogram::BucketHighest(index), v);
    // A bucket is at most 1/128 of its values wide.
    uint64_t width = LatencyHistogram::BucketHighest(index) - LatencyHistogram::BucketLowest(index);
    EXPECT_LE(width, std::max<uint64_t>(1, LatencyHistogram::BucketLowest(index) / 128));
  }
}

TEST(LatencyHistogramTest, BucketsAreContiguous) {
  for (size_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
    ASSERT_EQ(LatencyHistogram::BucketHighest(i) + 1, LatencyHistogram::BucketLowest(i + 1)) << i;
  }
  EXPECT_EQ(LatencyHistogram::BucketHighest(LatencyHistogram::kBucketCount - 1),
            LatencyHistogram::kMaxValue);
}

TEST(LatencyHistogramTest, HugeValuesAreClampedIntoTheTopBucket) {
  LatencyHistogram h;
  h.Record(~uint64_t{0});
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(LatencyHistogram::BucketIndex(~uint64_t{0}), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all;
  for (uint64_t v = 1; v < 50000; v += 3) {
    (v % 2 ? a : b).Record(v * 17);
    all.Record(v * 17);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (double p : {50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(a.Percentile(p), all.Percentile(p));
}

// ---- CPU ------------------------------------------------------------------

TEST(ProcStatTest, ReadsUserPlusSystemTicks) {
  EXPECT_EQ(ParseProcStatCpuTicks("1234 (ca-catalog) S 1 1234 1234 0 -1 4194560 500 0 0 0 "
                                  "250 75 0 0 20 0 9 0 100 0 0"),
            325);
}

TEST(ProcStatTest, CommandNamesWithSpacesAndParenthesesAreSkipped) {
  EXPECT_EQ(ParseProcStatCpuTicks("7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 9 0 0"), 7);
}

TEST(ProcStatTest, TruncatedOrGarbageIsNotAReading) {
  EXPECT_FALSE(ParseProcStatCpuTicks("").has_value());
  EXPECT_FALSE(ParseProcStatCpuTicks("12 (x) S 1 2 3").has_value());
  EXPECT_FALSE(
      ParseProcStatCpuTicks("7 (x) R 1 7 7 0 -1 0 0 0 0 0 abc 4 0 0 20 0 1 0 9").has_value());
}

TEST(ProcStatTest, ThisProcessHasAReading) {
  EXPECT_TRUE(ProcessCpuMicros(getpid()).has_value());
  EXPECT_FALSE(ProcessCpuMicros(0).has_value());
  EXPECT_GE(SelfCpuMicros(), 0);
}

// ---- scenario registry ----------------------------------------------------

ScenarioSpec Spec(const std::string& name) {
  return {name, "test", Target::kBaseline, {}, [](const Environment&) {
            return absl::StatusOr<std::unique_ptr<Workload>>(absl::UnimplementedError("test"));
          }};
}

TEST(ScenarioRegistryTest, DefaultsHoldTheIssueScenarios) {
  ScenarioRegistry registry = DefaultScenarios();
  EXPECT_THAT(registry.Names(),
              ElementsAre("baseline", "GetCode", "SearchCodes", "SuggestCodes", "CheckEdits",
                          "GetCodePage.pro", "chain2", "ConsumeView.pro", "GetCodePage.free",
                          "ValidateSession", "Login"));
  EXPECT_EQ(registry.Find("GetCode")->target, Target::kCatalog);
  // CheckEdits is answered by the catalog alone, from memory.
  EXPECT_EQ(registry.Find("CheckEdits")->target, Target::kCatalog);
  EXPECT_THAT(registry.Find("CheckEdits")->server_processes, ElementsAre("catalog"));
  EXPECT_THAT(registry.Find("GetCodePage.free")->server_processes,
              ElementsAre("catalog", "account", "redis"));
  // The two-hop reference is charged both baseline processes.
  EXPECT_EQ(registry.Find("chain2")->target, Target::kChain);
  EXPECT_THAT(registry.Find("chain2")->server_processes, ElementsAre("chain", "baseline"));
  EXPECT_EQ(registry.Find("ConsumeView.pro")->target, Target::kAccount);
  // The account's own RPCs, charged to the account service and Redis.
  EXPECT_EQ(registry.Find("ValidateSession")->target, Target::kAccount);
  EXPECT_EQ(registry.Find("Login")->target, Target::kAccount);
  EXPECT_THAT(registry.Find("Login")->server_processes, ElementsAre("account", "redis"));
}

TEST(Argon2ReferenceTest, HashesWithTheServiceParameters) {
  Argon2Options options;
  options.threads = 1;
  options.duration = absl::Milliseconds(1);
  auto result = MeasureArgon2(options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GE(result->hashes, 1u);  // a thread always finishes one hash
  EXPECT_EQ(result->threads, 1);
  EXPECT_GT(result->HashesPerSecond(), 0);
  options.threads = 0;
  EXPECT_EQ(MeasureArgon2(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ScenarioRegistryTest, SelectKeepsListOrderAndDropsDuplicates) {
  ScenarioRegistry registry = DefaultScenarios();
  auto selected = registry.Select(" GetCode,baseline ,GetCode");
  ASSERT_TRUE(selected.ok()) << selected.status();
  ASSERT_EQ(selected->size(), 2u);
  EXPECT_EQ((*selected)[0]->name, "GetCode");
  EXPECT_EQ((*selected)[1]->name, "baseline");
}

TEST(ScenarioRegistryTest, AllSelectsEveryScenario) {
  ScenarioRegistry registry = DefaultScenarios();
  auto selected = registry.Select("all");
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected->size(), registry.Names().size());
}

TEST(ScenarioRegistryTest, UnknownNameIsRefusedWithTheKnownOnes) {
  ScenarioRegistry registry = DefaultScenarios();
  auto selected = registry.Select("baseline,GetCodez");
  ASSERT_EQ(selected.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(selected.status().message(), HasSubstr("GetCodez"));
  EXPECT_THAT(selected.status().message(), HasSubstr("GetCodePage.pro"));
  EXPECT_EQ(registry.Select(" , ").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ScenarioRegistryTest, AddingAScenarioIsOneCall) {
  ScenarioRegistry registry;
  ASSERT_TRUE(registry.Add(Spec("SearchCodes")).ok());
  EXPECT_NE(registry.Find("SearchCodes"), nullptr);
  EXPECT_EQ(registry.Add(Spec("SearchCodes")).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Add(Spec("")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Add(Spec("a,b")).code(), absl::StatusCode::kInvalidArgument);
  ScenarioSpec no_prepare = Spec("x");
  no_prepare.prepare = nullptr;
  EXPECT_EQ(registry.Add(no_prepare).code(), absl::StatusCode::kInvalidArgument);
}

TEST(SpreadIndexTest, StreamsStartApartAndEachWalksTheWholeList) {
  std::set<size_t> firsts;
  for (int stream = 0; stream < 4; ++stream) {
    firsts.insert(SpreadIndex({stream, 4, 0}, 100));
    std::set<size_t> seen;
    for (uint64_t n = 0; n < 100; ++n) seen.insert(SpreadIndex({stream, 4, n}, 100));
    EXPECT_EQ(seen.size(), 100u);
  }
  EXPECT_EQ(firsts.size(), 4u);
  EXPECT_EQ(SpreadIndex({0, 1, 5}, 0), 0u);
}

TEST(DistinctClientIpTest, DistinctValidAddresses) {
  std::set<std::string> ips;
  for (uint64_t n = 0; n < 70000; ++n) ips.insert(DistinctClientIp(n));
  EXPECT_EQ(ips.size(), 70000u);
  EXPECT_EQ(DistinctClientIp(0), "10.0.0.1");
  EXPECT_EQ(DistinctClientIp(255), "10.0.1.0");
  EXPECT_EQ(DistinctClientIp((uint64_t{1} << 24) - 3), "10.255.255.254");
  EXPECT_EQ(DistinctClientIp((uint64_t{1} << 24) - 2), "10.0.0.1");
}

// ---- ratio math -----------------------------------------------------------

RunResult FakeRun(double qps, uint64_t p99_us, double seconds = 1) {
  RunResult r;
  r.seconds = seconds;
  r.requests = static_cast<uint64_t>(qps * seconds);
  r.ok = r.requests;
  // Every call at the same latency, so each percentile is exact.
  for (int i = 0; i < 100; ++i) r.latency_ns.Record(p99_us * 1000);
  return r;
}

TEST(StatsTest, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(Median({}), 0);
  EXPECT_EQ(Median({3}), 3);
  EXPECT_EQ(Median({5, 1, 3}), 3);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
}

TEST(StatsTest, RatioWithoutABaselineIsZeroNotInfinity) {
  EXPECT_EQ(Ratio(10, 0), 0);
  EXPECT_EQ(Ratio(10, -1), 0);
  EXPECT_DOUBLE_EQ(Ratio(85, 100), 0.85);
}

TEST(StatsTest, RatiosAreOfTheMediansOfAlternatedRuns) {
  std::vector<RunResult> baseline = {FakeRun(1000, 100), FakeRun(1200, 80), FakeRun(900, 120)};
  std::vector<RunResult> scenario = {FakeRun(850, 150), FakeRun(1020, 110), FakeRun(990, 200)};
  ScenarioSummary s = Summarize("GetCode", scenario, baseline);
  EXPECT_TRUE(s.measured);
  EXPECT_DOUBLE_EQ(s.baseline.qps, 1000);
  EXPECT_DOUBLE_EQ(s.scenario.qps, 990);
  EXPECT_DOUBLE_EQ(s.qps_ratio, 0.99);
  EXPECT_DOUBLE_EQ(s.baseline.p99_us, 100);
  EXPECT_DOUBLE_EQ(s.scenario.p99_us, 150);
  EXPECT_DOUBLE_EQ(s.p99_ratio, 1.5);
  ASSERT_EQ(s.pair_qps_ratios.size(), 3u);
  EXPECT_DOUBLE_EQ(s.pair_qps_ratios[0], 0.85);
  EXPECT_DOUBLE_EQ(s.pair_p99_ratios[2], 200.0 / 120.0);
}

TEST(StatsTest, RefusalsAndErrorsAreSummedAndCpuIgnoresUnknownRuns) {
  RunResult a = FakeRun(100, 10);
  a.refusals = 3;
  a.errors = 1;
  a.by_code = {{"RESOURCE_EXHAUSTED", 3}, {"UNAVAILABLE", 1}};
  a.client_cpu_us_per_req = 20;
  a.server_cpu_us_per_req = -1;
  RunResult b = FakeRun(100, 10);
  b.refusals = 2;
  b.by_code = {{"RESOURCE_EXHAUSTED", 2}};
  b.client_cpu_us_per_req = 30;
  b.server_cpu_us_per_req = 40;
  RunMedians m = MediansOf({a, b});
  EXPECT_EQ(m.refusals, 5u);
  EXPECT_EQ(m.errors, 1u);
  EXPECT_EQ(m.by_code["RESOURCE_EXHAUSTED"], 5u);
  EXPECT_DOUBLE_EQ(m.client_cpu_us_per_req, 25);
  EXPECT_DOUBLE_EQ(m.server_cpu_us_per_req, 40);
  EXPECT_EQ(MediansOf({a}).server_cpu_us_per_req, -1);
}

TEST(StatsTest, NoRunsIsNotMeasured) {
  ScenarioSummary s = Summarize("GetCodePage.pro", {}, {});
  EXPECT_FALSE(s.measured);
  EXPECT_EQ(s.qps_ratio, 0);
}

// ---- codes from a snapshot ------------------------------------------------

TEST(CodesTest, NewestHcpcsReleaseCodesWithoutModifiers) {
  namespace snap = ::codingahead::catalog::snapshot::v1;
  snap::Snapshot snapshot;
  auto* old_release = snapshot.add_releases();
  old_release->set_id("hcpcs-2018");
  old_release->set_code_set(snap::CODE_SET_HCPCS);
  old_release->add_records()->set_code("G0202");
  auto* cpt = snapshot.add_releases();
  cpt->set_code_set(snap::CODE_SET_CPT);
  cpt->add_records()->set_code("99213");
  auto* newest = snapshot.add_releases();
  newest->set_id("hcpcs-2019");
  newest->set_code_set(snap::CODE_SET_HCPCS);
  for (auto [code, kind] :
       {std::pair{"E0601", snap::RECORD_KIND_CODE}, std::pair{"LT", snap::RECORD_KIND_MODIFIER},
        std::pair{"A4206", snap::RECORD_KIND_CODE}}) {
    auto* r = newest->add_records();
    r->set_code(code);
    r->set_kind(kind);
  }
  auto codes = CodesFromSnapshot(snapshot);
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_THAT(*codes, ElementsAre("E0601", "A4206"));
  EXPECT_EQ(CodesFromSnapshot(snap::Snapshot()).status().code(), absl::StatusCode::kNotFound);
}

// ---- report ---------------------------------------------------------------

TEST(ReportTest, JsonLineParsesAndCarriesTheBaselineAndRatios) {
  RunInfo info;
  info.streams = 8;
  info.channels = 4;
  info.log_level = "info";
  info.access_log_sample_rate = 0.01;
  info.machine.cpu_model = "Some \"quoted\" CPU";
  ScenarioSummary s = Summarize("GetCode", {FakeRun(850, 150)}, {FakeRun(1000, 100)});
  s.scenario.by_code = {{"UNAVAILABLE", 2}};
  std::string json = FormatJson(info, s);
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  const auto& f = parsed.fields();
  EXPECT_EQ(f.at("scenario").string_value(), "GetCode");
  EXPECT_DOUBLE_EQ(f.at("qps").number_value(), 850);
  EXPECT_DOUBLE_EQ(f.at("baseline_qps").number_value(), 1000);
  EXPECT_DOUBLE_EQ(f.at("qps_ratio").number_value(), 0.85);
  EXPECT_DOUBLE_EQ(f.at("p99_ratio").number_value(), 1.5);
  EXPECT_EQ(f.at("errors_by_code").struct_value().fields().at("UNAVAILABLE").number_value(), 2);
  EXPECT_EQ(f.at("run").struct_value().fields().at("log_level").string_value(), "info");
  EXPECT_TRUE(f.at("cpu_us_per_req").struct_value().fields().at("server").has_null_value());
}

TEST(ReportTest, TableNamesScenariosNotMeasuredAndWhy) {
  RunInfo info;
  ScenarioSummary measured = Summarize("GetCode", {FakeRun(850, 150)}, {FakeRun(1000, 100)});
  ScenarioSummary missing;
  missing.name = "GetCodePage.pro";
  missing.not_measured_reason = "Register answers UNIMPLEMENTED";
  std::string table = FormatTable(info, {measured, missing});
  EXPECT_THAT(table, HasSubstr("GetCode "));
  EXPECT_THAT(table, HasSubstr("0.85"));
  EXPECT_THAT(table, HasSubstr("GetCodePage.pro    not measured: Register answers UNIMPLEMENTED"));
}

}  // namespace
}  // namespace codingahead::loadgen
