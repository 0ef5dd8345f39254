// SearchCodes and SuggestCodes on the real shared data (HCPCS 2017-2019, the
// CPT sample, ICD-10-CM FY2026): query parsing, codes, ranges, typos,
// prefixes, synonyms, index terms, filters, facets, page tokens, bad input.
#include "services/catalog/search_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "google/protobuf/util/message_differencer.h"
#include "services/catalog/code_lookup.h"
#include "services/catalog/icd10cm_test_catalog.h"

namespace codingahead::catalog {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

google::type::Date Day(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

std::vector<std::string> Codes(const v1::SearchCodesResponse& response) {
  std::vector<std::string> codes;
  for (const auto& hit : response.hits()) codes.push_back(hit.code().code());
  return codes;
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  auto bad = common::GetDetail<google::rpc::BadRequest>(status);
  if (bad.has_value()) {
    for (const auto& v : bad->field_violations()) fields.push_back(v.field());
  }
  return fields;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = SharedDataCatalogWithIcd10cm();
    ASSERT_NE(index_, nullptr);
    ASSERT_NE(index_->search(), nullptr);
  }
  absl::StatusOr<v1::SearchCodesResponse> Search(const std::string& query, int page_size = 10,
                                                 v1::SearchFilter filter = {}) {
    v1::SearchCodesRequest request;
    request.set_query(query);
    request.set_page_size(page_size);
    *request.mutable_filter() = std::move(filter);
    return SearchCodes(*index_, request);
  }
  std::vector<std::string> Top(const std::string& query, int n = 10) {
    absl::StatusOr<v1::SearchCodesResponse> response = Search(query, n);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? Codes(*response) : std::vector<std::string>{};
  }
  std::shared_ptr<const CatalogIndex> index_;
};

// ---- parsing -------------------------------------------------------------

TEST(ParseSearchQueryTest, RangeOfHcpcsCodes) {
  common::BadRequestBuilder errors;
  ParsedQuery parsed = ParseSearchQuery("E0100-E0105", "query", &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(parsed.kind, ParsedQuery::Kind::kRange);
  EXPECT_EQ(parsed.range_start, "E0100");
  EXPECT_EQ(parsed.range_end, "E0105");
  EXPECT_EQ(parsed.range_code_set, snapshot_v1::CODE_SET_HCPCS);
}

TEST(ParseSearchQueryTest, IcdRangeWithSpacesAndDots) {
  common::BadRequestBuilder errors;
  ParsedQuery parsed = ParseSearchQuery(" a00 - a09.9 ", "query", &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(parsed.kind, ParsedQuery::Kind::kRange);
  EXPECT_EQ(parsed.range_start, "A00");
  EXPECT_EQ(parsed.range_end, "A099");
  EXPECT_EQ(parsed.range_code_set, snapshot_v1::CODE_SET_ICD10CM);
}

TEST(ParseSearchQueryTest, RangeEndingBeforeItStartsIsRefused) {
  common::BadRequestBuilder errors;
  ParseSearchQuery("E0105-E0100", "query", &errors);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.violations()[0].field, "query");
  EXPECT_THAT(errors.violations()[0].description, HasSubstr("ends before it starts"));
}

TEST(ParseSearchQueryTest, RangeMixingCodeSetsIsRefused) {
  common::BadRequestBuilder errors;
  ParseSearchQuery("A00-E0105", "query", &errors);
  ASSERT_FALSE(errors.empty());
  EXPECT_THAT(errors.violations()[0].description, HasSubstr("mixes code sets"));
}

TEST(ParseSearchQueryTest, HyphenatedWordsAreNotARange) {
  common::BadRequestBuilder errors;
  ParsedQuery parsed = ParseSearchQuery("gastro-esophageal reflux", "query", &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(parsed.kind, ParsedQuery::Kind::kText);
  ASSERT_EQ(parsed.words.size(), 3u);
  EXPECT_EQ(parsed.words[1].compound, "gastroesophageal");
}

TEST(ParseSearchQueryTest, CodesWithOrWithoutDotAndWords) {
  common::BadRequestBuilder errors;
  ParsedQuery parsed = ParseSearchQuery("t50.1x1 E0100 cane ", "query", &errors);
  EXPECT_THAT(parsed.codes, ElementsAre("T501X1", "E0100"));
  ASSERT_EQ(parsed.words.size(), 1u);
  EXPECT_EQ(parsed.words[0].word, "cane");
  EXPECT_FALSE(parsed.last_word_is_prefix);
  EXPECT_TRUE(ParseSearchQuery("standard wheelch", "query", &errors).last_word_is_prefix);
}

TEST(LooksLikeCodeTest, CodeShapesAndPrefixes) {
  EXPECT_TRUE(LooksLikeCode("E0100"));
  EXPECT_TRUE(LooksLikeCode("E01"));
  EXPECT_TRUE(LooksLikeCode("A00"));
  EXPECT_TRUE(LooksLikeCode("T501X1"));
  EXPECT_TRUE(LooksLikeCode("992"));
  EXPECT_TRUE(LooksLikeCode("0538T"));
  EXPECT_FALSE(LooksLikeCode("CANE"));
  EXPECT_FALSE(LooksLikeCode("12"));
  EXPECT_FALSE(LooksLikeCode("GASTRO"));
}

// ---- codes, prefixes, ranges -------------------------------------------

TEST_F(SearchIndexTest, ExactCodeComesFirstWithTheSameCodeAsGetCode) {
  absl::StatusOr<v1::SearchCodesResponse> response = Search("E0100");
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_FALSE(response->hits().empty());
  EXPECT_EQ(response->hits(0).code().code(), "E0100");
  v1::GetCodeRequest get;
  get.set_code("E0100");
  absl::StatusOr<v1::Code> code = LookUpCode(*index_, get);
  ASSERT_TRUE(code.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(response->hits(0).code(), *code));
}

TEST_F(SearchIndexTest, CodePrefixListsCodesStartingWithItInCodeOrder) {
  v1::SearchFilter hcpcs;
  hcpcs.add_code_sets(v1::CODE_SET_HCPCS);
  absl::StatusOr<v1::SearchCodesResponse> response = Search("E01", 20, hcpcs);
  ASSERT_TRUE(response.ok()) << response.status();
  std::vector<std::string> codes = Codes(*response);
  ASSERT_GE(codes.size(), 2u);
  EXPECT_EQ(codes[0], "E0100");
  EXPECT_EQ(codes[1], "E0105");
  for (const auto& c : codes) EXPECT_THAT(c, StartsWith("E01"));
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
}

TEST_F(SearchIndexTest, IcdCodeAcceptedWithOrWithoutTheDot) {
  EXPECT_EQ(Top("t50.1x1", 1), std::vector<std::string>{"T50.1X1"});
  EXPECT_EQ(Top("T501X1", 1), std::vector<std::string>{"T50.1X1"});
  absl::StatusOr<v1::SearchCodesResponse> response = Search("T50.1X1");
  ASSERT_TRUE(response.ok());
  // Reached through the index only: a reference marked incomplete.
  EXPECT_TRUE(response->hits(0).code().incomplete());
  EXPECT_EQ(response->hits(0).code().billable(), v1::Code::BILLABLE_UNKNOWN);
}

TEST_F(SearchIndexTest, HcpcsRangeReturnsTheCodesInRangeInCodeOrder) {
  EXPECT_THAT(Top("E0100-E0105"), ElementsAre("E0100", "E0105"));
}

TEST_F(SearchIndexTest, IcdBlockRangeReturnsCategoriesAndSubcodesInCodeOrder) {
  absl::StatusOr<v1::SearchCodesResponse> response = Search("A00-A09", 100);
  ASSERT_TRUE(response.ok());
  std::vector<std::string> codes = Codes(*response);
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(codes.front(), "A00");
  EXPECT_THAT(codes, Contains("A09"));
  for (const auto& c : codes) EXPECT_TRUE(c >= "A00" && c.substr(0, 3) <= "A09") << c;
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
}

TEST_F(SearchIndexTest, CodeShapedWordThatIsNoCodeIsSearchedAsAWordWithoutTypos) {
  // E0101 is no code, and codes are never typo-corrected into E0100.
  absl::StatusOr<v1::SearchCodesResponse> response = Search("E0101");
  ASSERT_TRUE(response.ok());
  EXPECT_THAT(Codes(*response), ::testing::Not(Contains("E0100")));
}

// ---- words ---------------------------------------------------------------

TEST_F(SearchIndexTest, HyphenAndCompoundFindTheSameCategory) {
  EXPECT_EQ(Top("gastro-esophageal reflux", 1), std::vector<std::string>{"K21"});
  EXPECT_EQ(Top("gastroesophageal reflux", 1), std::vector<std::string>{"K21"});
}

TEST_F(SearchIndexTest, TypoWithinBudgetIsCorrectedAndShown) {
  absl::StatusOr<v1::SearchCodesResponse> response = Search("standard wheelchiar", 5);
  ASSERT_TRUE(response.ok());
  EXPECT_THAT(Codes(*response), Contains("K0001"));
  EXPECT_THAT(response->interpreted_query(), HasSubstr("wheelchair"));
}

TEST_F(SearchIndexTest, TypoCandidatesFollowTheBudget) {
  const SearchIndex& search = *index_->search();
  EXPECT_THAT(search.TypoCandidates("glucse", 3), Contains("glucose"));  // 6 letters: 1
  EXPECT_THAT(search.TypoCandidates("concentator", 3), Contains("concentrator"));
  EXPECT_TRUE(search.TypoCandidates("cain", 3).empty());  // 4 letters: 0
  // Two edits are too many for a 6-letter word.
  EXPECT_THAT(search.TypoCandidates("glcse", 10), ::testing::Not(Contains("glucose")));
}

TEST_F(SearchIndexTest, LastWordIsCompletedAsAPrefix) {
  absl::StatusOr<v1::SearchCodesResponse> response = Search("standard wheelch", 5);
  ASSERT_TRUE(response.ok());
  EXPECT_THAT(Codes(*response), Contains("K0001"));
}

TEST_F(SearchIndexTest, BrandNameFindsTheGenericThroughTheSynonymVocabulary) {
  absl::StatusOr<v1::SearchCodesResponse> response = Search("lasix injection", 5);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->hits(0).code().code(), "J1940");
  EXPECT_THAT(response->interpreted_query(), HasSubstr("furosemide"));
  EXPECT_THAT(response->hits(0).highlighted_snippet(), HasSubstr("<em>furosemide</em>"));
}

TEST_F(SearchIndexTest, IndexTermHitCarriesTheTermAndTheIncompleteCode) {
  absl::StatusOr<v1::SearchCodesResponse> response = Search("furosemide poisoning", 5);
  ASSERT_TRUE(response.ok());
  const v1::SearchHit* hit = nullptr;
  for (const auto& h : response->hits()) {
    if (h.code().code() == "T50.1X1") hit = &h;
  }
  ASSERT_NE(hit, nullptr);
  EXPECT_THAT(hit->matched_index_term(), HasSubstr("Table of Drugs and Chemicals: Furosemide"));
  EXPECT_THAT(hit->highlighted_snippet(), HasSubstr("<em>Furosemide</em>"));
  v1::GetCodeRequest get;
  get.set_code("T50.1X1");
  absl::StatusOr<v1::Code> code = LookUpCode(*index_, get);
  ASSERT_TRUE(code.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(hit->code(), *code));
  EXPECT_TRUE(hit->code().incomplete());
}

TEST_F(SearchIndexTest, SnippetWrapsMatchesAndEscapesTheRest) {
  absl::StatusOr<v1::SearchCodesResponse> response = Search("G0910");
  ASSERT_TRUE(response.ok());
  ASSERT_FALSE(response->hits().empty());
  EXPECT_THAT(response->hits(0).highlighted_snippet(), HasSubstr("&lt;= 12.0"));
  response = Search("hemoglobin level");
  ASSERT_TRUE(response.ok());
  bool found = false;
  for (const auto& hit : response->hits()) {
    if (hit.code().code() != "G0910") continue;
    found = true;
    EXPECT_EQ(hit.highlighted_snippet(),
              "Most recent <em>hemoglobin</em> <em>level</em> &lt;= 12.0 g/dl");
  }
  EXPECT_TRUE(found);
}

// ---- filters and facets ----------------------------------------------------

TEST_F(SearchIndexTest, CodeSetFilterKeepsOnlyThatCodeSetAndFacetsCountBoth) {
  absl::StatusOr<v1::SearchCodesResponse> all = Search("lasix", 20);
  ASSERT_TRUE(all.ok());
  std::map<int, int> facets;
  for (const auto& f : all->facets()) facets[f.code_set()] = f.count();
  EXPECT_GT(facets[v1::CODE_SET_HCPCS], 0);
  EXPECT_GT(facets[v1::CODE_SET_ICD10CM], 0);
  v1::SearchFilter icd;
  icd.add_code_sets(v1::CODE_SET_ICD10CM);
  absl::StatusOr<v1::SearchCodesResponse> only = Search("lasix", 20, icd);
  ASSERT_TRUE(only.ok());
  ASSERT_FALSE(only->hits().empty());
  for (const auto& hit : only->hits()) EXPECT_EQ(hit.code().code_set(), v1::CODE_SET_ICD10CM);
  ASSERT_EQ(only->facets_size(), 1);
  EXPECT_EQ(only->facets(0).count(), facets[v1::CODE_SET_ICD10CM]);
}

TEST_F(SearchIndexTest, ReleaseFilterLeavesOutCodesNotInThatRelease) {
  // A5514 was added after the 2017 release.
  EXPECT_EQ(Top("A5514", 1), std::vector<std::string>{"A5514"});
  v1::SearchFilter filter;
  filter.set_release_id("hcpcs-2017");
  absl::StatusOr<v1::SearchCodesResponse> response = Search("A5514", 10, filter);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Codes(*response), ::testing::Not(Contains("A5514")));
}

TEST_F(SearchIndexTest, DateOfServiceFilterUsesTheReleaseCoveringIt) {
  v1::SearchFilter filter;
  *filter.mutable_date_of_service() = Day(2017, 6, 1);
  absl::StatusOr<v1::SearchCodesResponse> response = Search("A5514", 10, filter);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Codes(*response), ::testing::Not(Contains("A5514")));
  *filter.mutable_date_of_service() = Day(2019, 6, 1);
  response = Search("A5514", 10, filter);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Codes(*response), Contains("A5514"));
}

