#include "tools/importer/icd10cm_reader.h"

#include <expat.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/importer/cp1252.h"
#include "tools/importer/cpt_file_reader.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::BILLABLE_NO;
using ::codingahead::catalog::snapshot::v1::BILLABLE_YES;
using ::codingahead::catalog::snapshot::v1::Block;
using ::codingahead::catalog::snapshot::v1::Chapter;
using ::codingahead::catalog::snapshot::v1::CodeRecord;
using ::codingahead::catalog::snapshot::v1::IndexSource;
using ::codingahead::catalog::snapshot::v1::IndexTerm;
using ::codingahead::catalog::snapshot::v1::RECORD_KIND_CODE;

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

absl::Status LineError(absl::string_view file, int line, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", reason));
}

bool IsUpper(char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }
bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

bool IsUpperAlnum(char c) { return IsDigit(c) || IsUpper(c); }

// "A00", "C7A", and since FY2026 "QA0": a letter, then two upper-case
// alphanumerics.
bool IsCategoryCode(absl::string_view code) {
  return code.size() == 3 && IsUpper(code[0]) && IsUpperAlnum(code[1]) && IsUpperAlnum(code[2]);
}

// "A00-A09" or a single category "B10".
bool SplitRange(absl::string_view range, std::string* first, std::string* last) {
  std::vector<std::string> parts = absl::StrSplit(range, '-');
  if (parts.size() == 1) parts.push_back(parts[0]);
  if (parts.size() != 2 || !IsCategoryCode(parts[0]) || !IsCategoryCode(parts[1]) ||
      parts[1] < parts[0]) {
    return false;
  }
  *first = parts[0];
  *last = parts[1];
  return true;
}

std::string Decode(absl::string_view data) {
  if (absl::StartsWith(data, kUtf8Bom)) data.remove_prefix(kUtf8Bom.size());
  return IsValidUtf8(data) ? std::string(data) : Cp1252ToUtf8(data);
}

// Checks a CSV header (case-insensitive, whitespace trimmed).
absl::Status CheckHeader(const CsvFile& file, const std::vector<CsvRow>& rows,
                         const std::vector<std::string>& expected) {
  if (rows.empty()) return LineError(file.name, 1, "empty file: expected a header line");
  const CsvRow& header = rows.front();
  bool same = header.fields.size() == expected.size();
  for (size_t i = 0; same && i < expected.size(); ++i) {
    same = absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(header.fields[i]), expected[i]);
  }
  if (!same) {
    return LineError(file.name, header.line_number,
                     absl::StrCat("expected the header \"", absl::StrJoin(expected, ","), "\""));
  }
  return absl::OkStatus();
}

absl::Status CheckFieldCount(const CsvFile& file, const CsvRow& row, size_t count) {
  if (row.fields.size() != count) {
    return LineError(file.name, row.line_number,
                     absl::StrCat("expected ", count, " fields, found ", row.fields.size()));
  }
  return absl::OkStatus();
}

std::string Field(const CsvRow& row, size_t i) { return CollapseWhitespace(row.fields[i]); }

}  // namespace

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view file_name, absl::string_view data) {
  const std::string text = Decode(data);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool in_quotes = false;
  bool field_was_quoted = false;
  bool row_has_content = false;
  int line = 1;
  int quote_line = 0;
  row.line_number = 1;
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    field_was_quoted = false;
  };
  auto end_row = [&] {
    end_field();
    if (row_has_content) rows.push_back(std::move(row));
    row = CsvRow();
    row_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || field_was_quoted) {
        return LineError(file_name, line, "quote inside an unquoted field");
      }
      in_quotes = true;
      field_was_quoted = true;
      row_has_content = true;
      quote_line = line;
    } else if (c == ',') {
      end_field();
      row_has_content = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;  // CRLF: the LF ends the row.
    } else if (c == '\n') {
      end_row();
      ++line;
      row.line_number = line;
    } else {
      if (field_was_quoted) {
        return LineError(file_name, line, "text after the closing quote of a field");
      }
      field.push_back(c);
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) row_has_content = true;
    }
  }
  if (in_quotes) return LineError(file_name, quote_line, "quoted field is never closed");
  if (row_has_content || !field.empty()) end_row();
  return rows;
}

