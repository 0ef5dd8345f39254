#include "services/account/password_policy.h"

#include <zxcvbn.h>

#include <cmath>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace codingahead::account {

int ZxcvbnScore(double entropy_bits) {
  // zxcvbn's thresholds are on guesses (+5 for its delta); compare logs.
  const double log10_guesses = entropy_bits * std::log10(2.0);
  if (log10_guesses < 3) return 0;
  if (log10_guesses < 6) return 1;
  if (log10_guesses < 8) return 2;
  if (log10_guesses < 10) return 3;
  return 4;
}

absl::StatusOr<PasswordPolicy> PasswordPolicy::LoadFromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("common password list '", path,
                     "' cannot be read (Debian: apt-get install john-data, or set "
                     "--common_passwords_file)"));
  }
  absl::flat_hash_set<std::string> common;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || absl::StartsWith(line, "#!comment")) continue;
    common.insert(absl::AsciiStrToLower(line));
  }
  if (in.bad()) {
    return absl::FailedPreconditionError(
        absl::StrCat("reading common password list '", path, "' failed"));
  }
  if (common.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("common password list '", path, "' holds no passwords"));
  }
  return PasswordPolicy(std::move(common));
}

std::optional<std::string> PasswordPolicy::WhyWeak(
    absl::string_view password, const std::vector<std::string>& user_inputs) const {
  const std::string text(password);
  if (common_.contains(absl::AsciiStrToLower(text))) {
    return "is on a list of commonly used passwords; choose another one "
           "(15 or more characters, e.g. several unrelated words)";
  }
  std::vector<const char*> dict;
  for (const std::string& word : user_inputs) {
    if (!word.empty()) dict.push_back(word.c_str());
  }
  dict.push_back(nullptr);
  const double bits = ZxcvbnMatch(text.c_str(), dict.data(), nullptr);
  if (ZxcvbnScore(bits) < kMinScore) {
    return "is too easy to guess (common words, names, dates, keyboard "
           "patterns, repeats or your email or name); use 15 or more "
           "characters, e.g. several unrelated words";
  }
  return std::nullopt;
}

}  // namespace codingahead::account
