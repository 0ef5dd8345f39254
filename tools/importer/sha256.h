#ifndef CODINGAHEAD_TOOLS_IMPORTER_SHA256_H_
#define CODINGAHEAD_TOOLS_IMPORTER_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace codingahead::importer {

// Incremental SHA-256 (FIPS 180-4). Small and dependency-free so that the
// snapshot reader linked into the catalog service needs nothing but protobuf
// and Abseil.
class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();

  // Feeds more bytes. Must not be called after Finish().
  void Update(absl::string_view data);
  // Pads, returns the digest and leaves the object unusable.
  Digest Finish();

  // Convenience: lower-case hex digest of `data`.
  static std::string HexDigest(absl::string_view data);
  static std::string ToHex(const Digest& digest);

 private:
  void ProcessBlock(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_;
  size_t buffer_size_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_SHA256_H_