absl::StatusOr<Icd10cmTabular> ReadIcd10cmTabular(const CsvFile& chapters_file,
                                                  const CsvFile& sections_file,
                                                  const CsvFile& categories_file) {
  Icd10cmTabular result;

  // Chapters.
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(chapters_file.name, chapters_file.data);
  if (!rows.ok()) return rows.status();
  if (absl::Status s = CheckHeader(chapters_file, *rows, {"chapter", "description"}); !s.ok()) {
    return s;
  }
  absl::flat_hash_map<std::string, int> chapter_line;
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    if (absl::Status s = CheckFieldCount(chapters_file, row, 2); !s.ok()) return s;
    const std::string id = Field(row, 0);
    int number = 0;
    if (!absl::SimpleAtoi(id, &number) || number <= 0 || number > 99) {
      return LineError(chapters_file.name, row.line_number,
                       absl::StrCat("chapter '", absl::CHexEscape(id), "' is not a number 1-99"));
    }
    const std::string title = Field(row, 1);
    if (title.empty()) {
      return LineError(chapters_file.name, row.line_number,
                       absl::StrCat("chapter ", id, " has no description"));
    }
    auto [it, inserted] = chapter_line.emplace(absl::StrCat(number), row.line_number);
    if (!inserted) {
      return LineError(chapters_file.name, row.line_number,
                       absl::StrCat("chapter ", id, " already listed on line ", it->second));
    }
    Chapter& chapter = result.chapters.emplace_back();
    chapter.set_id(absl::StrCat(number));  // "01" and "1" are one chapter
    chapter.set_title(title);
    chapter.set_line_number(row.line_number);
  }

  // Sections (blocks).
  rows = ParseCsv(sections_file.name, sections_file.data);
  if (!rows.ok()) return rows.status();
  if (absl::Status s =
          CheckHeader(sections_file, *rows, {"section_range", "chapter", "description"});
      !s.ok()) {
    return s;
  }
  absl::flat_hash_map<std::string, size_t> block_of;  // range -> index in blocks
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    if (absl::Status s = CheckFieldCount(sections_file, row, 3); !s.ok()) return s;
    const std::string range = absl::AsciiStrToUpper(Field(row, 0));
    std::string first, last;
    if (!SplitRange(range, &first, &last)) {
      return LineError(sections_file.name, row.line_number,
                       absl::StrCat("'", absl::CHexEscape(range),
                                    "' is not a section range like A00-A09 or B10"));
    }
    int number = 0;
    const std::string chapter = Field(row, 1);
    if (!absl::SimpleAtoi(chapter, &number) || !chapter_line.contains(absl::StrCat(number))) {
      return LineError(
          sections_file.name, row.line_number,
          absl::StrCat("section ", range, " names chapter '", absl::CHexEscape(chapter),
                       "', which ", chapters_file.name, " does not list"));
    }
    const std::string title = Field(row, 2);
    if (title.empty()) {
      return LineError(sections_file.name, row.line_number,
                       absl::StrCat("section ", range, " has no description"));
    }
    auto [it, inserted] = block_of.emplace(range, result.blocks.size());
    if (!inserted) {
      return LineError(sections_file.name, row.line_number,
                       absl::StrCat("section ", range, " already listed on line ",
                                    result.blocks[it->second].line_number()));
    }
    Block& block = result.blocks.emplace_back();
    block.set_range(range);
    block.set_chapter(absl::StrCat(number));
    block.set_title(title);
    block.set_line_number(row.line_number);
  }

  // Categories.
  rows = ParseCsv(categories_file.name, categories_file.data);
  if (!rows.ok()) return rows.status();
  if (absl::Status s = CheckHeader(categories_file, *rows,
                                   {"ICD10-CM-CODE", "description", "section", "chapter"});
      !s.ok()) {
    return s;
  }
  std::vector<bool> holds_categories(result.blocks.size(), false);
  absl::flat_hash_map<std::string, int> category_line;
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    if (absl::Status s = CheckFieldCount(categories_file, row, 4); !s.ok()) return s;
    const std::string code = absl::AsciiStrToUpper(Field(row, 0));
    auto error = [&](absl::string_view reason) {
      return LineError(categories_file.name, row.line_number, reason);
    };
    if (!IsCategoryCode(code)) {
      return error(absl::StrCat("'", absl::CHexEscape(code),
                                "' is not a three-character ICD-10-CM category"));
    }
    const std::string description = Field(row, 1);
    if (description.empty()) return error(absl::StrCat("category ", code, " has no description"));
    const std::string section = absl::AsciiStrToUpper(Field(row, 2));
    auto block_it = block_of.find(section);
    if (block_it == block_of.end()) {
      return error(absl::StrCat("category ", code, " names section '", absl::CHexEscape(section),
                                "', which ", sections_file.name, " does not list"));
    }
    const Block& block = result.blocks[block_it->second];
    int number = 0;
    const std::string chapter = Field(row, 3);
    if (!absl::SimpleAtoi(chapter, &number) || absl::StrCat(number) != block.chapter()) {
      return error(absl::StrCat("category ", code, " names chapter '", absl::CHexEscape(chapter),
                                "' but its section ", section, " is in chapter ", block.chapter()));
    }
    auto [it, inserted] = category_line.emplace(code, row.line_number);
    if (!inserted) {
      return error(absl::StrCat("category ", code, " already listed on line ", it->second));
    }
    holds_categories[block_it->second] = true;
    CodeRecord& record = result.categories.emplace_back();
    record.set_code(code);
    record.set_kind(RECORD_KIND_CODE);
    record.set_long_description(description);
    record.set_block(section);
    record.set_chapter(block.chapter());
    record.set_line_number(row.line_number);
  }

  // Grouping ranges and each block's parent: the smallest grouping range of
  // the same chapter that contains it (ranges compare as text: the tabular
  // list's order, "C7A" after "C75").
  // Each range is split once and a block is compared only with the grouping
  // ranges of its chapter (splitting both ranges of every pair of blocks took
  // 12 s on a 75 KB sections file of 9,360 ranges; 0.7 s this way).
  std::vector<std::pair<std::string, std::string>> bounds(result.blocks.size());
  absl::flat_hash_map<std::string, std::vector<size_t>> groups_of_chapter;
  for (size_t i = 0; i < result.blocks.size(); ++i) {
    Block& block = result.blocks[i];
    block.set_grouping(!holds_categories[i]);
    SplitRange(block.range(), &bounds[i].first, &bounds[i].second);
    if (block.grouping()) groups_of_chapter[block.chapter()].push_back(i);
  }
  for (size_t i = 0; i < result.blocks.size(); ++i) {
    Block& block = result.blocks[i];
    auto groups = groups_of_chapter.find(block.chapter());
    if (groups == groups_of_chapter.end()) continue;
    const auto& [first, last] = bounds[i];
    size_t best = i;  // none yet
    for (size_t group : groups->second) {
      if (group == i) continue;
      const auto& [g_first, g_last] = bounds[group];
      if (g_first > first || last > g_last) continue;
      if (g_first == first && g_last == last) continue;
      if (best == i || (g_first >= bounds[best].first && g_last <= bounds[best].second)) {
        best = group;
      }
    }
    if (best != i) block.set_parent_range(result.blocks[best].range());
  }
  return result;
}