TEST_F(SearchIndexTest, DateNoReleaseCoversIsAFailedPrecondition) {
  v1::SearchFilter filter;
  *filter.mutable_date_of_service() = Day(1990, 1, 1);
  absl::StatusOr<v1::SearchCodesResponse> response = Search("cane", 10, filter);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(response.status().message(), HasSubstr("hcpcs-2019"));
}

TEST_F(SearchIndexTest, ActiveOnlyLeavesOutTerminatedCodes) {
  // ZA was terminated on 2018-03-31; the newest HCPCS release is 2019.
  EXPECT_THAT(Top("ZA", 5), Contains("ZA"));
  v1::SearchFilter filter;
  filter.set_active_only(true);
  absl::StatusOr<v1::SearchCodesResponse> response = Search("ZA", 10, filter);
  ASSERT_TRUE(response.ok());
  EXPECT_THAT(Codes(*response), ::testing::Not(Contains("ZA")));
  // On a date it was active, it is kept.
  *filter.mutable_date_of_service() = Day(2018, 1, 2);
  response = Search("ZA", 10, filter);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Codes(*response), Contains("ZA"));
}

TEST_F(SearchIndexTest, BillableOnlyLeavesOutIcdCodesOfUnknownStatus) {
  v1::SearchFilter filter;
  filter.set_billable_only(true);
  absl::StatusOr<v1::SearchCodesResponse> response = Search("furosemide", 20, filter);
  ASSERT_TRUE(response.ok());
  for (const auto& hit : response->hits()) {
    EXPECT_NE(hit.code().code_set(), v1::CODE_SET_ICD10CM) << hit.code().code();
  }
  EXPECT_THAT(Codes(*response), Contains("J1940"));
}

