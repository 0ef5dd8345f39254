#ifndef CODINGAHEAD_TOOLS_LOADGEN_PROCESSES_H_
#define CODINGAHEAD_TOOLS_LOADGEN_PROCESSES_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/testing/postgres_server.h"
#include "common/testing/redis_server.h"
#include "common/testing/subprocess.h"

// The processes the load generator starts: the empty-RPC baseline server and,
// with --spawn_suite, real Redis, PostgreSQL, ca-account and ca-catalog on
// free ports with a freshly imported catalog.
namespace codingahead::loadgen {

// A gRPC service binary on a free 127.0.0.1 port, ready once grpc.health.v1
// reports SERVING. Output goes to `<log_dir>/<name>.log`. SIGTERM (then
// SIGKILL) when destroyed.
class ChildService {
 public:
  static absl::StatusOr<std::unique_ptr<ChildService>> Start(const std::string& name,
                                                             const std::string& binary,
                                                             const std::string& log_dir,
                                                             const std::vector<std::string>& flags,
                                                             absl::Duration timeout);
  ~ChildService();

  const std::string& name() const { return name_; }
  std::string target() const;
  pid_t pid() const { return process_.pid(); }
  const std::string& log_path() const { return log_path_; }

 private:
  ChildService(std::string name, testing::Subprocess process, int port, std::string log_path);
  std::string name_;
  testing::Subprocess process_;
  int port_;
  std::string log_path_;
};

// The last `lines` lines of a file, for error messages.
std::string FileTail(const std::string& path, int lines = 20);

// The flags every process started here gets: logs at `log_level`, access
// logs sampled at `access_log_sample_rate`, no metrics listener (so nothing
// clashes with a suite already running on the default ports).
std::vector<std::string> CommonServiceFlags(const std::string& log_level,
                                            double access_log_sample_rate);

struct SuiteOptions {
  std::string work_dir;  // logs, catalog, credentials
  std::string import_binary;
  std::string catalog_binary;
  std::string account_binary;
  std::string hcpcs_dir;
  std::string cpt_file;
  std::string content_file;
  // Folder of the NCCI PTP / MUE / PFS fixture tables (tools/importer/testdata,
  // quarter 2026 Q1) imported with the catalog for CheckEdits; empty: none.
  std::string edits_dir;
  std::string log_level = "info";
  double access_log_sample_rate = 0.01;
  bool with_account = true;
  absl::Duration start_timeout = absl::Seconds(60);
};

// The suite for one measuring session. Stops everything when destroyed.
class SpawnedSuite {
 public:
  static absl::StatusOr<std::unique_ptr<SpawnedSuite>> Start(const SuiteOptions& options);
  ~SpawnedSuite();

  std::string catalog_target() const { return catalog_->target(); }
  // Empty when the account service did not start (see account_error()).
  std::string account_target() const { return account_ ? account_->target() : ""; }
  const std::string& account_error() const { return account_error_; }
  std::string snapshot_dir() const { return options_.work_dir + "/catalog"; }
  std::string credentials_dir() const { return options_.work_dir + "/credentials"; }
  // Pids by process name ("catalog", "account", "redis") for CPU figures.
  std::vector<std::pair<std::string, pid_t>> pids() const;

 private:
  explicit SpawnedSuite(SuiteOptions options) : options_(std::move(options)) {}
  SuiteOptions options_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::PostgresServer> postgres_;
  std::unique_ptr<ChildService> account_;
  std::unique_ptr<ChildService> catalog_;
  std::string account_error_;
  pid_t redis_pid_ = 0;
};

// The pid a Redis server reports in INFO server (process_id), or nullopt.
std::optional<pid_t> RedisPid(int port);

// The pid in `<dir>/<name>.pid` (as scripts/up.sh writes them), when that
// process is alive.
std::optional<pid_t> PidFromFile(const std::string& dir, const std::string& name);

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_PROCESSES_H_
