#include "services/account/token.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/hash.h"

namespace codingahead::account {
namespace {

constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // base64url of 32 bytes, no padding
constexpr size_t kGuestIdChars = 16;
constexpr size_t kMaxAccountIdDigits = 19;

absl::Status Malformed() { return absl::UnauthenticatedError("malformed session token"); }

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsBase64Url(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_'; }

}  // namespace

SessionOwner SessionOwner::Account(int64_t account_id) {
  SessionOwner owner;
  owner.kind = OwnerKind::kAccount;
  owner.account_id = account_id;
  owner.tag = absl::StrCat("a", account_id);
  return owner;
}

SessionOwner SessionOwner::NewGuest(RandomSource& random) {
  SessionOwner owner;
  owner.kind = OwnerKind::kGuest;
  owner.tag = absl::StrCat("g", absl::BytesToHexString(random.Bytes(kGuestIdChars / 2)));
  return owner;
}

std::string SessionOwner::PrincipalId() const {
  if (is_guest()) return absl::StrCat("guest:", absl::string_view(tag).substr(1));
  return absl::StrCat("acct:", account_id);
}

std::string NewSessionToken(const SessionOwner& owner, RandomSource& random, SessionToken* parsed) {
  std::string secret = absl::WebSafeBase64Escape(random.Bytes(kSecretBytes));
  if (parsed != nullptr) {
    parsed->owner = owner;
    parsed->secret_sha256 = common::Sha256::HexDigest(secret);
  }
  return absl::StrCat(owner.tag, ".", secret);
}

absl::StatusOr<SessionToken> ParseSessionToken(absl::string_view token) {
  if (token.size() > kMaxTokenBytes) return Malformed();
  size_t dot = token.find('.');
  if (dot == absl::string_view::npos) return Malformed();
  absl::string_view owner_text = token.substr(0, dot);
  absl::string_view secret = token.substr(dot + 1);

  SessionToken parsed;
  if (owner_text.size() < 2) return Malformed();
  absl::string_view id = owner_text.substr(1);
  if (owner_text[0] == 'g') {
    if (id.size() != kGuestIdChars) return Malformed();
    for (char c : id) {
      if (!IsLowerHex(c)) return Malformed();
    }
    parsed.owner.kind = OwnerKind::kGuest;
    parsed.owner.tag = std::string(owner_text);
  } else if (owner_text[0] == 'a') {
    if (id.size() > kMaxAccountIdDigits || id[0] == '0') return Malformed();
    for (char c : id) {
      if (!absl::ascii_isdigit(c)) return Malformed();
    }
    int64_t account_id = 0;
    if (!absl::SimpleAtoi(id, &account_id) || account_id <= 0) return Malformed();
    parsed.owner = SessionOwner::Account(account_id);
  } else {
    return Malformed();
  }

  if (secret.size() != kSecretChars) return Malformed();
  for (char c : secret) {
    if (!IsBase64Url(c)) return Malformed();
  }
  // Only the canonical encoding of 32 bytes (the last character carries two
  // unused bits that must be zero).
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(secret, &bytes) || bytes.size() != kSecretBytes ||
      absl::WebSafeBase64Escape(bytes) != secret) {
    return Malformed();
  }
  parsed.secret_sha256 = common::Sha256::HexDigest(secret);
  return parsed;
}

}  // namespace codingahead::account
