#include "services/catalog/search_index.h"

#include <stdlib.h>
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/date.h"
#include "common/hash.h"
#include "services/catalog/code_lookup.h"
#include "services/catalog/code_set_name.h"

namespace codingahead::catalog {
namespace {

constexpr char kHeadingPrefix[] = "H";
// Two words next to each other in one text (stop words between them
// skipped), in either order: "P<stem> <stem>" with the stems sorted.
constexpr char kPairPrefix[] = "P";
constexpr char kTokenVersion[] = "s1";
constexpr size_t kMaxPageTokenLength = 512;
// Candidates Xapian examines in full, so totals and facets are exact up to it.
constexpr Xapian::doccount kCheckAtLeast = 100;
constexpr int kMaxTypoCandidates = 3;
// Words whose typo candidates are remembered (per snapshot).
constexpr size_t kTypoCacheSize = 10000;
constexpr size_t kMaxPrefixExpansions = 8;
constexpr size_t kTopWordsPerPrefix = 50;

// Weights relative to an exact word.
constexpr double kTypoWeight1 = 0.6;
constexpr double kTypoWeight2 = 0.4;
constexpr double kPrefixWeight = 0.5;
// A heading word adds a fixed weight (an exact word typically adds 3-15).
constexpr double kHeadingWeight = 1.5;
constexpr double kSynonymWeight = 1.0;
constexpr double kAllWordsBonus = 1.0;
// Two query words that stand next to each other in one descriptor or index
// term (a proximity bonus, per adjacent pair of the query).
constexpr double kPairWeight = 2.0;
// A document's prior (value slot kPriorSlot, 0..1) is added with this weight:
// codes of the tabular list or a code file before codes only the index
// knows, and among those the index's first column (poisoning accidental,
// malignant primary) before the others; discontinued codes after current ones.
constexpr Xapian::valueno kPriorSlot = 0;
constexpr double kPriorWeight = 2.0;
// Subtracted from the prior of HCPCS temporary codes (0.1 of score).
constexpr double kTemporaryCodeTieBreak = 0.05;
// BM25 with stronger length normalisation than Xapian's default (b = 0.5):
// a short descriptor that holds the words is the better answer.
constexpr double kBm25K1 = 1.2;
constexpr double kBm25B = 0.5;

int32_t DateKey(const google::type::Date& d) {
  return d.year() * 10000 + d.month() * 100 + d.day();
}
int32_t DayKey(absl::CivilDay d) {
  return static_cast<int32_t>(d.year() * 10000 + d.month() * 100 + d.day());
}
bool HasDate(const google::type::Date& d) {
  return d.year() != 0 && d.month() != 0 && d.day() != 0;
}

// Which of the letters a-z a word uses (other bytes fold into bit 26).
uint32_t LetterMask(absl::string_view word) {
  uint32_t mask = 0;
  for (char c : word) {
    mask |= (c >= 'a' && c <= 'z') ? (1u << (c - 'a')) : (1u << 26);
  }
  return mask;
}

bool IsUpperAscii(char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); }
bool IsDigitAscii(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }

// "a00.1" -> "A001"; nullopt when the chunk is not letters, digits and dots.
std::optional<std::string> NormalizeChunk(absl::string_view chunk) {
  std::string out;
  for (char c : chunk) {
    if (c == '.') continue;
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return std::nullopt;
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string StemOf(const Xapian::Stem& stem, const std::string& word, bool numeric) {
  return numeric ? word : stem(word);
}

std::string PairTerm(absl::string_view a, absl::string_view b) {
  return a < b ? absl::StrCat(kPairPrefix, a, " ", b) : absl::StrCat(kPairPrefix, b, " ", a);
}

// Index text: stems (numbers as written) and compounds, stop words left out.
// With `pairs`, also the pair term of every two neighbouring words.
void AddText(absl::string_view text, const char* prefix, const Xapian::Stem& stem,
             absl::flat_hash_map<std::string, int>* wdf, absl::flat_hash_set<std::string>* surface,
             absl::flat_hash_set<std::string>* pairs = nullptr) {
  std::string previous;
  for (const TextToken& token : Tokenize(text)) {
    if (!IsStopWord(token.word)) {
      std::string s = StemOf(stem, token.word, token.numeric);
      (*wdf)[absl::StrCat(prefix, s)] += 1;
      if (!token.numeric) surface->insert(token.word);
      if (pairs != nullptr) {
        if (!previous.empty() && previous != s) pairs->insert(PairTerm(previous, s));
        previous = std::move(s);
      }
    }
    if (!token.compound.empty()) {
      (*wdf)[absl::StrCat(prefix, stem(token.compound))] += 1;
      surface->insert(token.compound);
    }
  }
}

// The words of an index reference that are searched: the path and column.
std::string IndexText(const IndexReference& ref) {
  std::string text = absl::StrJoin(ref.term->path(), " ");
  if (!ref.code->column().empty()) absl::StrAppend(&text, " ", ref.code->column());
  return text;
}

// Stems of words, from the snapshot's dictionary (every indexed surface word
// stemmed once at build time) before the stemmer itself.
class CachedStemmer {
 public:
  CachedStemmer(const Xapian::Stem& stem,
                const absl::flat_hash_map<std::string, std::string>& known)
      : stem_(stem), known_(known) {}
  const std::string& operator()(const std::string& word, bool numeric = false) {
    if (numeric) return word;
    if (auto it = known_.find(word); it != known_.end()) return it->second;
    scratch_ = stem_(word);
    return scratch_;
  }

 private:
  const Xapian::Stem& stem_;
  const absl::flat_hash_map<std::string, std::string>& known_;
  std::string scratch_;
};

// `text` HTML-escaped with the words whose stems are in `stems` wrapped in
// <em>...</em>. Counts the matched words in `matched`.
std::string Highlight(absl::string_view text, const absl::flat_hash_set<std::string>& stems,
                      CachedStemmer& stem, int* matched) {
  std::vector<TextToken> tokens = Tokenize(text);
  std::vector<std::pair<size_t, size_t>> spans;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const TextToken& t = tokens[i];
    if (!t.compound.empty() && stems.contains(stem(t.compound))) {
      if (!spans.empty() && spans.back().first >= t.compound_begin) {
        while (!spans.empty() && spans.back().first >= t.compound_begin) spans.pop_back();
      }
      spans.push_back({t.compound_begin, t.end});
      continue;
    }
    if (!IsStopWord(t.word) && stems.contains(stem(t.word, t.numeric))) {
      spans.push_back({t.begin, t.end});
    }
  }
  *matched = static_cast<int>(spans.size());
  std::string out;
  size_t pos = 0;
  for (const auto& [begin, end] : spans) {
    if (begin < pos) continue;
    out += HtmlEscape(text.substr(pos, begin - pos));
    absl::StrAppend(&out, "<em>", HtmlEscape(text.substr(begin, end - begin)), "</em>");
    pos = end;
  }
  out += HtmlEscape(text.substr(pos));
  return out;
}

// How many words of `text` Highlight would wrap (without building it).
int CountMatches(absl::string_view text, const absl::flat_hash_set<std::string>& stems,
                 CachedStemmer& stem) {
  int matched = 0;
  for (const TextToken& t : Tokenize(text)) {
    if (!t.compound.empty() && stems.contains(stem(t.compound))) {
      ++matched;
    } else if (!IsStopWord(t.word) && stems.contains(stem(t.word, t.numeric))) {
      ++matched;
    }
  }
  return matched;
}

std::string FilterKey(const v1::SearchFilter& filter) {
  std::vector<int> sets(filter.code_sets().begin(), filter.code_sets().end());
  std::sort(sets.begin(), sets.end());
  sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
  const auto& d = filter.date_of_service();
  return absl::StrCat(absl::StrJoin(sets, ","), "\x1f", filter.release_id(), "\x1f", d.year(), "-",
                      d.month(), "-", d.day(), "\x1f", filter.active_only() ? 1 : 0,
                      filter.billable_only() ? 1 : 0);
}

std::string TokenPayload(const std::string& query, const v1::SearchFilter& filter, int offset) {
  const std::string binding =
      common::Sha256::HexDigest(absl::StrCat(query, "\x1e", FilterKey(filter))).substr(0, 16);
  return absl::StrCat(kTokenVersion, "|", binding, "|", offset);
}

std::string TokenCheck(const std::string& payload) {
  return common::Sha256::HexDigest(absl::StrCat("ca-search-codes|", payload)).substr(0, 16);
}

std::string MakePageToken(const std::string& query, const v1::SearchFilter& filter, int offset) {
  const std::string payload = TokenPayload(query, filter, offset);
  return absl::WebSafeBase64Escape(absl::StrCat(payload, "|", TokenCheck(payload)));
}

// The offset a token resumes at; a violation when it is malformed, tampered
// with, or belongs to another query or filter.
std::optional<int> ParsePageToken(const std::string& token, const std::string& query,
                                  const v1::SearchFilter& filter,
                                  common::BadRequestBuilder* errors) {
  std::string decoded;
  if (token.size() > kMaxPageTokenLength || !absl::WebSafeBase64Unescape(token, &decoded)) {
    errors->Add("page_token", "not a page token returned by SearchCodes");
    return std::nullopt;
  }
  const size_t bar = decoded.rfind('|');
  if (bar == std::string::npos || TokenCheck(decoded.substr(0, bar)) != decoded.substr(bar + 1)) {
    errors->Add("page_token", "not a page token returned by SearchCodes");
    return std::nullopt;
  }
  std::vector<std::string> parts = absl::StrSplit(decoded.substr(0, bar), '|');
  int offset = 0;
  if (parts.size() != 3 || parts[0] != kTokenVersion || !absl::SimpleAtoi(parts[2], &offset) ||
      offset <= 0) {
    errors->Add("page_token", "not a page token returned by SearchCodes");
    return std::nullopt;
  }
  if (TokenPayload(query, filter, offset) != decoded.substr(0, bar)) {
    errors->Add("page_token",
                "the page token belongs to another query or filter; start again without a page "
                "token");
    return std::nullopt;
  }
  return offset;
}

// The documents' priors (weighted), from memory: the same figures as the
// value slot, without reading the value stream for every candidate.
class PriorSource : public Xapian::PostingSource {
 public:
  PriorSource(const std::vector<double>* priors, double weight)
      : priors_(priors), weight_(weight) {}
  Xapian::doccount get_termfreq_min() const override { return priors_->size(); }
  Xapian::doccount get_termfreq_est() const override { return priors_->size(); }
  Xapian::doccount get_termfreq_max() const override { return priors_->size(); }
  void init(const Xapian::Database&) override {
    did_ = 0;
    set_maxweight(weight_);
  }
  void next(double) override { ++did_; }
  void skip_to(Xapian::docid did, double) override { did_ = std::max(did_, did); }
  bool check(Xapian::docid did, double) override {
    did_ = std::max(did_, did);
    return true;
  }
  bool at_end() const override { return did_ > priors_->size(); }
  Xapian::docid get_docid() const override { return did_; }
  double get_weight() const override { return weight_ * (*priors_)[did_ - 1]; }
  Xapian::PostingSource* clone() const override { return new PriorSource(priors_, weight_); }
  std::string get_description() const override { return "PriorSource"; }

 private:
  const std::vector<double>* priors_;
  double weight_;
  Xapian::docid did_ = 0;
};

// Accepts the documents a filter allows, except codes already listed as code
// hits, and counts them by code set.
class FilterDecider : public Xapian::MatchDecider {
 public:
  FilterDecider(const std::vector<SearchIndex::Entry>& entries, const SearchIndex::Filter& filter,
                const absl::flat_hash_set<int>& exclude)
      : entries_(entries), filter_(filter), exclude_(exclude) {}
  bool operator()(const Xapian::Document& doc) const override {
    const int position = static_cast<int>(doc.get_docid()) - 1;
    if (position < 0 || position >= static_cast<int>(entries_.size())) return false;
    if (exclude_.contains(position)) return false;
    const SearchIndex::Entry& entry = entries_[position];
    if (!filter_.Accepts(entry)) return false;
    ++counts_[entry.code_set];
    ++accepted_;
    return true;
  }
  int count(int code_set) const { return counts_[code_set]; }
  int accepted() const { return accepted_; }

 private:
  const std::vector<SearchIndex::Entry>& entries_;
  const SearchIndex::Filter& filter_;
  const absl::flat_hash_set<int>& exclude_;
  mutable int counts_[5] = {0, 0, 0, 0, 0};
  mutable int accepted_ = 0;
};

}  // namespace

bool LooksLikeCode(const std::string& s) {
  if (s.size() < 2 || s.size() > 7) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  if (IsUpperAscii(s[0]) && IsDigitAscii(s[1])) return true;
  if (s.size() >= 3 && s.size() <= 5 && std::all_of(s.begin(), s.end(), IsDigitAscii)) return true;
  return s.size() == 5 && std::all_of(s.begin(), s.begin() + 4, IsDigitAscii) &&
         (s[4] == 'F' || s[4] == 'T' || s[4] == 'U');
}

ParsedQuery ParseSearchQuery(absl::string_view query, const std::string& field,
                             common::BadRequestBuilder* errors) {
  ParsedQuery parsed;
  parsed.last_word_is_prefix =
      !query.empty() && !absl::ascii_isspace(static_cast<unsigned char>(query.back()));
  absl::string_view trimmed = absl::StripAsciiWhitespace(query);
  // A range: two code-shaped ends around one hyphen.
  std::vector<absl::string_view> ends = absl::StrSplit(trimmed, '-');
  if (ends.size() == 2) {
    std::optional<std::string> a = NormalizeChunk(absl::StripAsciiWhitespace(ends[0]));
    std::optional<std::string> b = NormalizeChunk(absl::StripAsciiWhitespace(ends[1]));
    if (a.has_value() && b.has_value() && LooksLikeCode(*a) && LooksLikeCode(*b)) {
      const snapshot_v1::CodeSet sa = CodeSetForShape(*a);
      const snapshot_v1::CodeSet sb = CodeSetForShape(*b);
      if (sa == snapshot_v1::CODE_SET_UNSPECIFIED || sa != sb) {
        errors->Add(field, absl::StrCat("range ", trimmed,
                                        " mixes code sets (or is not a range of codes): both "
                                        "ends must be codes of one code set, e.g. "
                                        "\"E0100-E0105\" or \"A00-A09\""));
        return parsed;
      }
      if (*b < *a) {
        errors->Add(field, absl::StrCat("range ", trimmed, " ends before it starts"));
        return parsed;
      }
      parsed.kind = ParsedQuery::Kind::kRange;
      parsed.range_start = *a;
      parsed.range_end = *b;
      parsed.range_code_set = sa;
      return parsed;
    }
  }
  size_t pos = 0;
  while (pos < query.size()) {
    while (pos < query.size() && absl::ascii_isspace(static_cast<unsigned char>(query[pos]))) ++pos;
    size_t end = pos;
    while (end < query.size() && !absl::ascii_isspace(static_cast<unsigned char>(query[end])))
      ++end;
    if (end == pos) break;
    absl::string_view chunk = query.substr(pos, end - pos);
    absl::string_view bare = absl::StripTrailingAsciiWhitespace(chunk);
    while (!bare.empty() && absl::StrContains(",;:()\"'", bare.back())) bare.remove_suffix(1);
    while (!bare.empty() && absl::StrContains(",;:()\"'", bare.front())) bare.remove_prefix(1);
    std::optional<std::string> normalized = NormalizeChunk(bare);
    if (normalized.has_value() && LooksLikeCode(*normalized)) {
      parsed.codes.push_back(*normalized);
    } else {
      for (TextToken token : Tokenize(chunk)) {
        token.begin += pos;
        token.end += pos;
        token.compound_begin += pos;
        parsed.words.push_back(std::move(token));
      }
    }
    pos = end;
  }
  return parsed;
}

bool SearchIndex::Filter::Accepts(const Entry& entry) const {
  const int set = entry.code_set;
  if (set < 0 || set >= 5 || !allowed[set]) return false;
  if (release[set] >= 0 && std::find(entry.releases.begin(), entry.releases.end(), release[set]) ==
                               entry.releases.end()) {
    return false;
  }
  if (active_only && !(entry.added <= as_of[set] && as_of[set] <= entry.terminated)) return false;
  if (billable_only && !entry.billable_ok) return false;
  return true;
}

SearchIndex::~SearchIndex() {
  {
    absl::MutexLock lock(&pool_mu_);
    pool_.clear();
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

absl::StatusOr<std::unique_ptr<const SearchIndex>> SearchIndex::Build(
    const CatalogIndex& index, const SynonymTable& synonyms) {
  const absl::Time start = absl::Now();
  std::unique_ptr<SearchIndex> out(new SearchIndex());
  Xapian::Stem stem("english");

  struct Pending {
    Entry entry;
    std::vector<std::string> texts;           // descriptors (distinct)
    std::vector<std::string> headings;        // ICD block and chapter titles
    std::vector<const IndexReference*> refs;  // index references
  };
  std::vector<Pending> pending;
  absl::flat_hash_map<std::pair<int, std::string>, int> position;
  auto entry_for = [&](snapshot_v1::CodeSet set, const std::string& code) -> Pending& {
    auto [it, inserted] = position.try_emplace(std::make_pair(static_cast<int>(set), code), 0);
    if (inserted) {
      it->second = static_cast<int>(pending.size());
      pending.emplace_back();
      pending.back().entry.code_set = set;
      pending.back().entry.code = code;
    }
    return pending[it->second];
  };
  auto add_distinct = [](std::vector<std::string>* texts, const std::string& text) {
    if (!text.empty() && std::find(texts->begin(), texts->end(), text) == texts->end()) {
      texts->push_back(text);
    }
  };

  for (snapshot_v1::CodeSet set : index.CodeSets()) {
    for (const ReleaseInfo& info : index.Releases(set)) {
      const snapshot_v1::Release& release = *info.release;
      const int release_position = static_cast<int>(out->release_ids_.size());
      out->release_ids_.push_back(release.id());
      absl::flat_hash_map<std::string, std::string> block_titles;
      absl::flat_hash_map<std::string, std::string> chapter_titles;
      for (const auto& block : release.blocks()) block_titles[block.range()] = block.title();
      for (const auto& chapter : release.chapters()) chapter_titles[chapter.id()] = chapter.title();
      for (const auto& record : release.records()) {
        Pending& p = entry_for(set, record.code());
        p.entry.releases.push_back(release_position);
        p.entry.latest = &record;
        p.entry.index_only = false;
        p.entry.licensed_text = set == snapshot_v1::CODE_SET_CPT && !release.placeholder();
        add_distinct(&p.texts, record.long_description());
        add_distinct(&p.texts, record.short_description());
        if (auto it = block_titles.find(record.block()); it != block_titles.end()) {
          add_distinct(&p.headings, it->second);
        }
        if (auto it = chapter_titles.find(record.chapter()); it != chapter_titles.end()) {
          add_distinct(&p.headings, it->second);
        }
      }
    }
  }
  // Codes the ICD-10-CM index lists: their index terms are searched, and a
  // code only the index knows is an entry of its own.
  for (const ReleaseInfo& info : index.Releases(snapshot_v1::CODE_SET_ICD10CM)) {
    const snapshot_v1::Release& release = *info.release;
    const int release_position = static_cast<int>(
        std::find(out->release_ids_.begin(), out->release_ids_.end(), release.id()) -
        out->release_ids_.begin());
    absl::flat_hash_set<std::string> seen;
    for (const auto& term : release.index_terms()) {
      for (const auto& code : term.codes()) {
        if (!seen.insert(code.code()).second) continue;
        const bool known = position.contains(
            std::make_pair(static_cast<int>(snapshot_v1::CODE_SET_ICD10CM), code.code()));
        Pending& p = entry_for(snapshot_v1::CODE_SET_ICD10CM, code.code());
        if (!known) {
          p.entry.index_only = true;
          p.entry.first_term = &term;
        }
        if (std::find(p.entry.releases.begin(), p.entry.releases.end(), release_position) ==
            p.entry.releases.end()) {
          p.entry.releases.push_back(release_position);
        }
        for (const IndexReference& ref : index.IndexReferences(info, code.code())) {
          p.refs.push_back(&ref);
        }
      }
    }
  }

  for (Pending& p : pending) {
    Entry& e = p.entry;
    if (e.index_only) {
      e.added = 99999999;  // status unknown: never counted active
      e.terminated = 0;
      e.billable_ok = false;
      continue;
    }
    e.added = HasDate(e.latest->added_date()) ? DateKey(e.latest->added_date()) : 0;
    e.terminated =
        HasDate(e.latest->termination_date()) ? DateKey(e.latest->termination_date()) : 99999999;
    if (e.code_set == snapshot_v1::CODE_SET_ICD10CM) {
      e.billable_ok = e.latest->billable() == snapshot_v1::BILLABLE_YES;
    } else {
      e.billable_ok = e.latest->kind() != snapshot_v1::RECORD_KIND_MODIFIER;
    }
  }
  std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    if (a.entry.code != b.entry.code) return a.entry.code < b.entry.code;
    return a.entry.code_set < b.entry.code_set;
  });

  int32_t newest_effective[5] = {0, 0, 0, 0, 0};
  for (snapshot_v1::CodeSet set : index.CodeSets()) {
    newest_effective[set] = DayKey(index.Releases(set).back().effective);
  }
  // The Xapian database, in a fresh temporary folder.
  const char* tmp = getenv("TMPDIR");
  std::string templ =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/ca-search-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a folder for the search index: ", templ,
                                            ": ", strerror(errno)));
  }
  out->dir_ = templ;
  absl::flat_hash_map<std::string, int> df;
  try {
    Xapian::WritableDatabase db(out->dir_,
                                Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
    db.begin_transaction(false);
    for (const Pending& p : pending) {
      absl::flat_hash_map<std::string, int> wdf;
      absl::flat_hash_set<std::string> surface;
      absl::flat_hash_set<std::string> pairs;
      // Descriptor versions (long, short, older releases) are variants of one
      // text: a word counts as often as the text that uses it most, not the
      // sum, so a code is not favoured for repeating itself.
      for (const std::string& text : p.texts) {
        absl::flat_hash_map<std::string, int> one;
        AddText(text, "", stem, &one, &surface, &pairs);
        for (const auto& [term, count] : one) wdf[term] = std::max(wdf[term], count);
      }
      // Index terms: each word once, however many rows repeat it, so a code
      // listed by many rows does not outweigh one whose descriptor says it.
      absl::flat_hash_map<std::string, int> index_wdf;
      for (const IndexReference* ref : p.refs) {
        AddText(IndexText(*ref), "", stem, &index_wdf, &surface, &pairs);
      }
      for (const auto& [term, count] : index_wdf) wdf[term] = std::max(wdf[term], 1);
      for (const std::string& text : p.headings) {
        AddText(text, kHeadingPrefix, stem, &wdf, &surface);
      }
      Xapian::Document doc;
      double prior = 1.0;
      if (!p.entry.index_only &&
          p.entry.terminated < newest_effective[static_cast<int>(p.entry.code_set)]) {
        prior = 0.6;  // discontinued before the newest release: after current codes
      }
      if (p.entry.code_set == snapshot_v1::CODE_SET_HCPCS && !p.entry.code.empty() &&
          absl::StrContains("CGHKQST", p.entry.code[0])) {
        // HCPCS temporary national codes (C, G, H, K, Q, S, T) after the
        // permanent ones on an equal match: a tie-break, not a penalty.
        prior -= kTemporaryCodeTieBreak;
      }
      if (p.entry.index_only) {
        int first_column = 5;
        for (const IndexReference* ref : p.refs) {
          for (int c = 0; c < ref->term->codes_size(); ++c) {
            if (&ref->term->codes(c) == ref->code) first_column = std::min(first_column, c);
          }
        }
        prior = std::max(0.05, 0.9 - 0.2 * first_column);
      }
      doc.add_value(kPriorSlot, Xapian::sortable_serialise(prior));
      out->priors_.push_back(prior);
      for (const std::string& pair : pairs) {
        if (pair.size() <= 200) doc.add_term(pair, 0);  // no wdf: not in the length
      }
      for (const auto& [term, count] : wdf) {
        if (term.size() > 200) continue;
        if (term.rfind(kHeadingPrefix, 0) == 0) {
          // Heading words carry no wdf, so they do not lengthen the
          // document (BM25 length normalisation is about its own text).
          doc.add_term(term, 0);
        } else {
          doc.add_term(term, count);
          out->stems_.insert(term);
        }
      }
      for (const std::string& word : surface) ++df[word];
      db.add_document(doc);
      out->entries_.push_back(p.entry);
    }
    db.commit_transaction();
    db.close();
  } catch (const Xapian::Error& e) {
    return absl::InternalError(absl::StrCat("building the search index: ", e.get_description()));
  }

  // The dictionary: surface words with their document frequency.
  out->words_.reserve(df.size());
  for (const auto& [word, count] : df) out->words_.push_back(Word{word, count});
  std::sort(out->words_.begin(), out->words_.end(),
            [](const Word& a, const Word& b) { return a.text < b.text; });
  out->stem_of_.reserve(out->words_.size());
  for (size_t i = 0; i < out->words_.size(); ++i) {
    const std::string& text = out->words_[i].text;
    out->stem_of_.emplace(text, stem(text));
    out->words_[i].letters = LetterMask(text);
    if (out->words_by_length_.size() <= text.size()) out->words_by_length_.resize(text.size() + 1);
    out->words_by_length_[text.size()].push_back(static_cast<int>(i));
    for (size_t n = 1; n <= 3 && n <= text.size(); ++n) {
      out->top_words_by_prefix_[text.substr(0, n)].push_back(static_cast<int>(i));
    }
  }
  for (auto& [prefix, ids] : out->top_words_by_prefix_) {
    std::stable_sort(ids.begin(), ids.end(),
                     [&](int a, int b) { return out->words_[a].df > out->words_[b].df; });
    if (ids.size() > kTopWordsPerPrefix) ids.resize(kTopWordsPerPrefix);
  }
  for (const Synonym& synonym : synonyms.entries()) {
    std::vector<std::string> key;
    for (const std::string& w : synonym.phrase) {
      if (!IsStopWord(w)) key.push_back(stem(w));
    }
    if (key.empty()) continue;
    // Several lines (or "|" alternatives) for one phrase add alternatives.
    out->synonyms_[absl::StrJoin(key, " ")].push_back(synonym.replacement);
    out->longest_synonym_ = std::max(out->longest_synonym_, key.size());
  }

  out->stats_.documents = static_cast<int>(out->entries_.size());
  out->stats_.vocabulary = static_cast<int>(out->words_.size());
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(out->dir_, ec)) {
    if (file.is_regular_file(ec))
      out->stats_.disk_bytes += static_cast<int64_t>(file.file_size(ec));
  }
  // A fixed pool of read handles, opened and warmed (every table the search
  // reads is opened) before the folder is removed: open files outlive their
  // names, so nothing is left in $TMPDIR however the process ends.
  const int handles = std::max(16, 4 * static_cast<int>(std::thread::hardware_concurrency()));
  try {
    Xapian::ValueWeightPostingSource warm_prior(kPriorSlot);
    for (int i = 0; i < handles; ++i) {
      auto db = std::make_unique<Xapian::Database>(out->dir_, Xapian::DB_BACKEND_GLASS);
      Xapian::Enquire enquire(*db);
      enquire.set_query(Xapian::Query(
          Xapian::Query::OP_AND_MAYBE,
          out->stems_.empty() ? Xapian::Query::MatchAll : Xapian::Query(*out->stems_.begin()),
          Xapian::Query(&warm_prior)));
      enquire.get_mset(0, 10);
      if (db->get_doccount() > 0) {
        db->get_doclength(1);
        db->termlist_begin(1);
        db->get_document(1).get_data();
      }
      absl::MutexLock lock(&out->pool_mu_);
      out->pool_.push_back(std::move(db));
    }
  } catch (const Xapian::Error& e) {
    return absl::InternalError(absl::StrCat("opening the search index: ", e.get_description()));
  }
  std::error_code removed;
  std::filesystem::remove_all(out->dir_, removed);
  out->stats_.folder = out->dir_;
  out->dir_.clear();
  out->stats_.handles = handles;
  out->stats_.build_time = absl::Now() - start;
  return std::unique_ptr<const SearchIndex>(std::move(out));
}

