#include "tools/loadgen/processes.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/metadata.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace codingahead::loadgen {
namespace {

bool Serving(const std::string& target) {
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckResponse response;
  return stub->Check(&context, grpc::health::v1::HealthCheckRequest(), &response).ok() &&
         response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

absl::Status WriteSecret(const std::string& path, const std::string& value) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << value << "\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  chmod(path.c_str(), 0600);
  return absl::OkStatus();
}

}  // namespace

std::string FileTail(const std::string& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& line : tail) absl::StrAppend(&out, line, "\n");
  return out;
}

std::vector<std::string> CommonServiceFlags(const std::string& log_level,
                                            double access_log_sample_rate) {
  return {"--metrics_listen=off", absl::StrCat("--log_level=", log_level),
          absl::StrCat("--access_log_sample_rate=", access_log_sample_rate)};
}

ChildService::ChildService(std::string name, testing::Subprocess process, int port,
                           std::string log_path)
    : name_(std::move(name)),
      process_(std::move(process)),
      port_(port),
      log_path_(std::move(log_path)) {}

ChildService::~ChildService() {
  // Graceful, as in production; Stop() falls back to SIGKILL.
  (void)process_.Stop(SIGTERM, absl::Seconds(15));
}

std::string ChildService::target() const { return absl::StrCat("127.0.0.1:", port_); }

absl::StatusOr<std::unique_ptr<ChildService>> ChildService::Start(
    const std::string& name, const std::string& binary, const std::string& log_dir,
    const std::vector<std::string>& flags, absl::Duration timeout) {
  if (access(binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(name, ": no executable at ", binary));
  }
  int port = testing::PickFreePort();
  if (port <= 0) return absl::InternalError("no free port");
  std::vector<std::string> argv = {binary, absl::StrCat("--listen=127.0.0.1:", port)};
  argv.insert(argv.end(), flags.begin(), flags.end());
  std::string log_path = absl::StrCat(log_dir, "/", name, ".log");
  auto process = testing::Subprocess::Start({argv, log_path, "", ""});
  if (!process.ok()) return process.status();
  std::unique_ptr<ChildService> child(new ChildService(name, *std::move(process), port, log_path));
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    auto exited = child->process_.Wait(absl::ZeroDuration());
    if (exited.ok()) {
      return absl::UnavailableError(absl::StrCat(name, " exited (status ", *exited,
                                                 ") before serving; ", log_path, ":\n",
                                                 FileTail(log_path)));
    }
    if (testing::PortAcceptsConnections(port) && Serving(child->target())) return child;
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(name, " did not become healthy in ",
                                                      absl::FormatDuration(timeout), "; ", log_path,
                                                      ":\n", FileTail(log_path)));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

std::optional<pid_t> RedisPid(int port) {
  timeval timeout{2, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (c == nullptr) return std::nullopt;
  std::optional<pid_t> pid;
  if (c->err == 0) {
    auto* reply = static_cast<redisReply*>(redisCommand(c, "INFO server"));
    if (reply != nullptr && reply->type == REDIS_REPLY_STRING) {
      for (absl::string_view line : absl::StrSplit(absl::string_view(reply->str, reply->len),
                                                   absl::ByAnyChar("\r\n"), absl::SkipEmpty())) {
        int value = 0;
        if (absl::ConsumePrefix(&line, "process_id:") && absl::SimpleAtoi(line, &value)) {
          pid = value;
        }
      }
    }
    if (reply != nullptr) freeReplyObject(reply);
  }
  redisFree(c);
  return pid;
}

std::optional<pid_t> PidFromFile(const std::string& dir, const std::string& name) {
  std::ifstream in(absl::StrCat(dir, "/", name, ".pid"));
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  int pid = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &pid) || pid <= 0) return std::nullopt;
  if (::kill(pid, 0) != 0) return std::nullopt;
  return pid;
}

