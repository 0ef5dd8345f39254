#include "services/catalog/search_text.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace codingahead::catalog {

// Generated from content/synonyms.tsv (see CMakeLists.txt).
extern const char kBuiltInSynonymsTsv[];

namespace {

bool IsWordByte(unsigned char c) { return absl::ascii_isalnum(c) || c >= 0x80; }

}  // namespace

std::vector<TextToken> Tokenize(absl::string_view text) {
  std::vector<TextToken> tokens;
  tokens.reserve(text.size() / 6 + 1);  // about one word in six bytes: few regrowths
  size_t i = 0;
  // Start of the current hyphenated run (index into tokens), or -1.
  int run_start = -1;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!IsWordByte(c)) {
      ++i;
      continue;
    }
    TextToken token;
    token.begin = i;
    bool numeric = true;
    while (i < text.size()) {
      const unsigned char d = static_cast<unsigned char>(text[i]);
      if (IsWordByte(d)) {
        token.word.push_back(static_cast<char>(absl::ascii_tolower(d)));
        numeric = numeric && absl::ascii_isdigit(d);
        ++i;
      } else if (d == '\'' && i + 1 < text.size() &&
                 IsWordByte(static_cast<unsigned char>(text[i + 1])) && !token.word.empty()) {
        ++i;  // "patient's" -> "patients"
      } else {
        break;
      }
    }
    token.end = i;
    token.numeric = numeric;
    const bool joined_before = run_start >= 0 && token.begin > 0 && text[token.begin - 1] == '-' &&
                               tokens.back().end + 1 == token.begin;
    if (!joined_before) run_start = static_cast<int>(tokens.size());
    tokens.push_back(std::move(token));
    if (joined_before) {
      TextToken& last = tokens.back();
      std::string compound;
      for (size_t t = run_start; t < tokens.size(); ++t) compound += tokens[t].word;
      last.compound = std::move(compound);
      last.compound_begin = tokens[run_start].begin;
      tokens[tokens.size() - 2].compound.clear();
    }
  }
  return tokens;
}

bool IsStopWord(absl::string_view word) {
  static const auto* words = new absl::flat_hash_set<std::string>{
      "a",    "an",   "and", "are",  "as",    "at",   "be",   "by",    "for",  "from",
      "has",  "have", "in",  "into", "is",    "it",   "its",  "of",    "on",   "or",
      "than", "that", "the", "this", "to",    "was",  "were", "which", "will", "with",
      "w",    "per",  "any", "all",  "other", "type", "use",  "used"};
  return words->contains(word);
}

int TypoBudget(size_t length) {
  if (length <= 4) return 0;
  if (length <= 8) return 1;
  return 2;
}

int BoundedEditDistance(absl::string_view a, absl::string_view b, int max_distance) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > max_distance) return max_distance + 1;
  // Three rows: i-2, i-1, i.
  constexpr int kMaxLength = 64;
  if (n > kMaxLength || m > kMaxLength) return a == b ? 0 : max_distance + 1;
  int rows[3][kMaxLength + 1];
  int* prev2 = rows[0];
  int* prev = rows[1];
  int* cur = rows[2];
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max_distance) return max_distance + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m] <= max_distance ? prev[m] : max_distance + 1;
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      code = (code << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) ||
        (extra == 3 && code < 0x10000) || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

SynonymTable SynonymTable::Parse(absl::string_view tsv) {
  SynonymTable table;
  for (absl::string_view line : absl::StrSplit(tsv, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() < 2) continue;
    // "a|b" in the second column: alternatives, one entry each.
    for (absl::string_view alternative : absl::StrSplit(fields[1], '|')) {
      Synonym synonym;
      for (const auto& t : Tokenize(fields[0])) synonym.phrase.push_back(t.word);
      for (const auto& t : Tokenize(alternative)) synonym.replacement.push_back(t.word);
      if (synonym.phrase.empty() || synonym.replacement.empty()) continue;
      table.longest_ = std::max(table.longest_, synonym.phrase.size());
      table.entries_.push_back(std::move(synonym));
    }
  }
  return table;
}

const SynonymTable& SynonymTable::BuiltIn() {
  static const auto* table = new SynonymTable(Parse(kBuiltInSynonymsTsv));
  return *table;
}

}  // namespace codingahead::catalog