namespace {
bool HasIdleHandle(std::vector<std::unique_ptr<Xapian::Database>>* pool) { return !pool->empty(); }
}  // namespace

std::unique_ptr<Xapian::Database> SearchIndex::AcquireDatabase() const {
  // Each handle serves one call at a time. The pool holds more handles than
  // the server has callback threads, so the wait is for a handle being
  // returned by a call finishing (well under a millisecond), never longer.
  absl::MutexLock lock(&pool_mu_);
  pool_mu_.Await(absl::Condition(&HasIdleHandle, &pool_));
  std::unique_ptr<Xapian::Database> db = std::move(pool_.back());
  pool_.pop_back();
  return db;
}

void SearchIndex::ReleaseDatabase(std::unique_ptr<Xapian::Database> db) const {
  absl::MutexLock lock(&pool_mu_);
  pool_.push_back(std::move(db));
}

int SearchIndex::FindWord(absl::string_view word) const {
  auto it = std::lower_bound(words_.begin(), words_.end(), word,
                             [](const Word& w, absl::string_view v) { return w.text < v; });
  return it != words_.end() && it->text == word ? static_cast<int>(it - words_.begin()) : -1;
}

std::vector<int> SearchIndex::PrefixWords(absl::string_view prefix, size_t limit) const {
  std::vector<int> ids;
  if (prefix.empty()) return ids;
  if (prefix.size() <= 3) {
    auto it = top_words_by_prefix_.find(prefix);
    if (it == top_words_by_prefix_.end()) return ids;
    ids.assign(it->second.begin(), it->second.begin() + std::min(limit, it->second.size()));
    return ids;
  }
  auto it = std::lower_bound(words_.begin(), words_.end(), prefix,
                             [](const Word& w, absl::string_view v) { return w.text < v; });
  for (; it != words_.end() && absl::StartsWith(it->text, prefix); ++it) {
    ids.push_back(static_cast<int>(it - words_.begin()));
  }
  std::stable_sort(ids.begin(), ids.end(),
                   [&](int a, int b) { return words_[a].df > words_[b].df; });
  if (ids.size() > limit) ids.resize(limit);
  return ids;
}

