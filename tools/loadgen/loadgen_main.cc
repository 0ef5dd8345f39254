// ca-loadgen: closed-loop gRPC load against the suite, every scenario beside
// an empty-RPC baseline measured in the same session.
//
//   ca-loadgen --scenarios=baseline,GetCode              # against
//   scripts/up.sh's suite ca-loadgen --spawn_suite --scenarios=all --json #
//   starts its own Redis, PostgreSQL,
//                                                        # ca-account and
//                                                        ca-catalog
//
// Each round runs the baseline, then a scenario, then the baseline again,
// then the next scenario..., and the report gives medians over the rounds:
// the machine is shared, and alternating spreads its noise over both.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "tools/loadgen/argon2_reference.h"
#include "tools/loadgen/codes.h"
#include "tools/loadgen/cpu.h"
#include "tools/loadgen/load_runner.h"
#include "tools/loadgen/processes.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/scenario.h"
#include "tools/loadgen/stats.h"

#ifndef CA_LOADGEN_BASELINE_BINARY
#define CA_LOADGEN_BASELINE_BINARY "ca-loadgen-baseline"
#endif
#ifndef CA_CATALOG_BINARY
#define CA_CATALOG_BINARY "ca-catalog"
#endif
#ifndef CA_ACCOUNT_BINARY
#define CA_ACCOUNT_BINARY "ca-account"
#endif
#ifndef CA_IMPORT_BINARY
#define CA_IMPORT_BINARY "ca-import"
#endif
#ifndef CA_SHARED_DATA_DIR
#define CA_SHARED_DATA_DIR "../shared/data"
#endif
#ifndef CA_CPT_SAMPLE_FILE
#define CA_CPT_SAMPLE_FILE "services/catalog/testdata/cpt_sample.tsv"
#endif
#ifndef CA_EDITS_TESTDATA_DIR
#define CA_EDITS_TESTDATA_DIR "tools/importer/testdata"
#endif
#ifndef CA_CONTENT_FILE
#define CA_CONTENT_FILE "services/catalog/content/common_language.tsv"
#endif

// The services' own --log_level and --access_log_sample_rate
// (common/server.cc): here they set the level of every process the load
// generator starts.
ABSL_DECLARE_FLAG(std::string, log_level);
ABSL_DECLARE_FLAG(double, access_log_sample_rate);

ABSL_FLAG(std::string, scenarios, "all",
          "Comma-separated scenarios (baseline, GetCode, GetCodePage.pro, chain2, "
          "ConsumeView.pro, GetCodePage.free, ValidateSession, Login) or all");
ABSL_FLAG(int, streams, 8, "Concurrent outstanding calls (closed loop)");
ABSL_FLAG(int, channels, 4, "Separate gRPC channels (connections) the streams are spread over");
ABSL_FLAG(double, warmup_seconds, 2, "Per run, not measured");
ABSL_FLAG(double, duration_seconds, 10, "Measured window per run (the cap with --requests)");
ABSL_FLAG(int64_t, requests, 0, "When > 0: end each run after this many measured calls");
ABSL_FLAG(int, rounds, 3, "Alternated baseline/scenario rounds; the report shows medians");
ABSL_FLAG(double, call_timeout_seconds, 5, "Deadline of each call");
ABSL_FLAG(bool, json, false, "Print one JSON object per scenario on stdout (table on stderr)");
ABSL_FLAG(std::string, catalog_target, "127.0.0.1:50051", "The catalog (without --spawn_suite)");
ABSL_FLAG(std::string, account_target, "127.0.0.1:50052",
          "The account service, for set-up calls (without --spawn_suite)");
ABSL_FLAG(std::string, credentials_dir, "var/credentials",
          "Folder with service-credential and operator-credential "
          "(scripts/up.sh makes them)");
ABSL_FLAG(std::string, snapshot_dir, "var/catalog",
          "The catalog's snapshot folder, for the codes to ask for; when "
          "unreadable the codes "
          "are found by asking the catalog");
ABSL_FLAG(std::string, pids_dir, "",
          "Folder with <service>.pid files (scripts/up.sh: var/run) for server "
          "CPU figures");
