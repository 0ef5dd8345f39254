#ifndef CODINGAHEAD_COMMON_REDIS_REDIS_SCRIPT_H_
#define CODINGAHEAD_COMMON_REDIS_REDIS_SCRIPT_H_

#include <string>

namespace codingahead::common {

// A Lua script and its SHA-1 (lower-case hex, as Redis computes it), run with
// RedisClient::Eval: EVALSHA first, the full source only when the server
// answers NOSCRIPT (e.g. after a restart or SCRIPT FLUSH emptied its cache).
//
// Build each script once (for example as a member of the store that uses it)
// and reuse it: the hash is computed in the constructor. To stay Redis
// Cluster-ready, a script must touch only the KEYS it is given, all sharing
// one hash tag.
class RedisScript {
 public:
  explicit RedisScript(std::string lua_source);

  const std::string& source() const { return source_; }
  const std::string& sha() const { return sha_; }

 private:
  std::string source_;
  std::string sha_;
};

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_REDIS_REDIS_SCRIPT_H_
