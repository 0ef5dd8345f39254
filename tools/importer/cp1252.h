#ifndef CODINGAHEAD_TOOLS_IMPORTER_CP1252_H_
#define CODINGAHEAD_TOOLS_IMPORTER_CP1252_H_

#include <string>

#include "absl/strings/string_view.h"

namespace codingahead::importer {

// Converts Windows-1252 bytes to UTF-8. Every byte has a mapping, following
// the WHATWG Encoding Standard: 0x00-0x7F are ASCII, 0xA0-0xFF are the
// Latin-1 code points (0xA0 is U+00A0 NO-BREAK SPACE), 0x80-0x9F are the
// cp1252 punctuation (0x80 euro, 0x93/0x94 curly quotes, 0x96 en dash, ...)
// and the five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
// map to the C1 control of the same value, so no input is rejected or lost.
std::string Cp1252ToUtf8(absl::string_view cp1252);

// Appends the UTF-8 encoding of `code_point` (must be a valid scalar value).
void AppendUtf8(char32_t code_point, std::string& out);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_CP1252_H_
