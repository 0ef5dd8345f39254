#include "common/redis/redis_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace codingahead::common {
namespace {

constexpr absl::string_view kScheme = "redis://";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Percent-decodes `in`; false on a malformed escape.
bool PercentDecode(absl::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = HexValue(in[i + 1]);
    int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// A non-negative decimal number of at most 9 digits, nothing else.
bool ParseDigits(absl::string_view text, int* value) {
  if (text.empty() || text.size() > 9) return false;
  int v = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

absl::Status Invalid(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad redis URL (want redis://[:password@]host[:port][/db]): ", why));
}

}  // namespace

std::string RedisEndpoint::Address() const {
  if (absl::StrContains(host, ':')) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

std::string RedisEndpoint::RedactedUrl() const {
  std::string auth;
  if (!username.empty() || !password.empty()) {
    auth = absl::StrCat(username, password.empty() ? "" : ":***", "@");
  }
  return absl::StrCat(kScheme, auth, Address(), "/", db);
}

absl::StatusOr<RedisEndpoint> ParseRedisUrl(absl::string_view url) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, kScheme)) {
    if (absl::StartsWith(url, "rediss://")) {
      return Invalid("TLS (rediss://) is not supported by this client");
    }
    return Invalid("scheme must be redis://");
  }
  if (absl::StrContains(rest, '?') || absl::StrContains(rest, '#')) {
    return Invalid("query parameters and fragments are not supported");
  }
  RedisEndpoint endpoint;

  // Authority ends at the first '/' after the userinfo.
  absl::string_view authority = rest;
  absl::string_view path;
  // Userinfo may contain '/' only percent-encoded, so split on the last '@'.
  size_t at = authority.rfind('@');
  size_t slash = authority.find('/', at == absl::string_view::npos ? 0 : at);
  if (slash != absl::string_view::npos) {
    path = authority.substr(slash + 1);
    authority = authority.substr(0, slash);
  }
  if (at != absl::string_view::npos) {
    absl::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    absl::string_view user = userinfo.substr(0, colon);
    if (!PercentDecode(user, &endpoint.username)) {
      return Invalid("malformed percent escape in user name");
    }
    if (colon != absl::string_view::npos &&
        !PercentDecode(userinfo.substr(colon + 1), &endpoint.password)) {
      // Deliberately vague: the text after ':' is the password.
      return Invalid("malformed percent escape in password");
    }
    if (endpoint.password.empty() && !endpoint.username.empty()) {
      return Invalid("a user name needs a password");
    }
  }

  absl::string_view port_text;
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return Invalid("unclosed '['");
    endpoint.host = std::string(authority.substr(1, close - 1));
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!absl::ConsumePrefix(&after, ":")) {
        return Invalid("junk after IPv6 address");
      }
      port_text = after;
      if (port_text.empty()) return Invalid("empty port");
    }
  } else {
    size_t colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return Invalid("empty port");
    }
  }
  if (endpoint.host.empty()) return Invalid("missing host");
  for (char c : endpoint.host) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '@' || c == '[' || c == ']' ||
        c == '%') {
      return Invalid("malformed host");
    }
  }
  if (!port_text.empty()) {
    int port = 0;
    if (!ParseDigits(port_text, &port) || port < 1 || port > 65535) {
      return Invalid(absl::StrCat("port must be 1..65535, got '", port_text, "'"));
    }
    endpoint.port = port;
  }
  if (!path.empty()) {
    int db = 0;
    if (!ParseDigits(path, &db)) {
      return Invalid(absl::StrCat("database must be a number >= 0, got '", path, "'"));
    }
    endpoint.db = db;
  }
  return endpoint;
}

}  // namespace codingahead::common
