#ifndef CODINGAHEAD_COMMON_CONFIG_H_
#define CODINGAHEAD_COMMON_CONFIG_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace codingahead::common {

// The environment-variable twin of a flag: `redis_url` -> `CODINGAHEAD_REDIS_URL`.
std::string EnvVarForFlag(const std::string& flag_name);

// Parses the command line with every registered flag also settable from its
// environment twin. Precedence: flag beats environment beats default.
// Returns the positional arguments (argv[0] first). Exits on a bad flag, as
// absl::ParseCommandLine does.
std::vector<char*> ParseFlagsWithEnv(int argc, char** argv);

// As above over an explicit environment, for tests. Returns an error instead
// of exiting when a value does not parse.
absl::Status ApplyEnvironmentToFlags(
    const absl::flat_hash_map<std::string, std::string>& environment);

// Reads a secret (credential, password) from a file, without the trailing
// newline. Secrets come from files or the environment, never from flags that
// show in `ps`, and the content never appears in an error message.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

// The secret from `file_path` when set, else from the environment variable
// `env_var`, else empty.
absl::StatusOr<std::string> LoadSecret(const std::string& file_path, const std::string& env_var);

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_CONFIG_H_