std::vector<std::string> SearchIndex::TypoCandidates(const std::string& word, size_t limit) const {
  std::vector<std::string> out;
  const int budget = TypoBudget(word.size());
  if (budget == 0) return out;
  struct Candidate {
    int distance;
    int df;
    int id;
  };
  std::vector<Candidate> candidates;
  const size_t lo = word.size() > static_cast<size_t>(budget) ? word.size() - budget : 1;
  const size_t hi = std::min(word.size() + budget, words_by_length_.size() - 1);
  const uint32_t letters = LetterMask(word);
  for (size_t length = lo; length <= hi && length < words_by_length_.size(); ++length) {
    for (int id : words_by_length_[length]) {
      // Each edit brings in or drops at most one letter: a cheap bound
      // before the distance itself.
      const uint32_t other = words_[id].letters;
      if (__builtin_popcount(letters & ~other) > budget ||
          __builtin_popcount(other & ~letters) > budget) {
        continue;
      }
      const std::string& text = words_[id].text;
      if (text == word) continue;
      const int d = BoundedEditDistance(word, text, budget);
      if (d <= budget) candidates.push_back({d, words_[id].df, id});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.distance != b.distance) return a.distance < b.distance;
    if (a.df != b.df) return a.df > b.df;
    return a.id < b.id;
  });
  for (size_t i = 0; i < candidates.size() && i < limit; ++i) {
    out.push_back(words_[candidates[i].id].text);
  }
  return out;
}

