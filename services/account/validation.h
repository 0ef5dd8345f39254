#ifndef CODINGAHEAD_SERVICES_ACCOUNT_VALIDATION_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_VALIDATION_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "common/status.h"

// Input rules of the account RPCs. Each Check* adds what is wrong to the
// builder under the request's field name; the caller turns the builder into
// one INVALID_ARGUMENT listing every violation.
namespace codingahead::account {

inline constexpr size_t kMaxEmailBytes = 254;
inline constexpr size_t kMinPasswordChars = 8;
inline constexpr size_t kMaxPasswordBytes = 128;
inline constexpr size_t kMaxDisplayNameChars = 100;
inline constexpr size_t kMaxCodeBytes = 16;
inline constexpr size_t kMaxCodeSetBytes = 32;
inline constexpr size_t kMaxRequestIdBytes = 128;
inline constexpr size_t kMaxReasonChars = 500;
inline constexpr size_t kMaxPlanIdBytes = 32;
// A token field longer than this is a malformed request, not a bad token.
inline constexpr size_t kMaxTokenFieldBytes = 1024;

bool IsValidUtf8(absl::string_view text);
// Code points in valid UTF-8 text.
size_t Utf8Length(absl::string_view text);

// Trimmed, ASCII lower-cased.
std::string NormalizeEmail(absl::string_view email);

// `email` as given; for registration every rule applies (one '@', no spaces
// or control characters, printable ASCII, local part 1-64, a dotted domain),
// for login only presence and size.
void CheckEmail(absl::string_view email, bool full_rules, common::BadRequestBuilder& bad);
// 8-128 characters, at most 128 bytes; for login only presence and size.
// Violations are reported under `field` ("password", "new_password", ...).
// Returns whether the password passed. The strength rules are
// PasswordPolicy's (password_policy.h).
bool CheckPassword(absl::string_view password, bool full_rules, common::BadRequestBuilder& bad,
                   absl::string_view field = "password");
// Returns the trimmed name; 1-100 characters of valid UTF-8, no control
// characters.
std::string CheckDisplayName(absl::string_view display_name, common::BadRequestBuilder& bad);
// Returns the code upper-cased: 1-16 of [A-Za-z0-9.].
std::string CheckCode(absl::string_view code, common::BadRequestBuilder& bad);
// Returns the code set upper-cased without a "CODE_SET_" prefix ("HCPCS"):
// 1-32 of [A-Za-z0-9_].
std::string CheckCodeSet(absl::string_view code_set, common::BadRequestBuilder& bad);
// Optional; at most 128 bytes of printable ASCII without spaces.
void CheckRequestId(absl::string_view request_id, common::BadRequestBuilder& bad);

// The owner tag of a client address for the guest address limit: IPv4 by the
// full address ("ip:203.0.113.7"), IPv6 by its /64 ("ip:2001:db8:1:2::/64";
// IPv4-mapped IPv6 counts as IPv4); anything else (a Unix socket peer) by a
// digest of its text.
std::string AddressOwnerTag(absl::string_view address);

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_VALIDATION_H_
