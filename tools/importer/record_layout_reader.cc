#include "tools/importer/record_layout_reader.h"

#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/importer/cp1252.h"
#include "tools/importer/hcpcs_record_reader.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::CodeTable;

bool IsUpperOrDigit(char c) {
  return absl::ascii_isupper(static_cast<unsigned char>(c)) ||
         absl::ascii_isdigit(static_cast<unsigned char>(c));
}

// "  12.  HCPCS Medicare Carriers Manual ..." -> number and name.
bool ParseFieldHeader(absl::string_view line, int* number, std::string* name) {
  if (Indentation(line) < 1 || Indentation(line) > 4) return false;
  absl::string_view s = absl::StripLeadingAsciiWhitespace(line);
  const size_t dot = s.find('.');
  if (dot == 0 || dot == absl::string_view::npos || dot > 3) return false;
  if (!absl::SimpleAtoi(s.substr(0, dot), number)) return false;
  absl::string_view rest = s.substr(dot + 1);
  if (rest.empty() || !absl::ascii_isspace(static_cast<unsigned char>(rest[0]))) return false;
  rest = absl::StripAsciiWhitespace(rest);
  if (rest.empty()) return false;
  // The name ends where a wide gap starts ("FILLER        CHAR").
  const size_t gap = rest.find("  ");
  *name = std::string(absl::StripAsciiWhitespace(rest.substr(0, gap)));
  return true;
}

// "   2    120    121    CHAR" -> length, begin, end.
bool ParsePositions(absl::string_view line, int* length, int* begin, int* end) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (parts.size() < 3 || parts.size() > 4) return false;
  return absl::SimpleAtoi(parts[0], length) && absl::SimpleAtoi(parts[1], begin) &&
         absl::SimpleAtoi(parts[2], end);
}

// "KEYWORD WORDS :" at the start of a line ("OCCURS MIN:", "DB2 ALIAS :").
bool IsKeywordLine(absl::string_view line) {
  absl::string_view s = absl::StripLeadingAsciiWhitespace(line);
  if (s.empty() || !absl::ascii_isupper(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (c == ':') return true;
    if (!(IsUpperOrDigit(c) || c == ' ' || c == '_')) return false;
  }
  return false;
}

// "   M3  = Emergency room visit" -> code "M3", meaning text.
bool ParseEntry(absl::string_view line, std::string* code, std::string* meaning) {
  absl::string_view s = absl::StripLeadingAsciiWhitespace(line);
  size_t n = 0;
  while (n < s.size() && IsUpperOrDigit(s[n])) ++n;
  if (n == 0 || n > 3) return false;
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(s.substr(n));
  if (rest.size() < 2 || rest[0] != '=' ||
      !absl::ascii_isspace(static_cast<unsigned char>(rest[1]))) {
    return false;
  }
  *code = std::string(s.substr(0, n));
  *meaning = std::string(absl::StripAsciiWhitespace(rest.substr(1)));
  return !meaning->empty();
}

// "CODE TABLE     : BETOS_TB" -> "BETOS_TB".
std::optional<std::string> CodeTableReference(absl::string_view line) {
  absl::string_view s = absl::StripLeadingAsciiWhitespace(line);
  if (!absl::StartsWith(s, "CODE TABLE")) return std::nullopt;
  const size_t colon = s.find(':');
  if (colon == absl::string_view::npos) return std::nullopt;
  return std::string(absl::StripAsciiWhitespace(s.substr(colon + 1)));
}

// " BETOS_TB          BETOS Table" -> "BETOS_TB".
std::optional<std::string> AppendixTableHeader(absl::string_view line) {
  if (Indentation(line) > 2) return std::nullopt;
  absl::string_view s = absl::StripAsciiWhitespace(line);
  const size_t space = s.find_first_of(" \t");
  absl::string_view name = s.substr(0, space);
  if (!absl::EndsWith(name, "_TB")) return std::nullopt;
  for (char c : name) {
    if (!(IsUpperOrDigit(c) || c == '_')) return std::nullopt;
  }
  return std::string(name);
}

// Collects "X = meaning" entries with indented continuation lines.
class CodeBlock {
 public:
  explicit CodeBlock(CodeMeanings* out) : out_(out) {}

  void Add(absl::string_view line) {
    if (IsBlank(line)) {
      Close();
      return;
    }
    std::string code, meaning;
    if (ParseEntry(line, &code, &meaning)) {
      Close();
      code_ = std::move(code);
      meaning_ = std::move(meaning);
      indent_ = Indentation(line);
      open_ = true;
      return;
    }
    if (open_ && Indentation(line) > indent_) {
      absl::StrAppend(&meaning_, " ", line);
      return;
    }
    Close();  // a group heading ("Clinical Lab Fee Schedule", "-----")
  }

  void Close() {
    if (!open_) return;
    out_->emplace_back(std::move(code_), CollapseWhitespace(meaning_));
    open_ = false;
  }

 private:
  CodeMeanings* out_;
  bool open_ = false;
  std::string code_;
  std::string meaning_;
  int indent_ = 0;
};

}  // namespace