std::vector<std::string> SearchIndex::CachedTypoCandidates(const std::string& word) const {
  {
    absl::MutexLock lock(&typo_mu_);
    if (auto it = typo_cache_.find(word); it != typo_cache_.end()) return it->second;
  }
  std::vector<std::string> candidates = TypoCandidates(word, kMaxTypoCandidates);
  absl::MutexLock lock(&typo_mu_);
  if (typo_cache_.size() >= kTypoCacheSize) typo_cache_.clear();  // bounded, simply
  typo_cache_.emplace(word, candidates);
  return candidates;
}

absl::StatusOr<SearchIndex::Filter> SearchIndex::ResolveFilter(
    const CatalogIndex& index, const v1::SearchFilter& filter,
    common::BadRequestBuilder* errors) const {
  Filter out;
  out.active_only = filter.active_only();
  out.billable_only = filter.billable_only();
  bool requested[5] = {false, false, false, false, false};
  bool any_requested = false;
  for (int i = 0; i < filter.code_sets_size(); ++i) {
    const int set = filter.code_sets(i);
    if (!v1::CodeSet_IsValid(set) || set == v1::CODE_SET_UNSPECIFIED) {
      errors->Add(absl::StrCat("filter.code_sets[", i, "]"),
                  absl::StrCat("unknown code set ", set));
      continue;
    }
    requested[set] = true;
    any_requested = true;
  }
  const bool has_date =
      filter.has_date_of_service() && !common::IsUnsetDate(filter.date_of_service());
  std::optional<absl::CivilDay> day;
  if (has_date)
    day = common::ValidateDate(filter.date_of_service(), "filter.date_of_service", errors);
  if (has_date && !filter.release_id().empty()) {
    errors->Add("filter", "give either release_id or date_of_service, not both");
  }
  const ReleaseInfo* release = nullptr;
  if (!filter.release_id().empty()) {
    std::vector<std::string> loaded;
    for (snapshot_v1::CodeSet set : index.CodeSets()) {
      for (const ReleaseInfo& info : index.Releases(set)) {
        loaded.push_back(info.release->id());
        if (info.release->id() == filter.release_id()) release = &info;
      }
    }
    if (release == nullptr) {
      errors->Add(
          "filter.release_id",
          absl::StrCat("unknown release \"", absl::CHexEscape(filter.release_id().substr(0, 64)),
                       "\"; loaded releases: ", absl::StrJoin(loaded, ", ")));
    } else if (any_requested && !requested[release->release->code_set()]) {
      errors->Add("filter.release_id",
                  absl::StrCat("release ", release->release->id(),
                               " is not of a code set listed in filter.code_sets"));
    }
  }
  if (!errors->empty()) return out;

  std::vector<std::string> uncovered;
  for (snapshot_v1::CodeSet set : index.CodeSets()) {
    if (any_requested && !requested[set]) continue;
    const std::vector<ReleaseInfo>& releases = index.Releases(set);
    if (release != nullptr) {
      if (release->release->code_set() != set) continue;
      out.allowed[set] = true;
      out.release[set] = static_cast<int>(
          std::find(release_ids_.begin(), release_ids_.end(), release->release->id()) -
          release_ids_.begin());
      out.as_of[set] = DayKey(release->effective);
      out.day[set] = release->effective;
      continue;
    }
    if (day.has_value()) {
      if (*day < releases.front().effective || *day > releases.back().covers_through) {
        for (const auto& info : releases) {
          uncovered.push_back(absl::StrCat(info.release->id(), " (",
                                           common::FormatDay(info.effective), " to ",
                                           common::FormatDay(info.covers_through), ")"));
        }
        continue;
      }
      const ReleaseInfo* answering = &releases.front();
      for (const auto& info : releases) {
        if (info.effective <= *day) answering = &info;
      }
      out.allowed[set] = true;
      out.release[set] = static_cast<int>(
          std::find(release_ids_.begin(), release_ids_.end(), answering->release->id()) -
          release_ids_.begin());
      out.as_of[set] = DayKey(*day);
      out.day[set] = *day;
      continue;
    }
    out.allowed[set] = true;
    out.as_of[set] = DayKey(releases.back().effective);
  }
  if (day.has_value() &&
      std::none_of(std::begin(out.allowed), std::end(out.allowed), [](bool b) { return b; })) {
    const std::string list = absl::StrJoin(uncovered, ", ");
    return common::FailedPreconditionError(
        absl::StrCat("No loaded release of the code sets searched covers the date of service ",
                     common::FormatDay(*day), ". Loaded releases: ", list, "."),
        "DATE_OF_SERVICE_NOT_COVERED", absl::StrCat("date_of_service:", common::FormatDay(*day)),
        absl::StrCat("Loaded releases: ", list));
  }
  return out;
}

