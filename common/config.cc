#include "common/config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace codingahead::common {
namespace {

// Flags that belong to Abseil's own parser, not to the service.
bool IsParserFlag(absl::string_view name) {
  return name == "flagfile" || name == "fromenv" || name == "tryfromenv" || name == "undefok" ||
         absl::StartsWith(name, "help") || name == "version" || name == "only_check_args";
}

absl::flat_hash_map<std::string, std::string> ProcessEnvironment() {
  absl::flat_hash_map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    absl::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == absl::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

}  // namespace

std::string EnvVarForFlag(const std::string& flag_name) {
  return absl::StrCat("CODINGAHEAD_", absl::AsciiStrToUpper(flag_name));
}

absl::Status ApplyEnvironmentToFlags(
    const absl::flat_hash_map<std::string, std::string>& environment) {
  for (auto& [name, flag] : absl::GetAllFlags()) {
    if (IsParserFlag(name)) continue;
    auto it = environment.find(EnvVarForFlag(std::string(name)));
    if (it == environment.end()) continue;
    std::string error;
    if (!flag->ParseFrom(it->second, &error)) {
      // Neither the value nor the parser's message (which quotes it) is
      // echoed: it may be a secret.
      return absl::InvalidArgumentError(absl::StrCat("environment variable ", it->first,
                                                     " does not hold a valid value for --", name));
    }
  }
  return absl::OkStatus();
}

std::vector<char*> ParseFlagsWithEnv(int argc, char** argv) {
  // Environment first; the command line parsed after it overrides.
  absl::Status applied = ApplyEnvironmentToFlags(ProcessEnvironment());
  if (!applied.ok()) {
    fprintf(stderr, "%s\n", std::string(applied.message()).c_str());
    std::exit(2);
  }
  return absl::ParseCommandLine(argc, argv);
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read secret file ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string value = buffer.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
    value.pop_back();
  }
  if (value.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("secret file ", path, " is empty"));
  }
  return value;
}

absl::StatusOr<std::string> LoadSecret(const std::string& file_path, const std::string& env_var) {
  if (!file_path.empty()) return ReadSecretFile(file_path);
  const char* value = std::getenv(env_var.c_str());
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace codingahead::common
