#ifndef CODINGAHEAD_TOOLS_IMPORTER_FUZZ_FUZZ_UTIL_H_
#define CODINGAHEAD_TOOLS_IMPORTER_FUZZ_FUZZ_UTIL_H_

// Checks shared by the importer fuzzers (header-only, fuzz targets only).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"

namespace codingahead::importer::fuzz {

// The fuzz input as the bytes ca-import reads from a file.
inline absl::string_view AsBytes(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

// Reports a broken invariant the way a sanitizer reports a crash: libFuzzer
// saves the input and the run fails.
[[noreturn]] inline void Fail(absl::string_view what, absl::string_view detail) {
  std::fprintf(stderr, "importer fuzz invariant broken: %.*s\n%.*s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// A record a reader returned must survive what the importer and the catalog
// do with it: serialized into the snapshot and parsed back (proto3 rejects a
// string field that is not UTF-8 when parsing).
template <typename Message>
void RequireRoundTrip(const Message& message) {
  std::string wire;
  if (!message.SerializeToString(&wire)) Fail("cannot serialize", message.ShortDebugString());
  Message copy;
  if (!copy.ParseFromString(wire)) {
    Fail("a record does not parse back from its own serialization (invalid UTF-8?)",
         message.ShortDebugString());
  }
}

template <typename Messages>
void RequireRoundTripAll(const Messages& messages) {
  for (const auto& message : messages) RequireRoundTrip(message);
}

}  // namespace codingahead::importer::fuzz

#endif  // CODINGAHEAD_TOOLS_IMPORTER_FUZZ_FUZZ_UTIL_H_
