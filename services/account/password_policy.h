#ifndef CODINGAHEAD_SERVICES_ACCOUNT_PASSWORD_POLICY_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_PASSWORD_POLICY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// What a new password must be beyond its length (validation.h): not guessable
// by zxcvbn (score >= 3, the account's email and display name counting as
// known words) and not on a list of common passwords (john-data's
// password.lst, loaded once at start-up). Thread-safe after construction.
namespace codingahead::account {

// zxcvbn's 0-4 score of an estimate of log2(guesses): < 10^3 guesses 0,
// < 10^6 1, < 10^8 2, < 10^10 3, else 4.
int ZxcvbnScore(double entropy_bits);

class PasswordPolicy {
 public:
  static constexpr int kMinScore = 3;

  // `common` holds lower-cased passwords.
  explicit PasswordPolicy(absl::flat_hash_set<std::string> common) : common_(std::move(common)) {}

  // Reads a john-style word list: one password a line, lines starting with
  // "#!comment" skipped, compared lower-cased. NotFound / FailedPrecondition
  // when the file is missing, unreadable or holds no passwords.
  static absl::StatusOr<PasswordPolicy> LoadFromFile(const std::string& path);

  // Why `password` is refused (for a person; never contains the password),
  // or nullopt when it is acceptable. `user_inputs` are words an attacker
  // knows about the account (email, its local part, display name).
  std::optional<std::string> WhyWeak(absl::string_view password,
                                     const std::vector<std::string>& user_inputs) const;

  size_t common_count() const { return common_.size(); }

 private:
  absl::flat_hash_set<std::string> common_;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_PASSWORD_POLICY_H_