TEST(SearchBillableTest, BillableOnlyKeepsOrderFileBillableCodes) {
  auto index = Icd10cmCatalogWithOrderFile(CatalogTestdataPath("icd10cm_order_sample.txt"));
  ASSERT_NE(index, nullptr);
  v1::SearchCodesRequest request;
  request.set_query("cholera");
  request.mutable_filter()->set_billable_only(true);
  absl::StatusOr<v1::SearchCodesResponse> response = SearchCodes(*index, request);
  ASSERT_TRUE(response.ok()) << response.status();
  std::vector<std::string> codes = Codes(*response);
  EXPECT_THAT(codes, Contains("A00.0"));
  EXPECT_THAT(codes, Contains("A00.9"));
  EXPECT_THAT(codes, ::testing::Not(Contains("A00")));  // a header: not billable
}

// ---- page tokens -------------------------------------------------------------

TEST_F(SearchIndexTest, PagesConcatenateToTheWholeList) {
  absl::StatusOr<v1::SearchCodesResponse> whole = Search("commode", 30);
  ASSERT_TRUE(whole.ok());
  std::vector<std::string> paged;
  v1::SearchCodesRequest request;
  request.set_query("commode");
  request.set_page_size(4);
  for (int page = 0; page < 20; ++page) {
    absl::StatusOr<v1::SearchCodesResponse> r = SearchCodes(*index_, request);
    ASSERT_TRUE(r.ok()) << r.status();
    for (const auto& c : Codes(*r)) paged.push_back(c);
    if (r->next_page_token().empty()) break;
    request.set_page_token(r->next_page_token());
  }
  EXPECT_EQ(paged, Codes(*whole));
}

