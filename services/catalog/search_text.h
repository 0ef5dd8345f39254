#ifndef CODINGAHEAD_SERVICES_CATALOG_SEARCH_TEXT_H_
#define CODINGAHEAD_SERVICES_CATALOG_SEARCH_TEXT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

// Text handling shared by the search index and the query parser: one
// tokenizer for descriptors and queries, the typo budget and a bounded
// Damerau-Levenshtein distance, and the synonym vocabulary.
namespace codingahead::catalog {

// One word of a text: lower-cased ASCII (other bytes kept), apostrophes
// dropped. Hyphenated runs ("gastro-esophageal") give their parts as words
// and the joined compound ("gastroesophageal") on the last part.
struct TextToken {
  std::string word;
  size_t begin = 0;  // byte offsets in the source text
  size_t end = 0;
  bool numeric = false;  // only digits
  std::string compound;  // set on the last part of a hyphenated run
  size_t compound_begin = 0;
};

std::vector<TextToken> Tokenize(absl::string_view text);

// Common function words that carry no meaning in a query or descriptor.
bool IsStopWord(absl::string_view word);

// Typos tolerated in a word of `length` letters: 0 up to 4, 1 for 5-8,
// 2 for 9 and more.
int TypoBudget(size_t length);

// Damerau-Levenshtein distance (optimal string alignment: adjacent
// transpositions count 1) when it is at most `max_distance`, else
// max_distance + 1. Stops early once every alignment exceeds the bound.
int BoundedEditDistance(absl::string_view a, absl::string_view b, int max_distance);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(absl::string_view text);

// Text with <, >, &, " and ' escaped for HTML.
std::string HtmlEscape(absl::string_view text);

// The synonym vocabulary (services/catalog/content/synonyms.tsv): a phrase
// as people type it and the clinical words descriptors use for it. General
// vocabulary only, never "query -> code".
struct Synonym {
  std::vector<std::string> phrase;       // folded words
  std::vector<std::string> replacement;  // folded words
};

class SynonymTable {
 public:
  // Parses "phrase<TAB>replacement[<TAB>note]" lines; '#' starts a comment.
  static SynonymTable Parse(absl::string_view tsv);
  // The synonyms built into the binary from content/synonyms.tsv.
  static const SynonymTable& BuiltIn();

  const std::vector<Synonym>& entries() const { return entries_; }
  size_t longest_phrase() const { return longest_; }

 private:
  std::vector<Synonym> entries_;
  size_t longest_ = 0;
};

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_SEARCH_TEXT_H_
