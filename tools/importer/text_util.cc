#include "tools/importer/text_util.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace codingahead::importer {

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::InternalError(absl::StrCat("cannot read ", path));
  return std::move(contents).str();
}

std::vector<absl::string_view> SplitLines(absl::string_view data) {
  std::vector<absl::string_view> lines;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    const size_t next = end == absl::string_view::npos ? data.size() : end + 1;
    if (end == absl::string_view::npos) end = data.size();
    absl::string_view line = data.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = next;
  }
  return lines;
}

namespace {

// Length of the whitespace sequence at the start of `s`, 0 if none.
size_t WhitespaceLength(absl::string_view s) {
  if (s.empty()) return 0;
  switch (s[0]) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '\f':
    case '\v':
      return 1;
    default:
      break;
  }
  if (s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0xC2 &&
      static_cast<unsigned char>(s[1]) == 0xA0) {
    return 2;
  }
  return 0;
}

}  // namespace

bool IsBlank(absl::string_view text) {
  for (char c : text) {
    switch (c) {
      case ' ':
      case '\t':
      case '\r':
      case '\n':
      case '\f':
      case '\v':
        continue;
      default:
        if (static_cast<unsigned char>(c) == 0xA0) continue;  // cp1252 NBSP
        return false;
    }
  }
  return true;
}

std::string CollapseWhitespace(absl::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < utf8.size()) {
    const size_t ws = WhitespaceLength(utf8.substr(i));
    if (ws > 0) {
      pending_space = true;
      i += ws;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.push_back(utf8[i]);
    ++i;
  }
  return out;
}

int Indentation(absl::string_view line, int tab_width) {
  int column = 0;
  for (char c : line) {
    if (c == ' ') {
      ++column;
    } else if (c == '\t') {
      column = (column / tab_width + 1) * tab_width;
    } else if (c == '\r' || c == '\n') {
      continue;
    } else {
      return column;
    }
  }
  return -1;
}

}  // namespace codingahead::importer