absl::StatusOr<std::unique_ptr<SpawnedSuite>> SpawnedSuite::Start(const SuiteOptions& options) {
  std::unique_ptr<SpawnedSuite> suite(new SpawnedSuite(options));
  const std::string& dir = options.work_dir;

  // A fresh catalog snapshot.
  std::string import_log = dir + "/import.log";
  std::vector<std::string> import_args = {
      options.import_binary, absl::StrCat("--hcpcs_dir=", options.hcpcs_dir),
      absl::StrCat("--cpt_file=", options.cpt_file), absl::StrCat("--out_dir=", dir, "/catalog")};
  // ICD-10-CM FY2026 beside the HCPCS folder, when present: the search
  // scenarios ask for its index terms too (docs/search.md).
  if (const std::string icd = options.hcpcs_dir + "/../icd10cm/2026";
      ::access(icd.c_str(), R_OK) == 0) {
    import_args.push_back(absl::StrCat("--icd10cm_dir=", icd));
  }
  if (!options.edits_dir.empty()) {
    // The CheckEdits scenario's tables (docs/edits.md).
    const std::string& e = options.edits_dir;
    for (std::string arg :
         {absl::StrCat("--ncci_ptp_practitioner_file=", e, "/ncci_ptp_practitioner_2026q1.txt"),
          absl::StrCat("--ncci_ptp_hospital_file=", e, "/ncci_ptp_hospital_2026q1.txt"),
          absl::StrCat("--mue_practitioner_file=", e, "/mue_practitioner_2026q1.csv"),
          absl::StrCat("--mue_hospital_file=", e, "/mue_hospital_2026q1.csv"),
          absl::StrCat("--mue_dme_file=", e, "/mue_dme_2026q1.csv"),
          absl::StrCat("--pfs_rvu_file=", e, "/pfs_rvu_2026q1.csv"),
          std::string("--edits_quarter=2026Q1")}) {
      import_args.push_back(std::move(arg));
    }
  }
  auto imported =
      testing::RunCommand({std::move(import_args), import_log, "", ""}, absl::Minutes(5));
  if (!imported.ok() || *imported != 0) {
    return absl::InternalError(absl::StrCat(
        "ca-import failed (",
        imported.ok() ? absl::StrCat("exit ", *imported) : imported.status().ToString(), "):\n",
        FileTail(import_log)));
  }

  // Credentials for this session only.
  std::string creds = suite->credentials_dir();
  mkdir(creds.c_str(), 0700);
  std::string service_file = creds + "/service-credential";
  std::string operator_file = creds + "/operator-credential";
  if (auto s = WriteSecret(service_file, common::NewRandomId() + common::NewRandomId()); !s.ok()) {
    return s;
  }
  if (auto s = WriteSecret(operator_file, common::NewRandomId() + common::NewRandomId()); !s.ok()) {
    return s;
  }

  std::vector<std::string> common_flags =
      CommonServiceFlags(options.log_level, options.access_log_sample_rate);
  std::string account_target;
  if (options.with_account) {
    auto redis = testing::RedisServer::Start({});
    if (!redis.ok()) return redis.status();
    suite->redis_ = *std::move(redis);
    suite->redis_pid_ = RedisPid(suite->redis_->port()).value_or(0);
    auto postgres = testing::PostgresServer::Start();
    if (!postgres.ok()) return postgres.status();
    suite->postgres_ = *std::move(postgres);
    auto db_url = suite->postgres_->CreateDatabase("loadgen_account");
    if (!db_url.ok()) return db_url.status();

    std::vector<std::string> flags = common_flags;
    flags.push_back(absl::StrCat("--redis_url=", suite->redis_->url()));
    flags.push_back(absl::StrCat("--postgres_url=", *db_url));
    flags.push_back(absl::StrCat("--service_credentials_file=", service_file));
    flags.push_back(absl::StrCat("--operator_credentials_file=", operator_file));
    auto account =
        ChildService::Start("account", options.account_binary, dir, flags, options.start_timeout);
    if (account.ok()) {
      suite->account_ = *std::move(account);
      account_target = suite->account_->target();
    } else {
      suite->account_error_ = account.status().ToString();
    }
  } else {
    suite->account_error_ = "not started (no selected scenario needs it)";
  }
  // Without an account service the catalog points at a closed port, never at
  // a suite that may be running on the default ports.
  if (account_target.empty()) {
    account_target = absl::StrCat("127.0.0.1:", testing::PickFreePort());
  }

  std::vector<std::string> flags = common_flags;
  flags.push_back(absl::StrCat("--snapshot_dir=", suite->snapshot_dir()));
  if (!options.content_file.empty()) {
    flags.push_back(absl::StrCat("--content_file=", options.content_file));
  }
  flags.push_back(absl::StrCat("--account_target=", account_target));
  flags.push_back(absl::StrCat("--client_credential_file=", service_file));
  flags.push_back(absl::StrCat("--service_credentials_file=", service_file));
  auto catalog =
      ChildService::Start("catalog", options.catalog_binary, dir, flags, options.start_timeout);
  if (!catalog.ok()) return catalog.status();
  suite->catalog_ = *std::move(catalog);
  return suite;
}

SpawnedSuite::~SpawnedSuite() {
  // Callers first, then what they call, then the stores.
  catalog_.reset();
  account_.reset();
  postgres_.reset();
  redis_.reset();
}

std::vector<std::pair<std::string, pid_t>> SpawnedSuite::pids() const {
  std::vector<std::pair<std::string, pid_t>> out;
  if (catalog_) out.emplace_back("catalog", catalog_->pid());
  if (account_) out.emplace_back("account", account_->pid());
  if (redis_pid_ > 0) out.emplace_back("redis", redis_pid_);
  return out;
}

}  // namespace codingahead::loadgen