TEST_F(SearchIndexTest, PageTokenOfAnotherQueryOrFilterIsRefused) {
  absl::StatusOr<v1::SearchCodesResponse> first = Search("commode", 2);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token().empty());
  v1::SearchCodesRequest other;
  other.set_query("walker");
  other.set_page_token(first->next_page_token());
  absl::StatusOr<v1::SearchCodesResponse> r = SearchCodes(*index_, other);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(r.status()), ElementsAre("page_token"));
  other.set_query("commode");
  other.mutable_filter()->set_active_only(true);
  r = SearchCodes(*index_, other);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  other.mutable_filter()->set_active_only(false);
  other.set_page_token(first->next_page_token() + "x");
  r = SearchCodes(*index_, other);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- bad input -------------------------------------------------------------------

TEST_F(SearchIndexTest, BadInputIsInvalidArgumentWithFieldViolations) {
  struct Case {
    std::string query;
    int page_size;
    std::function<void(v1::SearchFilter*)> filter;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"", 10, nullptr, "query"},
      {"   ", 10, nullptr, "query"},
      {std::string(257, 'a'), 10, nullptr, "query"},
      {"caf\xe9", 10, nullptr, "query"},
      {"E0105-E0100", 10, nullptr, "query"},
      {"A00-E0105", 10, nullptr, "query"},
      {"cane", 101, nullptr, "page_size"},
      {"cane", -1, nullptr, "page_size"},
      {"cane", 10, [](v1::SearchFilter* f) { f->set_release_id("hcpcs-1999"); },
       "filter.release_id"},
      {"cane", 10, [](v1::SearchFilter* f) { *f->mutable_date_of_service() = Day(2019, 13, 1); },
       "filter.date_of_service.month"},
      {"cane", 10,
       [](v1::SearchFilter* f) {
         f->set_release_id("hcpcs-2019");
         *f->mutable_date_of_service() = Day(2019, 1, 1);
       },
       "filter"},
      {"cane", 10, [](v1::SearchFilter* f) { f->add_code_sets(static_cast<v1::CodeSet>(9)); },
       "filter.code_sets[0]"},
  };
  for (const Case& c : cases) {
    v1::SearchFilter filter;
    if (c.filter) c.filter(&filter);
    absl::StatusOr<v1::SearchCodesResponse> r = Search(c.query, c.page_size, filter);
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(Fields(r.status()), Contains(c.field)) << r.status();
  }
}