ABSL_FLAG(bool, spawn_suite, false,
          "Start Redis, PostgreSQL, ca-account and ca-catalog here with a "
          "fresh import");
ABSL_FLAG(std::string, baseline_binary, CA_LOADGEN_BASELINE_BINARY, "ca-loadgen-baseline");
ABSL_FLAG(std::string, catalog_binary, CA_CATALOG_BINARY, "ca-catalog, for --spawn_suite");
ABSL_FLAG(std::string, account_binary, CA_ACCOUNT_BINARY, "ca-account, for --spawn_suite");
ABSL_FLAG(std::string, import_binary, CA_IMPORT_BINARY, "ca-import, for --spawn_suite");
ABSL_FLAG(std::string, hcpcs_dir, CA_SHARED_DATA_DIR "/hcpcs", "HCPCS files, for --spawn_suite");
ABSL_FLAG(std::string, cpt_file, CA_CPT_SAMPLE_FILE, "CPT sample, for --spawn_suite");
ABSL_FLAG(std::string, edits_dir, CA_EDITS_TESTDATA_DIR,
          "NCCI PTP / MUE / PFS fixture tables (2026 Q1), for --spawn_suite (CheckEdits)");
ABSL_FLAG(std::string, content_file, CA_CONTENT_FILE,
          "Common language descriptions, for --spawn_suite");
ABSL_FLAG(std::string, work_dir, "",
          "Where started processes keep logs and data (kept); empty: a "
          "temporary folder, "
          "removed at exit");
ABSL_FLAG(int, free_users, 32, "Accounts GetCodePage.free registers");
ABSL_FLAG(int, login_users, 1000, "Accounts Login registers (one argon2id hash each)");
ABSL_FLAG(bool, argon2_reference, false,
          "Measure the raw argon2id hash rate (libargon2, m=19 MiB, t=2, p=1) "
          "once after the runs; with Login selected it is always measured, right "
          "after each Login run");
ABSL_FLAG(int, argon2_threads, 2,
          "Hashing threads of the argon2 reference (ca-account's --hash_threads)");
ABSL_FLAG(double, argon2_seconds, 4, "Length of the argon2 reference measurement");
ABSL_FLAG(int, payload_bytes, 0, "Baseline request payload (echoed back)");

