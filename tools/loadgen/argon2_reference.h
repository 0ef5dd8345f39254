#ifndef CODINGAHEAD_TOOLS_LOADGEN_ARGON2_REFERENCE_H_
#define CODINGAHEAD_TOOLS_LOADGEN_ARGON2_REFERENCE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

// The raw argon2id hash rate of this machine, measured with libargon2 directly
// (no gRPC, no Redis, no PostgreSQL): the ceiling a Login scenario is compared
// with, since each Login is one argon2id verify.
namespace codingahead::loadgen {

struct Argon2Options {
  // The account service's parameters (services/account/password_hasher.h).
  uint32_t memory_kib = 19 * 1024;
  uint32_t iterations = 2;
  uint32_t parallelism = 1;
  // Hashing threads: ca-account's --hash_threads (2) is the fair comparison.
  int threads = 2;
  absl::Duration duration = absl::Seconds(4);
};

struct Argon2Result {
  uint64_t hashes = 0;
  double seconds = 0;
  int threads = 0;
  double HashesPerSecond() const { return seconds > 0 ? hashes / seconds : 0; }
};

// Hashes a fixed password with a fixed salt on `threads` threads until
// `duration` has passed (each thread finishes its hash in flight). Internal
// when libargon2 fails, InvalidArgument for threads < 1.
absl::StatusOr<Argon2Result> MeasureArgon2(const Argon2Options& options);

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_ARGON2_REFERENCE_H_
