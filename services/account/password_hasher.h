#ifndef CODINGAHEAD_SERVICES_ACCOUNT_PASSWORD_HASHER_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_PASSWORD_HASHER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/account/random_source.h"

namespace codingahead::account {

// Password hashing. Deliberately slow and memory-hungry: call it from the
// hashing thread pool, never from a gRPC reactor thread.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  // The encoded PHC string ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash").
  virtual absl::StatusOr<std::string> Hash(absl::string_view password) = 0;
  // True when `password` matches `encoded`; false for a mismatch or an
  // encoded string that does not decode.
  virtual bool Verify(absl::string_view encoded, absl::string_view password) = 0;
  // Does the work of one Verify against a hash no password matches, so an
  // unknown email costs as much time as a wrong password. Returns false.
  virtual bool VerifyDummy(absl::string_view password) = 0;
  // True when `encoded` was made with other parameters than the configured
  // ones (or does not parse): rehash the password at the next login.
  virtual bool NeedsRehash(absl::string_view encoded) const = 0;
};

struct Argon2Params {
  uint32_t memory_kib = 19 * 1024;  // m = 19 MiB
  uint32_t iterations = 2;          // t
  uint32_t parallelism = 1;         // p
  uint32_t salt_bytes = 16;
  uint32_t hash_bytes = 32;
};

// argon2id (libargon2) with a CSPRNG salt; verifies with argon2_verify, so a
// stored hash keeps working after the parameters change.
class Argon2idHasher final : public PasswordHasher {
 public:
  // `random` must outlive the hasher. Computes the dummy hash (one hashing).
  Argon2idHasher(RandomSource* random, Argon2Params params = {});

  absl::StatusOr<std::string> Hash(absl::string_view password) override;
  bool Verify(absl::string_view encoded, absl::string_view password) override;
  bool VerifyDummy(absl::string_view password) override;
  bool NeedsRehash(absl::string_view encoded) const override;

 private:
  RandomSource* random_;
  Argon2Params params_;
  std::string dummy_;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_PASSWORD_HASHER_H_