namespace codingahead::loadgen {
namespace {

void Progress(const std::string& text) {
  std::fprintf(stderr, "loadgen: %s\n", text.c_str());
  std::fflush(stderr);
}

std::string NowRfc3339() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

bool NeedsAccount(const ScenarioSpec& spec) {
  for (const auto& p : spec.server_processes) {
    if (p == "account") return true;
  }
  return false;
}

// A scenario ready to run.
struct Prepared {
  const ScenarioSpec* spec = nullptr;
  std::unique_ptr<Workload> workload;
  std::vector<std::shared_ptr<grpc::Channel>>* channels = nullptr;
  std::vector<ServerProcess> servers;
  std::vector<RunResult> runs;
  std::vector<RunResult> baseline_runs;  // the baseline run just before each
  std::string not_measured;
};

int Main() {
  const std::string started_at = NowRfc3339();
  const std::string load_average_start = LoadAverage();
  ScenarioRegistry registry = DefaultScenarios();
  auto selected = registry.Select(absl::GetFlag(FLAGS_scenarios));
  if (!selected.ok()) {
    Progress(std::string(selected.status().message()));
    return 2;
  }
  const std::string log_level = absl::GetFlag(FLAGS_log_level);
  const double sample_rate = absl::GetFlag(FLAGS_access_log_sample_rate);
  common::LogLevel parsed_level;
  if (!common::ParseLogLevel(log_level, &parsed_level)) {
    Progress("--log_level must be debug, info, warning or error");
    return 2;
  }
  common::ConfigureLogging("loadgen", common::LogLevel::kWarning);

  LoadOptions load;
  load.streams = absl::GetFlag(FLAGS_streams);
  load.warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
  load.duration = absl::Seconds(absl::GetFlag(FLAGS_duration_seconds));
  load.requests = static_cast<uint64_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_requests)));
  load.call_timeout = absl::Seconds(absl::GetFlag(FLAGS_call_timeout_seconds));
  const int channel_count = std::max(1, absl::GetFlag(FLAGS_channels));
  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));

  std::optional<testing::TempDir> temp_dir;
  std::string work_dir = absl::GetFlag(FLAGS_work_dir);
  if (work_dir.empty()) {
    temp_dir.emplace("ca-loadgen");
    work_dir = temp_dir->path();
  } else if (mkdir(work_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    Progress(absl::StrCat("cannot create --work_dir ", work_dir));
    return 2;
  }

  // The baseline server, in its own process so CPU accounting is separate.
  auto baseline =
      ChildService::Start("baseline", absl::GetFlag(FLAGS_baseline_binary), work_dir,
                          CommonServiceFlags(log_level, sample_rate), absl::Seconds(30));
  if (!baseline.ok()) {
    Progress(absl::StrCat("baseline server: ", baseline.status().ToString()));
    return 1;
  }
  Progress(absl::StrCat("baseline server on ", (*baseline)->target(), " (pid ", (*baseline)->pid(),
                        ", log ", (*baseline)->log_path(), ")"));

  bool needs_catalog = false;
  bool needs_account = false;
  bool needs_chain = false;
  for (const ScenarioSpec* spec : *selected) {
    needs_catalog |= spec->target == Target::kCatalog || spec->target == Target::kAccount;
    needs_account |= NeedsAccount(*spec);
    needs_chain |= spec->target == Target::kChain;
  }
  // The chain2 reference: a second baseline forwarding to the first.
  std::unique_ptr<ChildService> chain;
  if (needs_chain) {
    std::vector<std::string> flags = CommonServiceFlags(log_level, sample_rate);
    flags.push_back(absl::StrCat("--forward_to=", (*baseline)->target()));
    auto started = ChildService::Start("chain", absl::GetFlag(FLAGS_baseline_binary), work_dir,
                                       flags, absl::Seconds(30));
    if (!started.ok()) {
      Progress(absl::StrCat("chain server: ", started.status().ToString()));
      return 1;
    }
    chain = *std::move(started);
  }

  // Targets: the suite started here, or one already running.
  std::unique_ptr<SpawnedSuite> suite;
  std::string catalog_target = absl::GetFlag(FLAGS_catalog_target);
  std::string account_target = absl::GetFlag(FLAGS_account_target);
  std::string credentials_dir = absl::GetFlag(FLAGS_credentials_dir);
  std::string snapshot_dir = absl::GetFlag(FLAGS_snapshot_dir);
  std::map<std::string, pid_t> pids = {{"baseline", (*baseline)->pid()}};
  if (chain != nullptr) pids["chain"] = chain->pid();
  std::string account_unavailable;
  const bool spawn = absl::GetFlag(FLAGS_spawn_suite);
  if (spawn && needs_catalog) {
    SuiteOptions options;
    options.work_dir = work_dir;
    options.import_binary = absl::GetFlag(FLAGS_import_binary);
    options.catalog_binary = absl::GetFlag(FLAGS_catalog_binary);
    options.account_binary = absl::GetFlag(FLAGS_account_binary);
    options.hcpcs_dir = absl::GetFlag(FLAGS_hcpcs_dir);
    options.cpt_file = absl::GetFlag(FLAGS_cpt_file);
    options.edits_dir = absl::GetFlag(FLAGS_edits_dir);
    options.content_file = absl::GetFlag(FLAGS_content_file);
    options.log_level = log_level;
    options.access_log_sample_rate = sample_rate;
    options.with_account = needs_account;
    Progress(
        "starting the suite (import, Redis, PostgreSQL, ca-account, "
        "ca-catalog)");
    auto started = SpawnedSuite::Start(options);
    if (!started.ok()) {
      Progress(absl::StrCat("suite: ", started.status().ToString()));
      return 1;
    }
    suite = *std::move(started);
    catalog_target = suite->catalog_target();
    account_target = suite->account_target();
    credentials_dir = suite->credentials_dir();
    snapshot_dir = suite->snapshot_dir();
    for (const auto& [name, pid] : suite->pids()) pids[name] = pid;
    if (needs_account && account_target.empty()) {
      account_unavailable = absl::StrCat("account service did not start: ", suite->account_error());
      Progress(account_unavailable);
    }
    Progress(absl::StrCat("suite up: catalog ", catalog_target, ", account ",
                          account_target.empty() ? "-" : account_target, "; logs in ", work_dir));
  } else if (std::string dir = absl::GetFlag(FLAGS_pids_dir); !dir.empty()) {
    for (const char* name : {"catalog", "account", "redis"}) {
      if (auto pid = PidFromFile(dir, name)) pids[name] = *pid;
    }
  }

  // What scenarios may use for their set-up.
  Environment env;
  env.catalog = grpc::CreateChannel(catalog_target, grpc::InsecureChannelCredentials());
  env.account = grpc::CreateChannel(account_target.empty() ? "127.0.0.1:1" : account_target,
                                    grpc::InsecureChannelCredentials());
  env.free_users = absl::GetFlag(FLAGS_free_users);
  env.login_users = absl::GetFlag(FLAGS_login_users);
  env.payload_bytes = absl::GetFlag(FLAGS_payload_bytes);
  env.service_credential = [credentials_dir] {
    return common::ReadSecretFile(credentials_dir + "/service-credential");
  };
  env.operator_credential = [credentials_dir] {
    return common::ReadSecretFile(credentials_dir + "/operator-credential");
  };
  std::optional<absl::StatusOr<std::vector<std::string>>> codes_cache;
  env.codes = [&]() -> absl::StatusOr<std::vector<std::string>> {
    if (!codes_cache.has_value()) {
      auto codes = CodesFromSnapshotDir(snapshot_dir);
      if (codes.ok()) {
        Progress(absl::StrCat(codes->size(), " codes from the snapshot in ", snapshot_dir));
      } else {
        Progress(
            absl::StrCat("no snapshot codes (", codes.status().message(), "); asking the catalog"));
        codes = ProbeCatalogCodes(env.catalog, 2000);
        if (codes.ok()) Progress(absl::StrCat(codes->size(), " codes found by GetCode"));
      }
      codes_cache = std::move(codes);
    }
    return *codes_cache;
  };

  // Channels per target, connected once and shared by every run.
  std::map<Target, std::vector<std::shared_ptr<grpc::Channel>>> channels;
  auto channels_for = [&](Target target) {
    auto it = channels.find(target);
    if (it != channels.end()) return &it->second;
    std::string address = target == Target::kBaseline  ? (*baseline)->target()
                          : target == Target::kChain   ? chain->target()
                          : target == Target::kCatalog ? catalog_target
                                                       : account_target;
    return &(channels[target] = MakeChannels(address, channel_count, absl::Seconds(10)));
  };

  auto servers_for = [&](const ScenarioSpec& spec) {
    std::vector<ServerProcess> servers;
    for (const auto& name : spec.server_processes) {
      if (auto it = pids.find(name); it != pids.end()) servers.push_back({name, it->second});
    }
    return servers;
  };

  // Prepare the baseline (always: it is the reference) and the scenarios.
  const ScenarioSpec* baseline_spec = registry.Find(kBaselineScenario);
  Prepared reference;
  reference.spec = baseline_spec;
  {
    auto workload = baseline_spec->prepare(env);
    if (!workload.ok()) {
      Progress(absl::StrCat("baseline: ", workload.status().ToString()));
      return 1;
    }
    reference.workload = *std::move(workload);
    reference.channels = channels_for(Target::kBaseline);
    reference.servers = servers_for(*baseline_spec);
  }
  std::vector<Prepared> scenarios;
  std::vector<std::string> notes;  // printed after the table
  for (const ScenarioSpec* spec : *selected) {
    if (spec == baseline_spec) continue;
    Prepared p;
    p.spec = spec;
    if (NeedsAccount(*spec) && !account_unavailable.empty()) {
      p.not_measured = account_unavailable;
    } else {
      Progress(absl::StrCat("preparing ", spec->name));
      const absl::Time prepare_start = absl::Now();
      auto workload = spec->prepare(env);
      const double prepare_seconds = absl::ToDoubleSeconds(absl::Now() - prepare_start);
      Progress(absl::StrFormat("%s prepared in %.1f s", spec->name, prepare_seconds));
      notes.push_back(absl::StrFormat("%s: preparation %.1f s", spec->name, prepare_seconds));
      if (!workload.ok()) {
        p.not_measured = std::string(workload.status().message());
      } else {
        p.workload = *std::move(workload);
        p.channels = channels_for(spec->target);
        p.servers = servers_for(*spec);
        grpc::Status probe = ProbeOnce(*p.workload, p.channels->front(), load.call_timeout);
        if (probe.error_code() == grpc::StatusCode::UNIMPLEMENTED ||
            probe.error_code() == grpc::StatusCode::UNAVAILABLE) {
          p.not_measured = absl::StrCat("first call answered ", StatusCodeName(probe.error_code()),
                                        ": ", probe.error_message());
        }
      }
    }
    if (!p.not_measured.empty())
      Progress(absl::StrCat(spec->name, " not measured: ", p.not_measured));
    scenarios.push_back(std::move(p));
  }

  auto run_one = [&](Prepared& p, std::vector<RunResult>* into, int round) -> bool {
    auto result = RunLoad(*p.workload, *p.channels, load, p.servers);
    if (!result.ok()) {
      Progress(absl::StrCat(p.spec->name, ": ", result.status().ToString()));
      return false;
    }
    Progress(
        absl::StrFormat("round %d/%d %-18s %9.0f qps  p50 %6.0f us  p99 %6.0f us  "
                        "refusals %d  errors %d",
                        round + 1, rounds, p.spec->name, result->Qps(), result->LatencyMicros(50),
                        result->LatencyMicros(99), result->refusals, result->errors));
    into->push_back(*std::move(result));
    return true;
  };

  // The raw argon2id rate (the ceiling of Login), measured right after each
  // Login run so it sees the same machine load; once after the rounds with
  // --argon2_reference alone.
  bool argon2_enabled = absl::GetFlag(FLAGS_argon2_reference);
  for (const ScenarioSpec* spec : *selected) argon2_enabled |= spec->name == "Login";
  Argon2Options argon2_options;
  argon2_options.threads = std::max(1, absl::GetFlag(FLAGS_argon2_threads));
  argon2_options.duration = absl::Seconds(absl::GetFlag(FLAGS_argon2_seconds));
  std::vector<Argon2Result> argon2_runs;
  auto measure_argon2 = [&](int round) -> bool {
    auto measured = MeasureArgon2(argon2_options);
    if (!measured.ok()) {
      Progress(absl::StrCat("argon2 reference: ", measured.status().ToString()));
      return false;
    }
    Progress(absl::StrFormat("round %d/%d %-18s %9.1f hashes/s on %d threads", round + 1, rounds,
                             "argon2 (reference)", measured->HashesPerSecond(), measured->threads));
    argon2_runs.push_back(*measured);
    return true;
  };

  std::vector<RunResult> all_baseline_runs;
  bool any_scenario = false;
  for (const Prepared& p : scenarios) any_scenario |= p.not_measured.empty();
  for (int round = 0; round < rounds; ++round) {
    if (!any_scenario) {
      if (!run_one(reference, &all_baseline_runs, round)) return 1;
      continue;
    }
    for (Prepared& p : scenarios) {
      if (!p.not_measured.empty()) continue;
      if (!run_one(reference, &p.baseline_runs, round)) return 1;
      all_baseline_runs.push_back(p.baseline_runs.back());
      if (!run_one(p, &p.runs, round)) return 1;
      if (argon2_enabled && p.spec->name == "Login" && !measure_argon2(round)) return 1;
    }
  }

  std::vector<ScenarioSummary> summaries;
  ScenarioSummary base = Summarize(baseline_spec->name, all_baseline_runs, all_baseline_runs);
  base.description = baseline_spec->description;
  summaries.push_back(base);
  for (const Prepared& p : scenarios) {
    ScenarioSummary s = Summarize(p.spec->name, p.runs, p.baseline_runs);
    s.description = p.spec->description;
    if (!p.not_measured.empty()) {
      s.measured = false;
      s.not_measured_reason = p.not_measured;
    }
    summaries.push_back(std::move(s));
  }

  RunInfo info;
  info.streams = load.streams;
  info.channels = channel_count;
  info.warmup_seconds = absl::ToDoubleSeconds(load.warmup);
  info.duration_seconds = absl::ToDoubleSeconds(load.duration);
  info.requests = load.requests;
  info.rounds = rounds;
  info.targets = suite ? "spawned" : (needs_catalog ? "external" : "baseline only");
  info.log_level = log_level;
  info.access_log_sample_rate = sample_rate;
  info.machine = DescribeMachine();
  info.started_at = started_at;
  info.load_average_start = load_average_start;
  info.load_average_end = LoadAverage();

  // The argon2 reference, reported beside Login.
  if (argon2_enabled && argon2_runs.empty()) {
    if (!measure_argon2(rounds - 1)) return 1;
  }
  if (!argon2_runs.empty()) {
    std::vector<double> rates;
    std::string each;
    for (const Argon2Result& r : argon2_runs) {
      rates.push_back(r.HashesPerSecond());
      absl::StrAppend(
          &each, each.empty() ? "" : ", ",
          absl::StrFormat("%llu in %.2f s", static_cast<unsigned long long>(r.hashes), r.seconds));
    }
    const double rate = Median(rates);
    notes.push_back(absl::StrFormat(
        "argon2 reference: argon2id m=%u KiB t=%u p=%u on %d threads (libargon2, no RPC): "
        "median %.1f hashes/s over %d run(s) (%s)",
        argon2_options.memory_kib, argon2_options.iterations, argon2_options.parallelism,
        argon2_options.threads, rate, static_cast<int>(argon2_runs.size()), each));
    for (const ScenarioSummary& s : summaries) {
      if (s.name != "Login" || !s.measured || rate <= 0) continue;
      const double ratio = s.scenario.qps / rate;
      std::string pairs;
      for (size_t i = 0; i < s.run_qps.size() && i < rates.size(); ++i) {
        absl::StrAppend(&pairs, pairs.empty() ? "" : ", ",
                        absl::StrFormat("%.2f", Ratio(s.run_qps[i], rates[i])));
      }
      notes.push_back(absl::StrFormat(
          "Login: %.1f qps = %.2fx the raw argon2id rate (target >= 0.90x: %s; per round %s); "
          "refusals (RESOURCE_EXHAUSTED, throttled) %llu, errors %llu",
          s.scenario.qps, ratio, ratio >= 0.9 ? "met" : "NOT met", pairs,
          static_cast<unsigned long long>(s.scenario.refusals),
          static_cast<unsigned long long>(s.scenario.errors)));
    }
  }

  for (const ScenarioSummary& s : summaries) {
    if (s.name != "ValidateSession" || !s.measured) continue;
    notes.push_back(absl::StrFormat(
        "ValidateSession: %.0f qps = %.2fx the baseline's %.0f (target >= 0.60x: %s)",
        s.scenario.qps, s.qps_ratio, s.baseline.qps, s.qps_ratio >= 0.6 ? "met" : "NOT met"));
  }
  std::string table = FormatTable(info, summaries);
  for (const std::string& note : notes) absl::StrAppend(&table, note, "\n");
  if (absl::GetFlag(FLAGS_json)) {
    std::fprintf(stderr, "\n%s", table.c_str());
    for (const ScenarioSummary& s : summaries) std::printf("%s\n", FormatJson(info, s).c_str());
  } else {
    std::printf("\n%s", table.c_str());
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace codingahead::loadgen

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "ca-loadgen [--scenarios=baseline,GetCode,...] [--spawn_suite] [--json]: "
      "closed-loop gRPC "
      "load, each scenario beside an empty-RPC baseline from the same session");
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::loadgen::Main();
}
