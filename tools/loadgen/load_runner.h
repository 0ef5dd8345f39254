#ifndef CODINGAHEAD_TOOLS_LOADGEN_LOAD_RUNNER_H_
#define CODINGAHEAD_TOOLS_LOADGEN_LOAD_RUNNER_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/loadgen/scenario.h"
#include "tools/loadgen/stats.h"

// The closed-loop driver: `streams` calls outstanding at all times, spread
// over `channels` separate connections, each stream starting its next call
// as soon as the previous one finishes (gRPC callback API, no thread per
// stream).
namespace codingahead::loadgen {

struct LoadOptions {
  int streams = 8;
  // Calls made during the warm-up are not counted (connections, caches,
  // the server's thread pools settle).
  absl::Duration warmup = absl::Seconds(2);
  // The measured window; with `requests` > 0, its upper bound.
  absl::Duration duration = absl::Seconds(10);
  // When > 0, the window ends at the requests-th completed call.
  uint64_t requests = 0;
  // Deadline of each call.
  absl::Duration call_timeout = absl::Seconds(5);
};

// A server process whose CPU is charged to the run.
struct ServerProcess {
  std::string name;  // "catalog"
  pid_t pid = 0;
};

// `count` channels to `target` that do not share connections
// (GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL), each connected before returning
// (or after `connect_timeout`, whatever comes first).
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count,
                                                         absl::Duration connect_timeout);

// Runs `workload` closed-loop over `channels` (stream i uses channel
// i % channels.size()). Counts every call completed in the measured window;
// client CPU from getrusage, server CPU from /proc/<pid>/stat of `servers`.
absl::StatusOr<RunResult> RunLoad(Workload& workload,
                                  const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                                  const LoadOptions& options,
                                  const std::vector<ServerProcess>& servers);

// One call through a fresh slot of `workload`: the status a scenario's calls
// get, to refuse measuring a service that answers UNIMPLEMENTED.
grpc::Status ProbeOnce(Workload& workload, const std::shared_ptr<grpc::Channel>& channel,
                       absl::Duration timeout);

// "RESOURCE_EXHAUSTED" for grpc::StatusCode::RESOURCE_EXHAUSTED, etc.
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_LOAD_RUNNER_H_
