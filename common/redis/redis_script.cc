#include "common/redis/redis_script.h"

#include <openssl/evp.h>

#include <utility>

#include "absl/strings/escaping.h"

namespace codingahead::common {

std::string Sha1Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest only fails on allocation failure; an empty hash then makes
  // every EVALSHA answer NOSCRIPT, which Eval handles by sending the source.
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(),
                 nullptr) != 1) {
    return "";
  }
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), static_cast<size_t>(length)));
}

RedisScript::RedisScript(std::string lua_source)
    : source_(std::move(lua_source)), sha_(Sha1Hex(source_)) {}

}  // namespace codingahead::common