bool NormalizeIcd10cmCode(absl::string_view written, std::string* code,
                          bool* needs_more_characters) {
  absl::string_view text = absl::StripAsciiWhitespace(written);
  *needs_more_characters = absl::ConsumeSuffix(&text, "-");
  code->clear();
  for (char c : text) {
    if (c == '.') continue;
    if (!IsAlnum(c)) return false;
    code->push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (code->size() < 3 || code->size() > 7) return false;
  if (!IsCategoryCode(code->substr(0, 3))) return false;
  return true;
}

// ---- Index XML -------------------------------------------------------------

namespace {

// Deepest mainTerm/term nesting accepted (the FY2026 files reach level 8,
// nine deep). Every term copies its parent's path, so without a bound a
// small file of nested terms would need memory quadratic in its size.
constexpr int kMaxTermNesting = 32;

// Expat callbacks collect into this state.
class IndexParser {
 public:
  IndexParser(absl::string_view file_name, IndexSource source)
      : file_name_(file_name), source_(source) {}

  absl::StatusOr<Icd10cmIndex> Parse(absl::string_view data) {
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> parser(
        XML_ParserCreate(nullptr), XML_ParserFree);
    if (parser == nullptr) return absl::ResourceExhaustedError("cannot create an XML parser");
    parser_ = parser.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &IndexParser::OnStart, &IndexParser::OnEnd);
    XML_SetCharacterDataHandler(parser_, &IndexParser::OnText);
    if (data.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
      return LineError(file_name_, 1, "file too large");
    }
    if (XML_Parse(parser_, data.data(), static_cast<int>(data.size()), /*isFinal=*/1) ==
        XML_STATUS_ERROR) {
      if (!error_.ok()) return error_;
      return LineError(file_name_, static_cast<int>(XML_GetCurrentLineNumber(parser_)),
                       absl::StrCat("XML error: ", XML_ErrorString(XML_GetErrorCode(parser_))));
    }
    if (!error_.ok()) return error_;
    return std::move(result_);
  }

 private:
  struct Open {
    std::string name;
    int term = -1;          // index in result_.terms for mainTerm/term
    int current_term = -1;  // the innermost open mainTerm/term, this one included
    int term_nesting = 0;   // how many mainTerm/term are open, this one included
    int column = 0;
  };

  // Expat may still deliver callbacks after XML_StopParser (the end of an
  // empty element whose start failed, for one); once failed, they are
  // ignored: the element stack no longer matches the document.
  static void OnStart(void* self, const XML_Char* name, const XML_Char** attributes) {
    auto* parser = static_cast<IndexParser*>(self);
    if (parser->error_.ok()) parser->Start(name, attributes);
  }
  static void OnEnd(void* self, const XML_Char* name) {
    auto* parser = static_cast<IndexParser*>(self);
    if (parser->error_.ok()) parser->End(name);
  }
  static void OnText(void* self, const XML_Char* text, int length) {
    auto* parser = static_cast<IndexParser*>(self);
    if (parser->error_.ok() && parser->collecting_) {
      parser->text_.append(text, static_cast<size_t>(length));
    }
  }

  int Line() const { return static_cast<int>(XML_GetCurrentLineNumber(parser_)); }

  void Fail(absl::Status status) {
    if (error_.ok()) error_ = std::move(status);
    XML_StopParser(parser_, XML_FALSE);
  }

  // The innermost open mainTerm/term, or -1.
  int CurrentTerm() const { return open_.empty() ? -1 : open_.back().current_term; }
  int TermNesting() const { return open_.empty() ? 0 : open_.back().term_nesting; }

  static std::string Attribute(const XML_Char** attributes, absl::string_view name) {
    for (int i = 0; attributes[i] != nullptr; i += 2) {
      if (name == attributes[i]) return attributes[i + 1];
    }
    return "";
  }

  void Start(absl::string_view name, const XML_Char** attributes) {
    Open open;
    open.name = std::string(name);
    open.current_term = CurrentTerm();
    open.term_nesting = TermNesting();
    const std::string parent = open_.empty() ? "" : open_.back().name;
    if (name == "mainTerm" || name == "term") {
      int level = 0;
      if (name == "term" && !absl::SimpleAtoi(Attribute(attributes, "level"), &level)) {
        return Fail(LineError(file_name_, Line(), "<term> without a numeric level"));
      }
      const int parent_term = CurrentTerm();
      if (name == "term" && parent_term < 0) {
        return Fail(LineError(file_name_, Line(), "<term> outside a <mainTerm>"));
      }
      if (++open.term_nesting > kMaxTermNesting) {
        return Fail(LineError(file_name_, Line(),
                              absl::StrCat("terms nested more than ", kMaxTermNesting, " deep")));
      }
      open.term = static_cast<int>(result_.terms.size());
      open.current_term = open.term;
      IndexTerm& term = result_.terms.emplace_back();
      term.set_source(source_);
      term.set_level(level);
      term.set_file(std::string(file_name_));
      term.set_line_number(Line());
      if (parent_term >= 0) *term.mutable_path() = result_.terms[parent_term].path();
      open.column = term.path_size();  // a title must add to the path
    } else if (name == "title" && (parent == "mainTerm" || parent == "term")) {
      StartText();
    } else if (name == "code" || name == "subcat" || name == "see" || name == "seeAlso" ||
               name == "version") {
      StartText();
    } else if (name == "cell" || name == "head") {
      if (!absl::SimpleAtoi(Attribute(attributes, "col"), &open.column)) {
        return Fail(LineError(file_name_, Line(), absl::StrCat("<", name, "> without a col")));
      }
      StartText();
    } else if (collecting_) {
      text_.push_back(' ');  // <nemod> and the like: words stay apart.
    }
    open_.push_back(std::move(open));
  }

  void StartText() {
    collecting_ = true;
    text_.clear();
    text_line_ = Line();
  }

  void End(absl::string_view name) {
    if (open_.empty()) return;
    Open open = std::move(open_.back());
    open_.pop_back();
    const int term_index = CurrentTerm();
    if (name == "mainTerm" || name == "term") {
      if (result_.terms[open.term].path_size() == open.column) {
        return Fail(LineError(file_name_, result_.terms[open.term].line_number(),
                              absl::StrCat("<", name, "> without a <title>")));
      }
      return;
    }
    if (!collecting_) return;
    if (name != "title" && name != "code" && name != "subcat" && name != "see" &&
        name != "seeAlso" && name != "version" && name != "cell" && name != "head") {
      text_.push_back(' ');
      return;
    }
    collecting_ = false;
    std::string text = CollapseWhitespace(text_);
    if (name == "version") {
      result_.version = text;
      return;
    }
    if (name == "head") {
      columns_[open.column] = text;
      return;
    }
    if (term_index < 0) return;  // a letter's or the document's title
    IndexTerm& term = result_.terms[term_index];
    if (name == "title") {
      if (text.empty()) return Fail(LineError(file_name_, text_line_, "empty term title"));
      // One title per term: the path holds one title per enclosing term.
      if (term.path_size() >= TermNesting()) {
        return Fail(LineError(file_name_, text_line_, "a second <title> in one term"));
      }
      term.add_path(text);
    } else if (name == "see") {
      term.add_see(text);
    } else if (name == "seeAlso") {
      term.add_see_also(text);
    } else {
      // code, subcat, cell: "-" and "--" table cells mean no code.
      if (name == "cell" && (text.empty() || text.find_first_not_of('-') == std::string::npos)) {
        return;
      }
      std::string code;
      bool needs_more = false;
      if (!NormalizeIcd10cmCode(text, &code, &needs_more)) {
        return Fail(LineError(file_name_, text_line_,
                              absl::StrCat("'", absl::CHexEscape(text), "' in <", name,
                                           "> is not an ICD-10-CM code")));
      }
      auto* index_code = term.add_codes();
      index_code->set_code(code);
      index_code->set_written(text);
      // A subcategory reference ("code to T75.0-") always needs more.
      index_code->set_needs_more_characters(needs_more || name == "subcat");
      if (name == "cell") {
        auto it = columns_.find(open.column);
        index_code->set_column(it == columns_.end() ? absl::StrCat("column ", open.column)
                                                    : it->second);
      } else if (name == "subcat") {
        index_code->set_column("subcategory");
      }
    }
  }

  absl::string_view file_name_;
  IndexSource source_;
  XML_Parser parser_ = nullptr;
  Icd10cmIndex result_;
  std::vector<Open> open_;
  std::map<int, std::string> columns_;
  bool collecting_ = false;
  std::string text_;
  int text_line_ = 0;
  absl::Status error_;
};

}  // namespace

