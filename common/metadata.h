#ifndef CODINGAHEAD_COMMON_METADATA_H_
#define CODINGAHEAD_COMMON_METADATA_H_

#include <grpcpp/server_context.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Who is calling and on whose behalf: session tokens, service and operator
// credentials, the end user's address, the request id (DESIGN.md §3).
namespace codingahead::common {

inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kServiceCredentialHeader[] = "x-service-credential";
inline constexpr char kClientIpHeader[] = "x-client-ip";
inline constexpr char kRequestIdHeader[] = "x-request-id";

// The value of metadata `key` sent by the client, if any.
std::optional<std::string> GetMetadata(const grpc::ServerContextBase& context,
                                       absl::string_view key);

// The session token from `authorization: Bearer <token>`.
// UNAUTHENTICATED when the header is missing or not a bearer token; the
// token's shape is checked by the account service, not here.
absl::StatusOr<std::string> BearerToken(const grpc::ServerContextBase& context);

// The credentials this server accepts. Each credential is a random string
// (>= 32 characters) handed to one front end or service; operators have their
// own. Comparisons are constant-time; the values are never logged.
class CallerCredentials {
 public:
  CallerCredentials() = default;
  CallerCredentials(std::vector<std::string> service_credentials,
                    std::vector<std::string> operator_credentials);

  // Loads credentials from files holding one credential per line (blank
  // lines and lines starting with '#' skipped). Empty paths load nothing.
  static absl::StatusOr<CallerCredentials> LoadFromFiles(
      const std::string& service_credentials_file, const std::string& operator_credentials_file);

  // True when the call carries a known service (or operator) credential, or
  // came over mTLS with a client certificate the server verified.
  bool IsTrustedService(const grpc::ServerContextBase& context) const;
  // True when the call carries a known operator credential.
  bool IsOperator(const grpc::ServerContextBase& context) const;

  // PERMISSION_DENIED unless the caller is an operator.
  absl::Status RequireOperator(const grpc::ServerContextBase& context) const;

 private:
  static bool Matches(const std::vector<std::string>& known, absl::string_view presented);
  std::vector<std::string> service_;
  std::vector<std::string> operator_;
};

// The end user's address: `x-client-ip` when the caller is a trusted service
// and the header holds a valid IP address; otherwise the transport peer's
// address. IPv6 addresses are returned in canonical form.
std::string ClientAddress(const grpc::ServerContextBase& context, bool caller_is_trusted);

// Parses the host part of a gRPC peer string ("ipv4:1.2.3.4:5",
// "ipv6:[::1]:5", "unix:/path"). Returns the input when it is not an IP.
std::string PeerHost(absl::string_view peer);

// Canonical text of an IPv4 or IPv6 address, or nullopt when `text` is not one.
std::optional<std::string> CanonicalIp(absl::string_view text);

// The request id from `x-request-id` when it is printable and at most 128
// bytes; otherwise a new random one (this service is the edge).
std::string RequestIdOf(const grpc::ServerContextBase& context);

// 128 random bits from the OS CSPRNG as 32 lowercase hex characters.
std::string NewRandomId();

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_METADATA_H_
