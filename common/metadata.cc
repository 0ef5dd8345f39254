#include "common/metadata.h"

#include <arpa/inet.h>
#include <sys/random.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace codingahead::common {
namespace {

absl::StatusOr<std::vector<std::string>> ReadCredentialFile(const std::string& path) {
  std::vector<std::string> out;
  if (path.empty()) return out;
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read credentials file ", path));
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    absl::string_view value = absl::StripAsciiWhitespace(line);
    if (value.empty() || absl::StartsWith(value, "#")) continue;
    if (value.size() < 32) {
      return absl::FailedPreconditionError(absl::StrCat("credential on line ", line_number, " of ",
                                                        path, " is shorter than 32 characters"));
    }
    out.emplace_back(value);
  }
  return out;
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

std::optional<std::string> GetMetadata(const grpc::ServerContextBase& context,
                                       absl::string_view key) {
  const auto& md = context.client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

absl::StatusOr<std::string> BearerToken(const grpc::ServerContextBase& context) {
  auto header = GetMetadata(context, kAuthorizationHeader);
  if (!header.has_value()) {
    return absl::UnauthenticatedError(
        "missing session: send metadata 'authorization: Bearer <session token>'");
  }
  absl::string_view value = *header;
  if (!absl::ConsumePrefix(&value, "Bearer ") && !absl::ConsumePrefix(&value, "bearer ")) {
    return absl::UnauthenticatedError(
        "malformed authorization metadata: expected 'Bearer <session token>'");
  }
  value = absl::StripAsciiWhitespace(value);
  if (value.empty()) return absl::UnauthenticatedError("empty session token");
  return std::string(value);
}

CallerCredentials::CallerCredentials(std::vector<std::string> service_credentials,
                                     std::vector<std::string> operator_credentials)
    : service_(std::move(service_credentials)), operator_(std::move(operator_credentials)) {}

absl::StatusOr<CallerCredentials> CallerCredentials::LoadFromFiles(
    const std::string& service_credentials_file, const std::string& operator_credentials_file) {
  auto services = ReadCredentialFile(service_credentials_file);
  if (!services.ok()) return services.status();
  auto operators = ReadCredentialFile(operator_credentials_file);
  if (!operators.ok()) return operators.status();
  return CallerCredentials(*std::move(services), *std::move(operators));
}

bool CallerCredentials::Matches(const std::vector<std::string>& known,
                                absl::string_view presented) {
  bool found = false;
  // Compare against every entry so timing does not tell which one matched.
  for (const auto& k : known) found |= ConstantTimeEquals(k, presented);
  return found;
}

bool CallerCredentials::IsTrustedService(const grpc::ServerContextBase& context) const {
  // A certificate signed by the suite's CA, verified by the TLS handshake
  // (common/tls.h), is a service identity too (DESIGN.md §3).
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) return true;
  auto presented = GetMetadata(context, kServiceCredentialHeader);
  if (!presented.has_value() || presented->empty()) return false;
  return Matches(service_, *presented) || Matches(operator_, *presented);
}

bool CallerCredentials::IsOperator(const grpc::ServerContextBase& context) const {
  auto presented = GetMetadata(context, kServiceCredentialHeader);
  if (!presented.has_value() || presented->empty()) return false;
  return Matches(operator_, *presented);
}

absl::Status CallerCredentials::RequireOperator(const grpc::ServerContextBase& context) const {
  if (IsOperator(context)) return absl::OkStatus();
  return absl::PermissionDeniedError("this RPC needs an operator credential");
}

std::optional<std::string> CanonicalIp(absl::string_view text) {
  std::string s(absl::StripAsciiWhitespace(text));
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  char buf[INET6_ADDRSTRLEN];
  in_addr v4;
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    inet_ntop(AF_INET, &v4, buf, sizeof(buf));
    return std::string(buf);
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    inet_ntop(AF_INET6, &v6, buf, sizeof(buf));
    return std::string(buf);
  }
  return std::nullopt;
}

std::string PeerHost(absl::string_view peer) {
  absl::string_view rest = peer;
  if (absl::ConsumePrefix(&rest, "ipv4:")) {
    size_t colon = rest.rfind(':');
    return std::string(colon == absl::string_view::npos ? rest : rest.substr(0, colon));
  }
  if (absl::ConsumePrefix(&rest, "ipv6:")) {
    if (absl::ConsumePrefix(&rest, "[")) {
      size_t end = rest.find(']');
      absl::string_view host = rest.substr(0, end);
      // Drop a zone id ("%eth0").
      size_t pct = host.find("%25");
      if (pct == absl::string_view::npos) pct = host.find('%');
      if (pct != absl::string_view::npos) host = host.substr(0, pct);
      auto canonical = CanonicalIp(host);
      return canonical.has_value() ? *canonical : std::string(host);
    }
  }
  return std::string(peer);
}

std::string ClientAddress(const grpc::ServerContextBase& context, bool caller_is_trusted) {
  if (caller_is_trusted) {
    auto header = GetMetadata(context, kClientIpHeader);
    if (header.has_value()) {
      auto ip = CanonicalIp(*header);
      if (ip.has_value()) return *ip;
    }
  }
  return PeerHost(context.peer());
}

std::string NewRandomId() {
  unsigned char bytes[16];
  size_t filled = 0;
  while (filled < sizeof(bytes)) {
    ssize_t n = getrandom(bytes + filled, sizeof(bytes) - filled, 0);
    if (n > 0) filled += static_cast<size_t>(n);
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  auto header = GetMetadata(context, kRequestIdHeader);
  if (header.has_value() && !header->empty() && header->size() <= 128) {
    bool printable = true;
    for (char c : *header) printable &= (c > 0x20 && c < 0x7F);
    if (printable) return *header;
  }
  return NewRandomId();
}

}  // namespace codingahead::common