namespace {

// What one call needs while it builds and runs the query.
struct QueryBuild {
  const Xapian::Stem& stem;
  std::vector<Xapian::Query> groups;
  std::vector<std::string> shown;
  absl::flat_hash_set<std::string> highlight;  // stems worth an <em>
  // The stem each query word stands for (exact, else its best correction),
  // in query order ("" where a word has none): neighbours give pair bonuses.
  std::vector<std::string> sequence;
  std::vector<std::string> pair_terms;
};

// A fixed weight for the documents holding a (wdf 0) term.
Xapian::Query FixedBonus(const std::string& term, double weight) {
  return Xapian::Query(Xapian::Query::OP_FILTER,
                       Xapian::Query((new Xapian::FixedWeightPostingSource(weight))->release()),
                       Xapian::Query(term));
}

Xapian::Query Scaled(const std::string& term, double weight) {
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), weight);
}

// A word of a category's block or chapter title: a fixed weight for the
// documents holding the (wdf 0) heading term.
Xapian::Query HeadingQuery(const std::string& term) {
  return Xapian::Query(
      Xapian::Query::OP_FILTER,
      Xapian::Query((new Xapian::FixedWeightPostingSource(kHeadingWeight))->release()),
      Xapian::Query(term));
}

}  // namespace

absl::StatusOr<v1::SearchCodesResponse> SearchIndex::Search(
    const CatalogIndex& index, const v1::SearchCodesRequest& request) const {
  common::BadRequestBuilder errors;
  const std::string& query = request.query();
  if (query.size() > kMaxSearchQueryBytes) {
    errors.Add("query", absl::StrCat("query is ", query.size(), " bytes long; at most ",
                                     kMaxSearchQueryBytes, " are accepted"));
  } else if (!IsValidUtf8(query)) {
    errors.Add("query", "query is not valid UTF-8");
  } else if (absl::StripAsciiWhitespace(query).empty()) {
    errors.Add("query", "query is required: words, a code, a code prefix or a range");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxSearchPageSize) {
    errors.Add("page_size", absl::StrCat("page_size must be 0 (default ", kDefaultSearchPageSize,
                                         ") to ", kMaxSearchPageSize));
  }
  ParsedQuery parsed;
  if (errors.empty()) parsed = ParseSearchQuery(query, "query", &errors);
  absl::StatusOr<Filter> filter = ResolveFilter(index, request.filter(), &errors);
  int offset = 0;
  if (!request.page_token().empty() && errors.empty()) {
    std::optional<int> resumed =
        ParsePageToken(request.page_token(), query, request.filter(), &errors);
    if (resumed.has_value()) offset = *resumed;
  }
  if (absl::Status invalid = errors.Build("invalid SearchCodes request"); !invalid.ok()) {
    return invalid;
  }
  if (!filter.ok()) return filter.status();
  const int page_size = request.page_size() == 0 ? kDefaultSearchPageSize : request.page_size();

  // Code hits: a range, exact codes, or the codes a lone code prefix starts.
  std::vector<int> code_hits;
  absl::flat_hash_set<int> listed;
  auto lower = [&](const std::string& code) {
    return std::lower_bound(entries_.begin(), entries_.end(), code,
                            [](const Entry& e, const std::string& c) { return e.code < c; });
  };
  auto add_hit = [&](int position) {
    if (filter->Accepts(entries_[position]) && listed.insert(position).second) {
      code_hits.push_back(position);
    }
  };
  std::vector<std::string> shown;
  if (parsed.kind == ParsedQuery::Kind::kRange) {
    for (auto it = lower(parsed.range_start); it != entries_.end(); ++it) {
      if (it->code.substr(0, parsed.range_end.size()) > parsed.range_end) break;
      if (it->code_set == parsed.range_code_set) add_hit(static_cast<int>(it - entries_.begin()));
    }
    shown.push_back(absl::StrCat(parsed.range_start, "-", parsed.range_end));
  } else {
    // A lone two-character query may be a modifier ("LT", "ZA", "25").
    if (parsed.codes.empty() && parsed.words.size() == 1 && parsed.words[0].word.size() == 2) {
      const std::string upper = absl::AsciiStrToUpper(parsed.words[0].word);
      for (auto it = lower(upper); it != entries_.end() && it->code == upper; ++it) {
        add_hit(static_cast<int>(it - entries_.begin()));
      }
    }
    const bool lone_code = parsed.codes.size() == 1 && parsed.words.empty();
    for (const std::string& code : parsed.codes) {
      bool found = false;
      for (auto it = lower(code); it != entries_.end() && it->code == code; ++it) {
        add_hit(static_cast<int>(it - entries_.begin()));
        found = true;
      }
      if (lone_code) {
        for (auto it = lower(code); it != entries_.end() && absl::StartsWith(it->code, code);
             ++it) {
          if (it->code != code) add_hit(static_cast<int>(it - entries_.begin()));
          found = true;
        }
      }
      if (found) {
        shown.push_back(code);
      } else {
        // Not a code: search it as a word ("b12").
        for (TextToken token : Tokenize(code)) parsed.words.push_back(std::move(token));
      }
    }
  }

  // The text query.
  Xapian::Stem stem("english");
  QueryBuild build{stem, {}, {}, {}, {}, {}};
  std::vector<const TextToken*> words;
  for (const TextToken& t : parsed.words) {
    if (!IsStopWord(t.word) || !t.compound.empty()) words.push_back(&t);
  }
  if (words.empty()) {
    for (const TextToken& t : parsed.words) words.push_back(&t);
  }
  // One word's alternatives: exact, typo candidates, completions, headings.
  auto word_query = [&](const TextToken& token, bool allow_prefix, std::string* shown_word,
                        bool allow_typos = true) -> std::optional<Xapian::Query> {
    std::vector<Xapian::Query> alternatives;
    std::optional<Xapian::Query> heading;
    *shown_word = token.word;
    std::string& sequence = build.sequence.emplace_back();
    if (token.numeric) {
      if (stems_.contains(token.word)) {
        alternatives.emplace_back(token.word);
        build.highlight.insert(token.word);
        sequence = token.word;
      }
    } else {
      const std::string s = stem(token.word);
      if (stems_.contains(s)) {
        alternatives.emplace_back(s);
        build.highlight.insert(s);
        sequence = s;
      } else if (allow_typos && std::all_of(token.word.begin(), token.word.end(), [](char c) {
                   return absl::ascii_isalpha(static_cast<unsigned char>(c));
                 })) {
        // Never on codes or numbers: only words of letters get typo candidates.
        std::vector<std::string> candidates = CachedTypoCandidates(token.word);
        for (size_t i = 0; i < candidates.size(); ++i) {
          const std::string cs = stem(candidates[i]);
          const int d = BoundedEditDistance(token.word, candidates[i], 2);
          alternatives.push_back(Scaled(cs, d <= 1 ? kTypoWeight1 : kTypoWeight2));
          build.highlight.insert(cs);
          if (i == 0) {
            *shown_word = candidates[i];
            sequence = cs;
          }
        }
      }
      heading = HeadingQuery(absl::StrCat(
          kHeadingPrefix, stems_.contains(s) || alternatives.empty() ? s : stem(*shown_word)));
      // The last word may be cut short while typing, unless it is a word.
      if (allow_prefix && token.word.size() >= 2) {
        bool any = false;
        const int typed = FindWord(token.word);
        const int typed_df = typed < 0 ? 0 : words_[typed].df;
        for (int id : PrefixWords(token.word, kMaxPrefixExpansions)) {
          const std::string& text = words_[id].text;
          // Completions more common than the word itself: "wheelch" is a
          // short-descriptor abbreviation, "wheelchair" what was meant.
          if (text == token.word || words_[id].df <= typed_df) continue;
          const std::string ps = stem(text);
          if (ps == s) continue;
          alternatives.push_back(Scaled(ps, kPrefixWeight));
          build.highlight.insert(ps);
          any = true;
        }
        if (any && *shown_word == token.word) absl::StrAppend(shown_word, "*");
      }
    }
    if (alternatives.size() == 1 && token.numeric) return alternatives.front();
    if (alternatives.empty() && !heading.has_value()) return std::nullopt;
    if (heading.has_value() && alternatives.empty()) return *heading;
    Xapian::Query lexical =
        alternatives.size() == 1
            ? alternatives.front()
            : Xapian::Query(Xapian::Query::OP_MAX, alternatives.begin(), alternatives.end());
    if (!heading.has_value()) return lexical;
    return Xapian::Query(Xapian::Query::OP_OR, lexical, *heading);
  };

  size_t i = 0;
  while (i < words.size()) {
    // A hyphenated run: the compound or all its parts.
    size_t run_end = i;
    for (size_t j = i; j < words.size(); ++j) {
      if (!words[j]->compound.empty() && words[j]->compound_begin == words[i]->begin) {
        run_end = j;
        break;
      }
      if (j > i && words[j - 1]->end + 1 != words[j]->begin) break;
    }
    // A synonym phrase, longest first.
    bool matched_synonym = false;
    for (size_t length = std::min(longest_synonym_, words.size() - i); length >= 1 && run_end == i;
         --length) {
      std::vector<std::string> key;
      for (size_t j = i; j < i + length; ++j) key.push_back(stem(words[j]->word));
      auto it = synonyms_.find(absl::StrJoin(key, " "));
      if (it == synonyms_.end()) continue;
      std::vector<Xapian::Query> original;
      std::vector<std::string> original_shown;
      for (size_t j = i; j < i + length; ++j) {
        std::string sw;
        std::optional<Xapian::Query> q =
            word_query(*words[j], parsed.last_word_is_prefix && j + 1 == words.size(), &sw, false);
        if (q.has_value()) original.push_back(*q);
        original_shown.push_back(sw);
      }
      std::vector<Xapian::Query> alternatives;
      if (original.size() == length) {
        alternatives.emplace_back(Xapian::Query::OP_AND, original.begin(), original.end());
      }
      std::vector<std::string> replacement_shown;
      for (const std::vector<std::string>& words_of : it->second) {
        std::vector<Xapian::Query> replacement;
        std::string previous;
        for (const std::string& w : words_of) {
          std::string rs = stem(w);
          if (IsStopWord(w) || !stems_.contains(rs)) continue;
          replacement.emplace_back(rs);
          build.highlight.insert(rs);
          if (!previous.empty() && previous != rs) {
            build.pair_terms.push_back(PairTerm(previous, rs));
          }
          previous = std::move(rs);
        }
        if (replacement.empty()) continue;
        replacement_shown.push_back(absl::StrJoin(words_of, " "));
        // The clinical words stand for the whole phrase: weigh them as if
        // every word of it had matched.
        const double weight =
            kSynonymWeight * std::max(1.0, static_cast<double>(key.size()) / replacement.size());
        alternatives.emplace_back(
            Xapian::Query::OP_SCALE_WEIGHT,
            Xapian::Query(Xapian::Query::OP_AND, replacement.begin(), replacement.end()), weight);
      }
      if (!alternatives.empty()) {
        build.groups.emplace_back(Xapian::Query::OP_MAX, alternatives.begin(), alternatives.end());
      }
      build.shown.push_back(absl::StrCat(absl::StrJoin(original_shown, " "), " (",
                                         absl::StrJoin(replacement_shown, " | "), ")"));
      i += length;
      matched_synonym = true;
      break;
    }
    if (matched_synonym) continue;
    if (run_end > i) {
      std::vector<Xapian::Query> parts;
      std::vector<std::string> parts_shown;
      for (size_t j = i; j <= run_end; ++j) {
        std::string sw;
        std::optional<Xapian::Query> q = word_query(*words[j], false, &sw);
        if (q.has_value()) parts.push_back(*q);
        parts_shown.push_back(sw);
      }
      const std::string compound = stem(words[run_end]->compound);
      std::vector<Xapian::Query> alternatives;
      if (stems_.contains(compound)) {
        alternatives.emplace_back(compound);
        build.highlight.insert(compound);
      }
      if (parts.size() == run_end - i + 1) {
        alternatives.emplace_back(Xapian::Query::OP_AND, parts.begin(), parts.end());
      }
      if (!alternatives.empty()) {
        build.groups.emplace_back(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
      }
      build.shown.push_back(absl::StrJoin(parts_shown, "-"));
      i = run_end + 1;
      continue;
    }
    std::string sw;
    std::optional<Xapian::Query> q =
        word_query(*words[i], parsed.last_word_is_prefix && i + 1 == words.size(), &sw);
    if (q.has_value()) build.groups.push_back(*q);
    build.shown.push_back(sw);
    ++i;
  }
  for (const std::string& s : build.shown) shown.push_back(s);
  for (size_t k = 1; k < build.sequence.size(); ++k) {
    const std::string& a = build.sequence[k - 1];
    const std::string& b = build.sequence[k];
    if (!a.empty() && !b.empty() && a != b) build.pair_terms.push_back(PairTerm(a, b));
  }
  std::sort(build.pair_terms.begin(), build.pair_terms.end());
  build.pair_terms.erase(std::unique(build.pair_terms.begin(), build.pair_terms.end()),
                         build.pair_terms.end());

  v1::SearchCodesResponse response;
  response.set_interpreted_query(absl::StrJoin(shown, " "));
  int counts[5] = {0, 0, 0, 0, 0};
  for (int position : code_hits) ++counts[entries_[position].code_set];

  // Text hits (after the code hits).
  struct TextHit {
    int position;
    double score;
  };
  std::vector<TextHit> text_hits;
  int64_t text_total = 0;
  bool text_more = false;
  const int code_total = static_cast<int>(code_hits.size());
  const int text_first = std::max(0, offset - code_total);
  const int text_wanted =
      offset + page_size > code_total ? std::min(page_size, offset + page_size - code_total) : 0;
  if (!build.groups.empty()) {
    Xapian::Query text_query;
    if (build.groups.size() == 1) {
      text_query = build.groups.front();
    } else {
      text_query = Xapian::Query(
          Xapian::Query::OP_OR,
          Xapian::Query(
              Xapian::Query::OP_SCALE_WEIGHT,
              Xapian::Query(Xapian::Query::OP_AND, build.groups.begin(), build.groups.end()),
              kAllWordsBonus),
          Xapian::Query(Xapian::Query::OP_OR, build.groups.begin(), build.groups.end()));
    }
    if (!build.pair_terms.empty()) {
      // Proximity: neighbouring query words that are neighbours in one text.
      std::vector<Xapian::Query> bonuses;
      for (const std::string& pair : build.pair_terms) {
        bonuses.push_back(FixedBonus(pair, kPairWeight));
      }
      text_query =
          Xapian::Query(Xapian::Query::OP_AND_MAYBE, text_query,
                        Xapian::Query(Xapian::Query::OP_OR, bonuses.begin(), bonuses.end()));
    }
    std::unique_ptr<Xapian::Database> db;
    try {
      db = AcquireDatabase();
      Xapian::Enquire enquire(*db);
      enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, 0.5));
      PriorSource prior(&priors_, kPriorWeight);
      enquire.set_query(
          Xapian::Query(Xapian::Query::OP_AND_MAYBE, text_query, Xapian::Query(&prior)));
      FilterDecider decider(entries_, *filter, listed);
      Xapian::MSet mset =
          enquire.get_mset(text_first, std::max(text_wanted, 0), kCheckAtLeast, nullptr, &decider);
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        text_hits.push_back({static_cast<int>(*it) - 1, it.get_weight()});
      }
      text_total = mset.get_matches_estimated();
      text_more = mset.get_matches_lower_bound() >
                  static_cast<Xapian::doccount>(text_first + static_cast<int>(mset.size()));
      const int accepted = decider.accepted();
      const double scale =
          accepted > 0 && text_total > accepted ? static_cast<double>(text_total) / accepted : 1.0;
      for (int set = 0; set < 5; ++set) {
        counts[set] += static_cast<int>(std::lround(decider.count(set) * scale));
      }
    } catch (const Xapian::Error& e) {
      if (db != nullptr) ReleaseDatabase(std::move(db));
      return absl::InternalError(absl::StrCat("search index: ", e.get_description()));
    }
    ReleaseDatabase(std::move(db));
  }
  response.set_total_size(static_cast<int>(code_total + text_total));
  for (int set = 1; set < 5; ++set) {
    if (counts[set] == 0) continue;
    v1::FacetCount* facet = response.add_facets();
    facet->set_code_set(static_cast<v1::CodeSet>(set));
    facet->set_count(counts[set]);
  }

  // The page: the Code as GetCode builds it, a snippet, the index term.
  CachedStemmer cached_stem(stem, stem_of_);
  auto add_hit_message = [&](int position, double score, bool text) {
    const Entry& entry = entries_[position];
    v1::GetCodeRequest lookup;
    lookup.set_code(DisplayCode(entry.code_set, entry.code));
    lookup.set_code_set(static_cast<v1::CodeSet>(entry.code_set));
    if (filter->day[entry.code_set].has_value()) {
      *lookup.mutable_date_of_service() = common::ToProtoDate(*filter->day[entry.code_set]);
    }
    absl::StatusOr<v1::Code> code = LookUpCode(index, lookup);
    if (!code.ok()) return;
    v1::SearchHit* hit = response.add_hits();
    hit->set_score(score);
    std::string description;
    if (code->official_descriptor().available()) {
      description = code->official_descriptor().long_description();
    }
    int matched = 0;
    std::string snippet = Highlight(description, build.highlight, cached_stem, &matched);
    if (text && matched == 0 && entry.code_set == snapshot_v1::CODE_SET_ICD10CM) {
      // The match came through the index: show the best-matching term.
      const auto& releases = index.Releases(snapshot_v1::CODE_SET_ICD10CM);
      int best_matched = 0;
      for (auto r = releases.rbegin(); r != releases.rend() && best_matched == 0; ++r) {
        const IndexReference* best = nullptr;
        for (const IndexReference& ref : index.IndexReferences(*r, entry.code)) {
          const int m = CountMatches(IndexText(ref), build.highlight, cached_stem);
          if (m > best_matched) {
            best_matched = m;
            best = &ref;
          }
        }
        if (best != nullptr) {
          int m = 0;
          hit->set_matched_index_term(DescribeIndexReference(*best));
          snippet = Highlight(hit->matched_index_term(), build.highlight, cached_stem, &m);
        }
      }
    }
    hit->set_highlighted_snippet(std::move(snippet));
    *hit->mutable_code() = *std::move(code);
  };
  const double top_text = text_hits.empty() ? 1.0 : text_hits.front().score;
  for (int k = offset; k < std::min(code_total, offset + page_size); ++k) {
    // Code hits rank above every text hit: exact codes, then code order.
    add_hit_message(code_hits[k], top_text + static_cast<double>(code_total - k), false);
  }
  for (const TextHit& hit : text_hits) add_hit_message(hit.position, hit.score, true);
  if (offset + page_size < code_total || text_more) {
    response.set_next_page_token(MakePageToken(query, request.filter(), offset + page_size));
  }
  return response;
}