absl::StatusOr<RecordLayout> ReadRecordLayout(absl::string_view file_name, absl::string_view data) {
  const std::string text = Cp1252ToUtf8(data);
  const std::vector<absl::string_view> lines = SplitLines(text);
  RecordLayout layout;
  LayoutField* field = nullptr;
  bool want_positions = false;
  std::optional<CodeBlock> block;
  bool in_appendix = false;
  auto error = [&](int line_number, absl::string_view reason) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_number, ": ", reason));
  };
  // The field whose header was read last never got its positions.
  auto no_positions = [&] {
    return error(field->line_number,
                 absl::StrCat("field ", field->number, " has no LENGTH BEG END line"));
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    const absl::string_view line = lines[i];
    if (absl::StrContains(line, "TABLE OF CODES APPENDIX")) {
      if (want_positions) return no_positions();
      if (block) block->Close();
      block.reset();
      field = nullptr;
      in_appendix = true;
      continue;
    }
    if (in_appendix) {
      if (std::optional<std::string> name = AppendixTableHeader(line)) {
        if (block) block->Close();
        block.emplace(&layout.tables[*name]);
      } else if (block) {
        block->Add(line);
      }
      continue;
    }
    int number = 0;
    std::string name;
    if (ParseFieldHeader(line, &number, &name)) {
      if (want_positions) return no_positions();
      if (block) block->Close();
      block.reset();
      field = &layout.fields.emplace_back();
      field->number = number;
      field->name = std::move(name);
      field->line_number = line_number;
      want_positions = true;
      continue;
    }
    if (field == nullptr) continue;  // the title block
    if (want_positions) {
      if (IsBlank(line)) continue;
      if (!ParsePositions(line, &field->length, &field->begin, &field->end)) {
        return error(line_number, absl::StrCat("expected LENGTH BEG END of field ", field->number,
                                               " (", field->name, ")"));
      }
      want_positions = false;
      continue;
    }
    absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (IsKeywordLine(line) || absl::StartsWith(stripped, "***")) {
      if (block) block->Close();
      block.reset();
      if (absl::StartsWith(stripped, "CODES")) {
        field->codes.clear();
        block.emplace(&field->codes);
      } else if (absl::StartsWith(stripped, "OCCURS")) {
        const size_t max = stripped.find("MAX:");
        if (max != absl::string_view::npos) {
          int occurs = 0;
          if (!absl::SimpleAtoi(stripped.substr(max + 4), &occurs) || occurs < 1) {
            return error(line_number, "unreadable OCCURS MAX");
          }
          field->occurs_max = occurs;
        }
      } else if (std::optional<std::string> table = CodeTableReference(line)) {
        field->code_table = *table;
      }
      continue;
    }
    if (block) block->Add(line);
  }
  if (block) block->Close();
  if (want_positions) return no_positions();
  if (layout.fields.empty()) {
    return error(static_cast<int>(lines.size()), "no numbered fields found");
  }
  return layout;
}

namespace {

const LayoutField* FindField(const RecordLayout& layout, const HcpcsColumn& column) {
  for (const LayoutField& field : layout.fields) {
    if (field.begin == column.begin && field.length == column.width &&
        field.end == column.begin + column.width - 1) {
      return &field;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<CodeTable> BuildCodeTables(const RecordLayout& layout) {
  std::vector<CodeTable> tables;
  for (const HcpcsColumn& column : kHcpcsColumns) {
    const LayoutField* field = FindField(layout, column);
    if (field == nullptr) continue;
    const CodeMeanings* meanings = &field->codes;
    if (meanings->empty() && !field->code_table.empty()) {
      auto it = layout.tables.find(field->code_table);
      if (it != layout.tables.end()) meanings = &it->second;
    }
    if (meanings->empty()) continue;
    CodeTable& table = tables.emplace_back();
    table.set_field(std::string(column.field));
    for (const auto& [code, meaning] : *meanings) {
      // First definition wins should a layout ever repeat a value.
      table.mutable_meanings()->insert({code, meaning});
    }
  }
  return tables;
}

absl::Status CheckLayoutAgrees(const RecordLayout& layout, absl::string_view file_name) {
  for (const HcpcsColumn& column : kHcpcsColumns) {
    const LayoutField* field = FindField(layout, column);
    if (field == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          file_name, ": no field at columns ", column.begin, "-", column.begin + column.width - 1,
          " where the importer reads ", column.field));
    }
    if (field->occurs_max != column.occurs) {
      return absl::FailedPreconditionError(
          absl::StrCat(file_name, ":", field->line_number, ": field ", field->number, " (",
                       field->name, ") occurs up to ", field->occurs_max,
                       " times; the importer reads ", column.occurs, " for ", column.field));
    }
  }
  return absl::OkStatus();
}

}  // namespace codingahead::importer
