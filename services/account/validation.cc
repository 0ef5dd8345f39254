#include "services/account/validation.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/hash.h"

namespace codingahead::account {
namespace {

bool IsPrintableAsciiNoSpace(absl::string_view text) {
  for (char c : text) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

bool HasControlCharacter(absl::string_view utf8) {
  for (size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x20 || c == 0x7F) return true;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < utf8.size()) {
      unsigned char next = static_cast<unsigned char>(utf8[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates, beyond U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

size_t Utf8Length(absl::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string NormalizeEmail(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

void CheckEmail(absl::string_view email, bool full_rules, common::BadRequestBuilder& bad) {
  std::string normalized = NormalizeEmail(email);
  if (normalized.empty()) {
    bad.Add("email", "required");
    return;
  }
  if (email.size() > kMaxEmailBytes) {
    bad.Add("email", absl::StrCat("must be at most ", kMaxEmailBytes, " characters"));
    return;
  }
  if (!full_rules) {
    if (!IsValidUtf8(email)) bad.Add("email", "must be valid UTF-8");
    return;
  }
  if (!IsPrintableAsciiNoSpace(normalized)) {
    bad.Add("email", "must be printable ASCII without spaces");
    return;
  }
  size_t at = normalized.find('@');
  if (at == std::string::npos || normalized.find('@', at + 1) != std::string::npos) {
    bad.Add("email", "must contain exactly one '@'");
    return;
  }
  absl::string_view local = absl::string_view(normalized).substr(0, at);
  absl::string_view domain = absl::string_view(normalized).substr(at + 1);
  if (local.empty() || local.size() > 64) {
    bad.Add("email", "the part before '@' must be 1-64 characters");
    return;
  }
  if (domain.size() < 3 || domain.find('.') == absl::string_view::npos ||
      absl::StartsWith(domain, ".") || absl::EndsWith(domain, ".") ||
      absl::StrContains(domain, "..")) {
    bad.Add("email", "the part after '@' must be a domain such as example.com");
  }
}

bool CheckPassword(absl::string_view password, bool full_rules, common::BadRequestBuilder& bad,
                   absl::string_view field) {
  const std::string name(field);
  if (password.empty()) {
    bad.Add(name, "required");
    return false;
  }
  if (password.size() > kMaxPasswordBytes) {
    bad.Add(name, absl::StrCat("must be at most ", kMaxPasswordBytes, " bytes"));
    return false;
  }
  if (!IsValidUtf8(password)) {
    bad.Add(name, "must be valid UTF-8");
    return false;
  }
  if (full_rules && Utf8Length(password) < kMinPasswordChars) {
    bad.Add(name, absl::StrCat("must be at least ", kMinPasswordChars,
                               " characters (15 or more recommended)"));
    return false;
  }
  return true;
}

std::string CheckDisplayName(absl::string_view display_name, common::BadRequestBuilder& bad) {
  std::string name(absl::StripAsciiWhitespace(display_name));
  if (name.empty()) {
    bad.Add("display_name", "required");
  } else if (!IsValidUtf8(name)) {
    bad.Add("display_name", "must be valid UTF-8");
  } else if (Utf8Length(name) > kMaxDisplayNameChars) {
    bad.Add("display_name", absl::StrCat("must be at most ", kMaxDisplayNameChars, " characters"));
  } else if (HasControlCharacter(name)) {
    bad.Add("display_name", "must not contain control characters");
  }
  return name;
}

std::string CheckCode(absl::string_view code, common::BadRequestBuilder& bad) {
  if (code.empty()) {
    bad.Add("code", "required");
    return "";
  }
  if (code.size() > kMaxCodeBytes) {
    bad.Add("code", absl::StrCat("must be at most ", kMaxCodeBytes, " characters"));
    return "";
  }
  for (char c : code) {
    if (!absl::ascii_isalnum(c) && c != '.') {
      bad.Add("code", "letters, digits and '.' only");
      return "";
    }
  }
  return absl::AsciiStrToUpper(code);
}

std::string CheckCodeSet(absl::string_view code_set, common::BadRequestBuilder& bad) {
  if (code_set.empty()) {
    bad.Add("code_set", "required (e.g. \"HCPCS\")");
    return "";
  }
  if (code_set.size() > kMaxCodeSetBytes) {
    bad.Add("code_set", absl::StrCat("must be at most ", kMaxCodeSetBytes, " characters"));
    return "";
  }
  for (char c : code_set) {
    if (!absl::ascii_isalnum(c) && c != '_') {
      bad.Add("code_set", "letters, digits and '_' only");
      return "";
    }
  }
  std::string upper = absl::AsciiStrToUpper(code_set);
  absl::string_view name = upper;
  absl::ConsumePrefix(&name, "CODE_SET_");
  if (name.empty() || name == "UNSPECIFIED") {
    bad.Add("code_set", "must name a code set");
    return "";
  }
  return std::string(name);
}

void CheckRequestId(absl::string_view request_id, common::BadRequestBuilder& bad) {
  if (request_id.size() > kMaxRequestIdBytes) {
    bad.Add("request_id", absl::StrCat("must be at most ", kMaxRequestIdBytes, " characters"));
  } else if (!IsPrintableAsciiNoSpace(request_id)) {
    bad.Add("request_id", "printable ASCII without spaces only");
  }
}

std::string AddressOwnerTag(absl::string_view address) {
  std::string text(absl::StripAsciiWhitespace(address));
  char buf[INET6_ADDRSTRLEN];
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    inet_ntop(AF_INET, &v4, buf, sizeof(buf));
    return absl::StrCat("ip:", buf);
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    static const unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(v6.s6_addr, kMappedPrefix, sizeof(kMappedPrefix)) == 0) {
      std::memcpy(&v4, v6.s6_addr + 12, 4);
      inet_ntop(AF_INET, &v4, buf, sizeof(buf));
      return absl::StrCat("ip:", buf);
    }
    std::memset(v6.s6_addr + 8, 0, 8);
    inet_ntop(AF_INET6, &v6, buf, sizeof(buf));
    return absl::StrCat("ip:", buf, "/64");
  }
  return absl::StrCat("ip:other-", common::Sha256::HexDigest(text).substr(0, 16));
}

}  // namespace codingahead::account
