#ifndef CODINGAHEAD_COMMON_REDIS_REDIS_URL_H_
#define CODINGAHEAD_COMMON_REDIS_REDIS_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace codingahead::common {

// Where a Redis server is and how to log in to it, parsed from
// `redis://[[user]:password@]host[:port][/db]`.
//
//   redis://127.0.0.1:6379/0
//   redis://:s3cret@redis.default.svc:6379/2   (password only: AUTH pw)
//   redis://app:s3cret@10.0.0.7/0              (ACL user: AUTH app pw)
//   redis://[::1]:6380                         (IPv6 literal in brackets)
//
// Port defaults to 6379 and db to 0. User and password are percent-decoded.
// `rediss://` (TLS), unix sockets and query parameters are refused: the
// hiredis build in use has no TLS and the suite only uses TCP.
struct RedisEndpoint {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string username;  // empty: `AUTH password` (or no AUTH at all)
  std::string password;  // empty: no AUTH. Never log it.

  // The URL with the password replaced by "***": safe for logs and errors.
  std::string RedactedUrl() const;
  // "host:port" (IPv6 hosts in brackets).
  std::string Address() const;
};

// InvalidArgument (never echoing the password) when `url` is malformed.
absl::StatusOr<RedisEndpoint> ParseRedisUrl(absl::string_view url);

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_REDIS_REDIS_URL_H_
