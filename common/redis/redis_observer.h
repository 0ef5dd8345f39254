#ifndef CODINGAHEAD_COMMON_REDIS_REDIS_OBSERVER_H_
#define CODINGAHEAD_COMMON_REDIS_REDIS_OBSERVER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace codingahead::common {

// What RedisClient reports after each call, for metrics
// (`codingahead_redis_operations_total{operation,code}`,
// `codingahead_redis_errors_total`, `codingahead_redis_duration_seconds`).
struct RedisOperationInfo {
  // Upper-cased command name ("GET", "INCR"), "PIPELINE" or "EVALSHA".
  // Bounded by the commands the code sends, so usable as a metric label.
  absl::string_view operation;
  absl::StatusCode code = absl::StatusCode::kOk;  // the call's status code
  bool error_reply = false;                       // Redis answered an error (any, in a pipeline)
  bool script_reloaded = false;                   // Eval had to send the source (NOSCRIPT)
  absl::Duration latency;                         // including the wait for a pooled connection
};

// Optional hook RedisClient calls synchronously on the calling thread; it
// must be thread-safe and cheap (count, do not block). A later change wires
// Prometheus behind it; this library has no Prometheus dependency.
class RedisObserver {
 public:
  virtual ~RedisObserver() = default;
  virtual void OnOperation(const RedisOperationInfo& info) {}
  // A new connection was attempted; `code` is kOk when it is usable.
  virtual void OnConnect(absl::StatusCode code) {}
};

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_REDIS_REDIS_OBSERVER_H_
