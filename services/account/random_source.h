#ifndef CODINGAHEAD_SERVICES_ACCOUNT_RANDOM_SOURCE_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_RANDOM_SOURCE_H_

#include <cstdint>
#include <string>

#include "absl/types/span.h"

namespace codingahead::account {

// Where session secrets, guest ids and password salts come from.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with random bytes; never fails (aborts if the OS cannot).
  virtual void Fill(absl::Span<uint8_t> out) = 0;

  std::string Bytes(size_t n);
};

// The OS CSPRNG (getrandom(2)). Thread-safe.
class OsRandom final : public RandomSource {
 public:
  void Fill(absl::Span<uint8_t> out) override;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_RANDOM_SOURCE_H_
