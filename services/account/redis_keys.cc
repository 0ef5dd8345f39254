#include "services/account/redis_keys.h"

#include "absl/strings/str_cat.h"

namespace codingahead::account {

std::string SessionKey(absl::string_view owner_tag, absl::string_view secret_sha256) {
  return absl::StrCat("ca:sess:{", owner_tag, "}:", secret_sha256);
}

std::string AccountPlanKey(absl::string_view owner_tag) {
  return absl::StrCat("ca:plan:{", owner_tag, "}");
}

std::string UnlockedKey(absl::string_view owner_tag, absl::string_view period) {
  return absl::StrCat("ca:views:{", owner_tag, "}:", period, ":unlocked");
}

std::string RequestKey(absl::string_view owner_tag, absl::string_view period) {
  return absl::StrCat("ca:views:{", owner_tag, "}:", period, ":req");
}

std::string AddressKey(absl::string_view address_tag) {
  return absl::StrCat("ca:views:{", address_tag, "}:window");
}

std::string QuestionsKey(absl::string_view owner_tag, absl::string_view day) {
  return absl::StrCat("ca:questions:{", owner_tag, "}:", day);
}

std::string CarryKey(absl::string_view account_tag, absl::string_view guest_tag) {
  return absl::StrCat("ca:carry:{", account_tag, "}:", guest_tag);
}

std::string SessionIndexKey(absl::string_view account_tag) {
  return absl::StrCat("ca:sessidx:{", account_tag, "}");
}

std::string LoginThrottleKey(absl::string_view owner_tag) {
  return absl::StrCat("ca:throttle:{", owner_tag, "}:login");
}

}  // namespace codingahead::account
