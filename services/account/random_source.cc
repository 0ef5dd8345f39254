#include "services/account/random_source.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

namespace codingahead::account {

std::string RandomSource::Bytes(size_t n) {
  std::string out(n, '\0');
  Fill(absl::Span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
  return out;
}

void OsRandom::Fill(absl::Span<uint8_t> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    ssize_t n = getrandom(out.data() + filled, out.size() - filled, 0);
    if (n > 0) {
      filled += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      // Without randomness no secret can be made safely.
      std::abort();
    }
  }
}

}  // namespace codingahead::account
