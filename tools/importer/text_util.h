#ifndef CODINGAHEAD_TOOLS_IMPORTER_TEXT_UTIL_H_
#define CODINGAHEAD_TOOLS_IMPORTER_TEXT_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace codingahead::importer {

// Reads a whole file as bytes. NotFound / Internal with the path on failure.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Splits on "\n", dropping one trailing "\r" from each line (CRLF and LF
// files read the same). A final line ending does not start an empty line.
// The views point into `data`.
std::vector<absl::string_view> SplitLines(absl::string_view data);

// True when raw (ASCII / cp1252) `text` holds only spaces, tabs, CR/LF, form
// feeds and cp1252 0xA0 (no-break space).
bool IsBlank(absl::string_view text);

// Replaces runs of whitespace (ASCII whitespace and U+00A0 NO-BREAK SPACE,
// given as UTF-8) by one space and trims both ends.
std::string CollapseWhitespace(absl::string_view utf8);

// Column of the first non-blank character with tabs expanded to multiples of
// `tab_width`; -1 for a blank line.
int Indentation(absl::string_view line, int tab_width = 8);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_TEXT_UTIL_H_