absl::StatusOr<Icd10cmIndex> ReadIcd10cmIndex(absl::string_view file_name, absl::string_view data,
                                              IndexSource source) {
  return IndexParser(file_name, source).Parse(data);
}

// ---- Order file ------------------------------------------------------------

absl::StatusOr<std::vector<CodeRecord>> ReadIcd10cmOrderFile(absl::string_view file_name,
                                                             absl::string_view data) {
  if (absl::StartsWith(data, kUtf8Bom)) data.remove_prefix(kUtf8Bom.size());
  const bool utf8 = IsValidUtf8(data);
  auto text = [utf8](absl::string_view raw) {
    return CollapseWhitespace(utf8 ? std::string(raw) : Cp1252ToUtf8(raw));
  };
  std::vector<CodeRecord> records;
  absl::flat_hash_map<std::string, int> line_of;
  const std::vector<absl::string_view> lines = SplitLines(data);
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    const absl::string_view line = lines[i];
    if (IsBlank(line)) continue;
    auto error = [&](absl::string_view reason) {
      return LineError(file_name, line_number, reason);
    };
    if (line.size() < 78) {
      return error(absl::StrCat("line is ", line.size(),
                                " characters long; an order-file record has a long description "
                                "from column 78"));
    }
    const absl::string_view order = line.substr(0, 5);
    int order_number = 0;
    if (!std::all_of(order.begin(), order.end(), IsDigit) ||
        !absl::SimpleAtoi(order, &order_number)) {
      return error(absl::StrCat("order number (columns 1-5) '", absl::CHexEscape(order),
                                "' is not 5 digits"));
    }
    if (line[5] != ' ' || line[13] != ' ' || line[15] != ' ' || line[76] != ' ') {
      return error("columns 6, 14, 16 and 77 must be blank");
    }
    const absl::string_view raw_code = absl::StripAsciiWhitespace(line.substr(6, 7));
    std::string code;
    bool dash = false;
    if (raw_code.find('.') != absl::string_view::npos ||
        !NormalizeIcd10cmCode(raw_code, &code, &dash) || dash) {
      return error(absl::StrCat("code (columns 7-13) '", absl::CHexEscape(raw_code),
                                "' is not an ICD-10-CM code written without a dot"));
    }
    const char flag = line[14];
    if (flag != '0' && flag != '1') {
      return error(absl::StrCat("billable flag (column 15) is '",
                                absl::CHexEscape(absl::string_view(&flag, 1)),
                                "', expected 0 or 1"));
    }
    std::string short_description = text(line.substr(16, 60));
    std::string long_description = text(line.substr(77));
    if (short_description.empty()) return error(absl::StrCat(code, " has no short description"));
    if (long_description.empty()) return error(absl::StrCat(code, " has no long description"));
    auto [it, inserted] = line_of.emplace(code, line_number);
    if (!inserted) return error(absl::StrCat(code, " already listed on line ", it->second));
    CodeRecord& record = records.emplace_back();
    record.set_code(code);
    record.set_kind(RECORD_KIND_CODE);
    record.set_order_number(order_number);
    record.set_billable(flag == '1' ? BILLABLE_YES : BILLABLE_NO);
    record.set_short_description(std::move(short_description));
    record.set_long_description(std::move(long_description));
    record.set_line_number(line_number);
  }
  return records;
}

}  // namespace codingahead::importer