// ---- SuggestCodes -----------------------------------------------------------------

absl::StatusOr<v1::SuggestCodesResponse> Suggest(const CatalogIndex& index,
                                                 const std::string& prefix, int limit = 0) {
  v1::SuggestCodesRequest request;
  request.set_prefix(prefix);
  request.set_limit(limit);
  return SuggestCodes(index, request);
}

TEST_F(SearchIndexTest, SuggestCompletesCodesInCodeOrder) {
  absl::StatusOr<v1::SuggestCodesResponse> r = Suggest(*index_, "E010");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GE(r->suggestions_size(), 2);
  EXPECT_EQ(r->suggestions(0).code(), "E0100");
  EXPECT_EQ(r->suggestions(1).code(), "E0105");
  EXPECT_THAT(r->suggestions(0).description(), StartsWith("Cane"));
  r = Suggest(*index_, "t50.1x");
  ASSERT_TRUE(r.ok());
  ASSERT_GT(r->suggestions_size(), 0);
  EXPECT_EQ(r->suggestions(0).code(), "T50.1X1");
}

TEST_F(SearchIndexTest, SuggestCompletesTheLastWord) {
  absl::StatusOr<v1::SuggestCodesResponse> r = Suggest(*index_, "standard wheelc", 5);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> texts;
  for (const auto& s : r->suggestions()) texts.push_back(s.text());
  EXPECT_THAT(texts, Contains("standard wheelchair"));
  EXPECT_LE(texts.size(), 5u);
}

