#include "tools/importer/processing_notes_reader.h"

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/importer/cp1252.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::ProcessingNote;

// Drops the trailing "*" margin marker (and whitespace around it).
absl::string_view StripMargin(absl::string_view line) {
  line = absl::StripTrailingAsciiWhitespace(line);
  if (!line.empty() && line.back() == '*') line.remove_suffix(1);
  return line;
}

// If `line` starts a note ("   0042--TEXT"), sets number and the rest.
bool StartsNote(absl::string_view line, absl::string_view* number, absl::string_view* rest) {
  line = absl::StripLeadingAsciiWhitespace(line);
  if (line.size() < 6) return false;
  for (int i = 0; i < 4; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(line[i]))) return false;
  }
  if (line.substr(4, 2) != "--") return false;
  *number = line.substr(0, 4);
  *rest = line.substr(6);
  return true;
}

}  // namespace

absl::StatusOr<std::vector<ProcessingNote>> ReadProcessingNotes(absl::string_view file_name,
                                                                absl::string_view data) {
  std::vector<ProcessingNote> notes;
  std::map<std::string, int> first_line_of;
  std::string text;  // raw text of the note being read
  const std::vector<absl::string_view> lines = SplitLines(data);
  auto finish = [&] {
    if (notes.empty()) return;
    notes.back().set_text(CollapseWhitespace(Cp1252ToUtf8(text)));
    text.clear();
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    const absl::string_view line = StripMargin(lines[i]);
    absl::string_view number, rest;
    if (StartsNote(line, &number, &rest)) {
      finish();
      auto [it, inserted] = first_line_of.emplace(std::string(number), line_number);
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_number,
                                                       ": processing note ", number,
                                                       " already started on line ", it->second));
      }
      notes.emplace_back().set_number(std::string(number));
      text.assign(rest.data(), rest.size());
      continue;
    }
    if (notes.empty()) continue;  // title lines
    absl::StrAppend(&text, " ", line);
  }
  finish();
  if (notes.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file_name, ":", lines.size(), ": no processing notes (lines \"NNNN--text\") found"));
  }
  return notes;
}

}  // namespace codingahead::importer
