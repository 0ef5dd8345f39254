#include "services/account/password_hasher.h"

#include <argon2.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace codingahead::account {

Argon2idHasher::Argon2idHasher(RandomSource* random, Argon2Params params)
    : random_(random), params_(params) {
  // A hash of a random password nobody knows: verifying against it costs
  // what a real verification costs and never succeeds.
  absl::StatusOr<std::string> dummy = Hash(random_->Bytes(32));
  dummy_ = dummy.ok() ? *std::move(dummy) : std::string();
}

absl::StatusOr<std::string> Argon2idHasher::Hash(absl::string_view password) {
  std::string salt = random_->Bytes(params_.salt_bytes);
  size_t encoded_len =
      argon2_encodedlen(params_.iterations, params_.memory_kib, params_.parallelism,
                        params_.salt_bytes, params_.hash_bytes, Argon2_id);
  std::string encoded(encoded_len, '\0');
  int rc = argon2id_hash_encoded(params_.iterations, params_.memory_kib, params_.parallelism,
                                 password.data(), password.size(), salt.data(), salt.size(),
                                 params_.hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return absl::InternalError(absl::StrCat("password hashing failed: ", argon2_error_message(rc)));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool Argon2idHasher::Verify(absl::string_view encoded, absl::string_view password) {
  // argon2_verify needs a NUL-terminated string.
  std::string phc(encoded);
  return argon2_verify(phc.c_str(), password.data(), password.size(), Argon2_id) == ARGON2_OK;
}

bool Argon2idHasher::VerifyDummy(absl::string_view password) {
  Verify(dummy_, password);
  return false;
}

bool Argon2idHasher::NeedsRehash(absl::string_view encoded) const {
  // "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"
  const std::string prefix = absl::StrCat("$argon2id$v=", static_cast<int>(ARGON2_VERSION_NUMBER),
                                          "$m=", params_.memory_kib, ",t=", params_.iterations,
                                          ",p=", params_.parallelism, "$");
  return !absl::StartsWith(encoded, prefix);
}

}  // namespace codingahead::account
