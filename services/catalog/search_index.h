#ifndef CODINGAHEAD_SERVICES_CATALOG_SEARCH_INDEX_H_
#define CODINGAHEAD_SERVICES_CATALOG_SEARCH_INDEX_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "catalog/v1/catalog.pb.h"
#include "common/status.h"
#include "services/catalog/catalog_index.h"
#include "services/catalog/search_text.h"

namespace Xapian {
class Database;
}  // namespace Xapian

// SearchCodes and SuggestCodes: ranked full-text search over descriptors,
// ICD-10-CM index terms and a synonym vocabulary, with typo tolerance,
// prefix matching, code / code-prefix / range look-ups and filters.
// See docs/search.md.
namespace codingahead::catalog {

namespace v1 = ::codingahead::catalog::v1;

inline constexpr size_t kMaxSearchQueryBytes = 256;
inline constexpr size_t kMaxSuggestPrefixBytes = 64;
inline constexpr int kDefaultSearchPageSize = 20;
inline constexpr int kMaxSearchPageSize = 100;
inline constexpr int kDefaultSuggestLimit = 10;
inline constexpr int kMaxSuggestLimit = 50;

// A query taken apart: a range of codes, codes, or words.
struct ParsedQuery {
  enum class Kind { kText, kRange };
  Kind kind = Kind::kText;
  // kRange: normalised ends ("E0100", "A00") and their code set.
  std::string range_start;
  std::string range_end;
  snapshot_v1::CodeSet range_code_set = snapshot_v1::CODE_SET_UNSPECIFIED;
  // Code-shaped chunks, normalised ("a00.1" -> "A001").
  std::vector<std::string> codes;
  // The words (code-shaped chunks excluded), in order.
  std::vector<TextToken> words;
  // The query did not end in a space: its last word may be a prefix.
  bool last_word_is_prefix = false;
};

// Parses a query; adds field violations named `field` for a malformed range
// (end before start, ends of different code sets).
ParsedQuery ParseSearchQuery(absl::string_view query, const std::string& field,
                             common::BadRequestBuilder* errors);

// True when a normalised chunk can be a code or the start of one: a letter
// then a digit ("E0", "A00", "E0100", "T501X1"), or 3 to 5 digits ("992",
// "99213", "0538T").
bool LooksLikeCode(const std::string& normalized);

class SearchIndex {
 public:
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Indexes every code of `index` (all releases) in a Xapian database in a
  // fresh temporary folder (removed with the object).
  static absl::StatusOr<std::unique_ptr<const SearchIndex>> Build(const CatalogIndex& index,
                                                                  const SynonymTable& synonyms);

  // `index` must be the catalog this was built from.
  absl::StatusOr<v1::SearchCodesResponse> Search(const CatalogIndex& index,
                                                 const v1::SearchCodesRequest& request) const;
  absl::StatusOr<v1::SuggestCodesResponse> Suggest(const CatalogIndex& index,
                                                   const v1::SuggestCodesRequest& request) const;

  struct Stats {
    int documents = 0;
    int vocabulary = 0;
    int64_t disk_bytes = 0;
    int handles = 0;     // read handles in the pool
    std::string folder;  // where it was built (removed once the handles are open)
    absl::Duration build_time;
  };
  const Stats& stats() const { return stats_; }

  // Words of the dictionary within the typo budget of `word`, nearest then
  // most frequent first (at most `limit`). Exposed for tests.
  std::vector<std::string> TypoCandidates(const std::string& word, size_t limit) const;

  // One searchable code (a Xapian document; docid = position + 1).
  struct Entry {
    snapshot_v1::CodeSet code_set;
    std::string code;  // normalised
    // Dates as yyyymmdd of the newest release holding the code; index-only
    // codes are never active (status unknown).
    int32_t added = 0;
    int32_t terminated = 99999999;
    bool billable_ok = false;
    bool index_only = false;
    // Licensed CPT text: searchable, never shown.
    bool licensed_text = false;
    std::vector<int> releases;  // positions in release_ids_
    const snapshot_v1::CodeRecord* latest = nullptr;
    const snapshot_v1::IndexTerm* first_term = nullptr;
  };

  // What a request's filter allows, per code set.
  struct Filter {
    bool allowed[5] = {false, false, false, false, false};
    int release[5] = {-1, -1, -1, -1, -1};
    int32_t as_of[5] = {0, 0, 0, 0, 0};
    std::optional<absl::CivilDay> day[5];
    bool active_only = false;
    bool billable_only = false;
    bool Accepts(const Entry& entry) const;
  };

 private:
  SearchIndex() = default;

  struct Word {
    std::string text;
    int df = 0;
    uint32_t letters = 0;  // which letters it uses (a cheap typo bound)
  };

  class DatabaseLease;

  absl::StatusOr<Filter> ResolveFilter(const CatalogIndex& index, const v1::SearchFilter& filter,
                                       common::BadRequestBuilder* errors) const;
  std::unique_ptr<Xapian::Database> AcquireDatabase() const;
  void ReleaseDatabase(std::unique_ptr<Xapian::Database> db) const;
  int FindWord(absl::string_view word) const;  // -1 when absent
  // TypoCandidates of a word not in the dictionary, remembered per word.
  std::vector<std::string> CachedTypoCandidates(const std::string& word) const;
  std::vector<int> PrefixWords(absl::string_view prefix, size_t limit) const;

  std::string dir_;
  std::vector<Entry> entries_;  // sorted by code, then code set
  std::vector<std::string> release_ids_;
  std::vector<Word> words_;  // sorted by text
  std::vector<std::vector<int>> words_by_length_;
  absl::flat_hash_set<std::string> stems_;
  // Every dictionary word's stem, so snippets need not run the stemmer.
  absl::flat_hash_map<std::string, std::string> stem_of_;
  absl::flat_hash_map<std::string, std::vector<int>> top_words_by_prefix_;
  // Synonyms keyed by the stems of their phrase joined with spaces.
  absl::flat_hash_map<std::string, std::vector<std::vector<std::string>>> synonyms_;
  size_t longest_synonym_ = 0;
  std::vector<double> priors_;  // per document (docid - 1), 0..1
  Stats stats_;

  mutable absl::Mutex typo_mu_;
  mutable absl::flat_hash_map<std::string, std::vector<std::string>> typo_cache_
      ABSL_GUARDED_BY(typo_mu_);

  mutable absl::Mutex pool_mu_;
  mutable std::vector<std::unique_ptr<Xapian::Database>> pool_ ABSL_GUARDED_BY(pool_mu_);
};

// The RPC entry points: validate, resolve the filter and search the
// catalog's search index.
absl::StatusOr<v1::SearchCodesResponse> SearchCodes(const CatalogIndex& index,
                                                    const v1::SearchCodesRequest& request);
absl::StatusOr<v1::SuggestCodesResponse> SuggestCodes(const CatalogIndex& index,
                                                      const v1::SuggestCodesRequest& request);

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_SEARCH_INDEX_H_
