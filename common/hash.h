#ifndef CODINGAHEAD_COMMON_HASH_H_
#define CODINGAHEAD_COMMON_HASH_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

// Digests for content identity (snapshot ids, source files, migration
// checksums, Redis script SHAs), from OpenSSL's libcrypto. Not for passwords.
namespace codingahead::common {

// Incremental SHA-256.
class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view data);
  // Returns the digest; the object must not be used afterwards.
  Digest Finish();

  // Lower-case hex digest of `data`.
  static std::string HexDigest(absl::string_view data);
  static std::string ToHex(const Digest& digest);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// Lower-case hex SHA-1 (what Redis names scripts by).
std::string Sha1Hex(absl::string_view data);

// Lower-case hex HMAC-SHA-256 (RFC 2104) of `data` under `key`: a keyed
// digest, for identifiers that must not be reversible by guessing the input
// (the login throttle's email owner).
std::string HmacSha256Hex(absl::string_view key, absl::string_view data);

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_HASH_H_
