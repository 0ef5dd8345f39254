#include "tools/loadgen/argon2_reference.h"

#include <argon2.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace codingahead::loadgen {

absl::StatusOr<Argon2Result> MeasureArgon2(const Argon2Options& options) {
  if (options.threads < 1) return absl::InvalidArgumentError("argon2 threads must be >= 1");
  const std::string password = "loadgen-password-0123456789-abcdef";
  const std::string salt = "0123456789abcdef";  // 16 bytes, like the service's
  std::atomic<uint64_t> hashes{0};
  std::atomic<int> error{ARGON2_OK};
  const absl::Time start = absl::Now();
  const absl::Time end = start + options.duration;
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) {
    threads.emplace_back([&] {
      unsigned char out[32];
      do {
        int rc = argon2id_hash_raw(options.iterations, options.memory_kib, options.parallelism,
                                   password.data(), password.size(), salt.data(), salt.size(), out,
                                   sizeof(out));
        if (rc != ARGON2_OK) {
          error = rc;
          return;
        }
        ++hashes;
      } while (absl::Now() < end);
    });
  }
  for (auto& t : threads) t.join();
  if (error != ARGON2_OK) {
    return absl::InternalError(absl::StrCat("argon2id_hash_raw: ", argon2_error_message(error)));
  }
  Argon2Result result;
  result.hashes = hashes;
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  result.threads = options.threads;
  return result;
}

}  // namespace codingahead::loadgen
