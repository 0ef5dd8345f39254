// Search quality on the real shared data: recall@10 and MRR of SearchCodes
// over the query set testdata/search_queries.tsv, per half (tune / held_out).
// The method and the figures are in docs/search.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <time.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/catalog/code_lookup.h"
#include "services/catalog/icd10cm_test_catalog.h"
#include "services/catalog/search_index.h"

namespace codingahead::catalog {
namespace {

struct QualityQuery {
  std::string id;
  std::string split;
  std::string query;
  // Relevance groups; any alternative of a group satisfies it.
  std::vector<std::vector<std::string>> expected;
  std::string kind;
};

std::vector<QualityQuery> LoadQueries() {
  std::ifstream in(CatalogTestdataPath("search_queries.tsv"));
  std::vector<QualityQuery> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() < 6) {
      ADD_FAILURE() << "malformed query line: " << line;
      continue;
    }
    QualityQuery q{f[0], f[1], f[2], {}, f[4]};
    for (absl::string_view group : absl::StrSplit(f[3], ',')) {
      q.expected.push_back(absl::StrSplit(group, '|'));
    }
    queries.push_back(std::move(q));
  }
  return queries;
}

struct Metrics {
  int queries = 0;
  double recall_sum = 0;
  double rr_sum = 0;
  double recall() const { return queries == 0 ? 0 : recall_sum / queries; }
  double mrr() const { return queries == 0 ? 0 : rr_sum / queries; }
};

class SearchQualityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = SharedDataCatalogWithIcd10cm();
    ASSERT_NE(index_, nullptr);
    queries_ = LoadQueries();
  }
  std::shared_ptr<const CatalogIndex> index_;
  std::vector<QualityQuery> queries_;
};

TEST_F(SearchQualityTest, QuerySetIsLargeEnoughAndHalfHeldOut) {
  ASSERT_GE(queries_.size(), 60u);
  int held_out = 0;
  for (const auto& q : queries_) {
    EXPECT_TRUE(q.split == "tune" || q.split == "held_out") << q.id;
    held_out += q.split == "held_out";
  }
  EXPECT_EQ(held_out * 2, static_cast<int>(queries_.size()));
}

TEST_F(SearchQualityTest, EveryExpectedCodeExistsInTheSharedData) {
  for (const auto& q : queries_) {
    for (const auto& group : q.expected) {
      for (const std::string& code : group) {
        v1::GetCodeRequest request;
        request.set_code(code);
        absl::StatusOr<v1::Code> found = LookUpCode(*index_, request);
        EXPECT_TRUE(found.ok()) << q.id << " expects " << code << ": " << found.status();
      }
    }
  }
}

TEST_F(SearchQualityTest, RecallAt10AndMrrHoldOnBothHalves) {
  Metrics tune, held_out;
  std::ostringstream report;
  for (const auto& q : queries_) {
    v1::SearchCodesRequest request;
    request.set_query(q.query);
    request.set_page_size(10);
    absl::StatusOr<v1::SearchCodesResponse> response = SearchCodes(*index_, request);
    ASSERT_TRUE(response.ok()) << q.id << ": " << response.status();
    std::vector<std::string> got;
    std::vector<std::string> shown;
    for (const auto& hit : response->hits()) {
      got.push_back(hit.code().code());
      shown.push_back(absl::StrFormat("%s:%.2f", hit.code().code(), hit.score()));
    }
    int found_groups = 0;
    int first_rank = 0;
    for (const auto& group : q.expected) {
      for (size_t rank = 0; rank < got.size(); ++rank) {
        if (std::find(group.begin(), group.end(), got[rank]) != group.end()) {
          ++found_groups;
          if (first_rank == 0 || static_cast<int>(rank) + 1 < first_rank) first_rank = rank + 1;
          break;
        }
      }
    }
    const double recall = static_cast<double>(found_groups) / q.expected.size();
    const double rr = first_rank == 0 ? 0 : 1.0 / first_rank;
    Metrics& m = q.split == "held_out" ? held_out : tune;
    ++m.queries;
    m.recall_sum += recall;
    m.rr_sum += rr;
    // Per-query detail for the tune half only: the held-out half is read
    // as aggregates, never query by query (docs/search.md, Quality).
    if (q.split != "tune") continue;
    report << absl::StrFormat(
        "%-4s %-8s %-36s recall=%.2f rr=%.2f  [%s] -> %s\n", q.id, q.split, q.query, recall, rr,
        response->interpreted_query(),
        absl::StrJoin(shown.begin(), shown.begin() + std::min<size_t>(5, shown.size()), " "));
  }
  std::cout << report.str();
  std::cout << absl::StrFormat("tune:     %d queries, recall@10 %.3f, MRR %.3f\n", tune.queries,
                               tune.recall(), tune.mrr());
  std::cout << absl::StrFormat("held_out: %d queries, recall@10 %.3f, MRR %.3f\n", held_out.queries,
                               held_out.recall(), held_out.mrr());
  // In-process cost of the whole set (10 hits each), after the warm pass above.
  const absl::Time start = absl::Now();
  constexpr int kRepeats = 5;
  for (int r = 0; r < kRepeats; ++r) {
    for (const auto& q : queries_) {
      v1::SearchCodesRequest request;
      request.set_query(q.query);
      request.set_page_size(10);
      ASSERT_TRUE(SearchCodes(*index_, request).ok());
    }
  }
  std::cout << absl::StrFormat(
      "in-process: %.1f us per SearchCodes (mean over %d runs of the set)\n",
      absl::ToDoubleMicroseconds(absl::Now() - start) / (kRepeats * queries_.size()), kRepeats);
  // The targets are recall@10 >= 0.95 and MRR >= 0.85 on the held-out
  // half. Recall is met; MRR is not (0.825 measured, docs/search.md): this
  // guards what is reached, so a regression fails.
  EXPECT_GE(held_out.recall(), 0.97);
  EXPECT_GE(held_out.mrr(), 0.80);
  EXPECT_GE(tune.recall(), 0.97);
  EXPECT_GE(tune.mrr(), 0.90);
}

}  // namespace
}  // namespace codingahead::catalog