absl::StatusOr<v1::SuggestCodesResponse> SearchIndex::Suggest(
    const CatalogIndex& index, const v1::SuggestCodesRequest& request) const {
  common::BadRequestBuilder errors;
  const std::string& prefix = request.prefix();
  if (prefix.size() > kMaxSuggestPrefixBytes) {
    errors.Add("prefix", absl::StrCat("prefix is ", prefix.size(), " bytes long; at most ",
                                      kMaxSuggestPrefixBytes, " are accepted"));
  } else if (!IsValidUtf8(prefix)) {
    errors.Add("prefix", "prefix is not valid UTF-8");
  } else if (absl::StripAsciiWhitespace(prefix).empty()) {
    errors.Add("prefix", "prefix is required");
  }
  if (request.limit() < 0 || request.limit() > kMaxSuggestLimit) {
    errors.Add("limit", absl::StrCat("limit must be 0 (default ", kDefaultSuggestLimit, ") to ",
                                     kMaxSuggestLimit));
  }
  absl::StatusOr<Filter> filter = ResolveFilter(index, request.filter(), &errors);
  if (absl::Status invalid = errors.Build("invalid SuggestCodes request"); !invalid.ok()) {
    return invalid;
  }
  if (!filter.ok()) return filter.status();
  const size_t limit = request.limit() == 0 ? kDefaultSuggestLimit : request.limit();

  v1::SuggestCodesResponse response;
  absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(prefix);
  const bool ends_in_space = absl::ascii_isspace(static_cast<unsigned char>(prefix.back()));
  if (ends_in_space) return response;
  // Codes, when the whole prefix can start one.
  std::optional<std::string> code = NormalizeChunk(trimmed);
  if (code.has_value() && (LooksLikeCode(*code) || (code->size() == 1 && IsUpperAscii((*code)[0]) &&
                                                    !absl::ascii_islower(trimmed[0])))) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), *code,
                               [](const Entry& e, const std::string& c) { return e.code < c; });
    for (; it != entries_.end() && absl::StartsWith(it->code, *code) &&
           static_cast<size_t>(response.suggestions_size()) < limit;
         ++it) {
      if (!filter->Accepts(*it)) continue;
      v1::Suggestion* s = response.add_suggestions();
      s->set_code(DisplayCode(it->code_set, it->code));
      s->set_text(s->code());
      s->set_code_set(static_cast<v1::CodeSet>(it->code_set));
      if (it->latest != nullptr && !it->licensed_text) {
        s->set_description(it->latest->long_description().empty() ? it->latest->short_description()
                                                                  : it->latest->long_description());
      } else if (it->first_term != nullptr) {
        s->set_description(absl::StrJoin(it->first_term->path(), " > "));
      }
    }
    if (response.suggestions_size() > 0 || LooksLikeCode(*code)) return response;
  }
  // Words: complete the last one.
  std::vector<TextToken> tokens = Tokenize(trimmed);
  if (tokens.empty()) return response;
  const TextToken& last = tokens.back();
  if (last.end != trimmed.size()) return response;
  const std::string before(trimmed.substr(0, last.begin));
  for (int id : PrefixWords(last.word, limit)) {
    v1::Suggestion* s = response.add_suggestions();
    s->set_text(absl::StrCat(absl::AsciiStrToLower(before), words_[id].text));
  }
  return response;
}

absl::StatusOr<v1::SearchCodesResponse> SearchCodes(const CatalogIndex& index,
                                                    const v1::SearchCodesRequest& request) {
  if (index.search() == nullptr) return absl::UnavailableError("the search index is not built");
  return index.search()->Search(index, request);
}

absl::StatusOr<v1::SuggestCodesResponse> SuggestCodes(const CatalogIndex& index,
                                                      const v1::SuggestCodesRequest& request) {
  if (index.search() == nullptr) return absl::UnavailableError("the search index is not built");
  return index.search()->Suggest(index, request);
}

}  // namespace codingahead::catalog