TEST_F(SearchIndexTest, SuggestRefusesBadInput) {
  EXPECT_EQ(Suggest(*index_, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Suggest(*index_, "cane", 51).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Suggest(*index_, std::string(65, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Suggest(*index_, "\xff").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SearchIndexTest, IndexIsBuiltWithTheCatalogAndSaysWhatItHolds) {
  const SearchIndex::Stats& stats = index_->search()->stats();
  EXPECT_GT(stats.documents, 10000);
  EXPECT_GT(stats.vocabulary, 5000);
  EXPECT_GT(stats.disk_bytes, 0);
  EXPECT_GE(stats.handles, 16);
  std::cout << "search index: " << stats.documents << " documents, " << stats.vocabulary
            << " words, " << stats.disk_bytes << " bytes on disk, built in "
            << absl::FormatDuration(stats.build_time) << "\n";
}

TEST_F(SearchIndexTest, IndexLeavesNoFolderBehindAndServesConcurrentCalls) {
  // The folder is removed once the read handles are open.
  auto rebuilt = SearchIndex::Build(*index_, SynonymTable::BuiltIn());
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  ASSERT_FALSE((*rebuilt)->stats().folder.empty());
  EXPECT_FALSE(std::filesystem::exists((*rebuilt)->stats().folder));
  // More concurrent calls than handles: each waits for a free one.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 40; ++t) {
    threads.emplace_back([&] {
      v1::SearchCodesRequest request;
      request.set_query("commode chair");
      auto r = (*rebuilt)->Search(*index_, request);
      if (r.ok() && !r->hits().empty() && r->hits(0).code().code() == "E0163") ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
}

}  // namespace
}  // namespace codingahead::catalog
