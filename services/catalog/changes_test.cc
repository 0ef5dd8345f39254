// ListChanges over the real HCPCS 2017-2019 files, cross-checked with the
// transaction reports.
#include "services/catalog/changes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/status.h"
#include "google/rpc/error_details.pb.h"
#include "services/catalog/test_catalog.h"

namespace codingahead::catalog {
namespace {

using ::testing::HasSubstr;
using Request = v1::ListChangesRequest;

class ChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = SharedDataCatalog();
    ASSERT_NE(index_, nullptr);
  }
  static Request Make(const std::string& from, const std::string& to,
                      std::vector<Request::ChangeKind> kinds = {}, int page_size = 0) {
    Request request;
    request.set_code_set(v1::CODE_SET_HCPCS);
    request.set_from_release_id(from);
    request.set_to_release_id(to);
    for (auto kind : kinds) request.add_kinds(kind);
    request.set_page_size(page_size);
    return request;
  }
  // Every change, following next_page_token.
  std::vector<v1::CodeChange> All(Request request, int* pages = nullptr) {
    std::vector<v1::CodeChange> all;
    int count = 0;
    do {
      absl::StatusOr<v1::ListChangesResponse> page = ListChanges(*index_, request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      ++count;
      all.insert(all.end(), page->changes().begin(), page->changes().end());
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty() && count < 10000);
    if (pages != nullptr) *pages = count;
    return all;
  }
  static std::string Field(const absl::Status& status) {
    auto detail = common::GetDetail<google::rpc::BadRequest>(status);
    return detail.has_value() && detail->field_violations_size() > 0
               ? detail->field_violations(0).field()
               : "";
  }

  std::shared_ptr<const CatalogIndex> index_;
};

TEST_F(ChangesTest, G0202IsDiscontinuedBetween2017And2018ReplacedIn77067Terms) {
  auto changes = All(Make("hcpcs-2017", "hcpcs-2018", {Request::CHANGE_KIND_DISCONTINUED}));
  const v1::CodeChange* g0202 = nullptr;
  for (const auto& change : changes) {
    if (change.code() == "G0202") g0202 = &change;
  }
  ASSERT_NE(g0202, nullptr);
  EXPECT_EQ(g0202->kind(), Request::CHANGE_KIND_DISCONTINUED);
  EXPECT_EQ(g0202->action_code(), "D");
  EXPECT_EQ(g0202->termination_date().year(), 2017);
  EXPECT_EQ(g0202->termination_date().month(), 12);
  EXPECT_EQ(g0202->termination_date().day(), 31);
  EXPECT_EQ(g0202->effective_date().year(), 2018);
  EXPECT_EQ(g0202->release_id(), "hcpcs-2018");
  EXPECT_TRUE(g0202->reported());
  EXPECT_EQ(g0202->reported_change(), "Discontinued");
  EXPECT_TRUE(g0202->report_agrees());
  // The 2018 report lists 40 discontinued codes and modifiers: the records
  // say the same.
  EXPECT_EQ(changes.size(), 40u);
  for (const auto& change : changes) EXPECT_TRUE(change.report_agrees()) << change.code();
}

// Counted from the record files themselves (2018 and 2019 annual files):
// 248 codes and modifiers in 2019 that 2018 did not have or that were added
// after 2018-01-01, and 49 with a termination date in 2018-01-02..2019-12-31.
// The 2019 transaction report lists 228 ADD lines (all among the 248: the
// other 20, such as C9030, were added by the 2018 quarterly updates and the
// annual report calls them otherwise) and 49 Discontinued lines, the same
// 49 codes.
TEST_F(ChangesTest, AddedAndDiscontinuedBetween2018And2019CountExactly) {
  auto added = All(Make("hcpcs-2018", "hcpcs-2019", {Request::CHANGE_KIND_ADDED}));
  auto discontinued = All(Make("hcpcs-2018", "hcpcs-2019", {Request::CHANGE_KIND_DISCONTINUED}));
  EXPECT_EQ(added.size(), 248u);
  EXPECT_EQ(discontinued.size(), 49u);
  int added_reported_add = 0;
  std::set<std::string> added_codes;
  for (const auto& change : added) {
    added_codes.insert(change.code());
    if (change.report_agrees()) ++added_reported_add;
    EXPECT_FALSE(change.new_description().empty()) << change.code();
  }
  EXPECT_EQ(added_reported_add, 228);
  EXPECT_TRUE(added_codes.contains("C9030"));
  for (const auto& change : discontinued) {
    EXPECT_TRUE(change.report_agrees()) << change.code() << " " << change.reported_change();
  }
  // The report's own ADD lines, read into the snapshot: every one is added.
  const auto& releases = index_->Releases(snapshot_v1::CODE_SET_HCPCS);
  ASSERT_EQ(releases.size(), 3u);
  int report_adds = 0;
  for (const auto& entry : releases[2].release->transactions()) {
    if (entry.action_code() != "A") continue;
    ++report_adds;
    EXPECT_TRUE(added_codes.contains(entry.code())) << entry.code();
  }
  EXPECT_EQ(report_adds, 228);
}

TEST_F(ChangesTest, RevisedCodesHaveOldAndNewDescriptions) {
  auto revised = All(Make("hcpcs-2018", "hcpcs-2019", {Request::CHANGE_KIND_REVISED}));
  ASSERT_FALSE(revised.empty());
  int agrees = 0;
  for (const auto& change : revised) {
    EXPECT_NE(change.old_description(), change.new_description()) << change.code();
    if (change.report_agrees()) ++agrees;
  }
  // Counted from the files as well: 112 codes in both years, neither added
  // nor discontinued, whose long description differs; the 2019 report calls
  // 94 of them a long description change (the others differ in wording the
  // report files under other changes, or not at all).
  EXPECT_EQ(revised.size(), 112u);
  EXPECT_EQ(agrees, 94);
}

TEST_F(ChangesTest, PagingWalksEveryChangeOnceInCodeOrder) {
  Request request = Make("hcpcs-2018", "hcpcs-2019");
  auto whole = ListChanges(*index_, [&] {
    Request r = request;
    r.set_page_size(1000);
    return r;
  }());
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_TRUE(whole->next_page_token().empty());
  const int total = whole->total_size();
  EXPECT_EQ(whole->changes_size(), total);
  EXPECT_GT(total, 248 + 49);

  request.set_page_size(37);
  int pages = 0;
  auto paged = All(request, &pages);
  ASSERT_EQ(static_cast<int>(paged.size()), total);
  EXPECT_EQ(pages, (total + 36) / 37);
  std::set<std::pair<std::string, int>> seen;
  for (int i = 0; i < total; ++i) {
    EXPECT_EQ(paged[i].code(), whole->changes(i).code());
    EXPECT_TRUE(seen.insert({paged[i].code(), paged[i].kind()}).second) << paged[i].code();
    if (i > 0) {
      EXPECT_LE(paged[i - 1].code(), paged[i].code());
    }
  }
  // All kinds = the three kinds asked for one by one.
  size_t by_kind = 0;
  for (auto kind : {Request::CHANGE_KIND_ADDED, Request::CHANGE_KIND_REVISED,
                    Request::CHANGE_KIND_DISCONTINUED}) {
    by_kind += All(Make("hcpcs-2018", "hcpcs-2019", {kind}, 500)).size();
  }
  EXPECT_EQ(by_kind, static_cast<size_t>(total));
}

TEST_F(ChangesTest, PageTokensAreBoundToTheListing) {
  auto first = ListChanges(*index_, Make("hcpcs-2018", "hcpcs-2019", {}, 10));
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token().empty());
  Request other = Make("hcpcs-2017", "hcpcs-2019", {}, 10);
  other.set_page_token(first->next_page_token());
  auto refused = ListChanges(*index_, other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Field(refused.status()), "page_token");
  other = Make("hcpcs-2018", "hcpcs-2019", {Request::CHANGE_KIND_ADDED}, 10);
  other.set_page_token(first->next_page_token());
  EXPECT_EQ(Field(ListChanges(*index_, other).status()), "page_token");
  other = Make("hcpcs-2018", "hcpcs-2019", {}, 10);
  other.set_page_token(first->next_page_token() + "x");
  EXPECT_EQ(Field(ListChanges(*index_, other).status()), "page_token");
}

TEST_F(ChangesTest, ValidationNamesTheField) {
  auto unknown = ListChanges(*index_, Make("hcpcs-2016", "hcpcs-2019"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("hcpcs-2017"));
  EXPECT_EQ(Field(unknown.status()), "from_release_id");
  EXPECT_EQ(Field(ListChanges(*index_, Make("hcpcs-2018", "hcpcs-2030")).status()),
            "to_release_id");

  auto backwards = ListChanges(*index_, Make("hcpcs-2019", "hcpcs-2018"));
  EXPECT_EQ(backwards.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Field(backwards.status()), "from_release_id");
  EXPECT_EQ(ListChanges(*index_, Make("hcpcs-2018", "hcpcs-2018")).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto mixed = ListChanges(*index_, Make("hcpcs-2018", "cpt-sample-2019"));
  EXPECT_EQ(mixed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Field(mixed.status()), "to_release_id");

  Request wrong_set = Make("hcpcs-2018", "hcpcs-2019");
  wrong_set.set_code_set(v1::CODE_SET_CPT);
  EXPECT_EQ(Field(ListChanges(*index_, wrong_set).status()), "code_set");

  Request missing;
  EXPECT_EQ(Field(ListChanges(*index_, missing).status()), "from_release_id");

  Request bad_kind = Make("hcpcs-2018", "hcpcs-2019");
  bad_kind.add_kinds(Request::CHANGE_KIND_UNSPECIFIED);
  EXPECT_EQ(Field(ListChanges(*index_, bad_kind).status()), "kinds[0]");

  EXPECT_EQ(Field(ListChanges(*index_, Make("hcpcs-2018", "hcpcs-2019", {}, 5000)).status()),
            "page_size");

  // Without a code set, the releases' own is used.
  Request no_set = Make("hcpcs-2018", "hcpcs-2019", {}, 1);
  no_set.set_code_set(v1::CODE_SET_UNSPECIFIED);
  EXPECT_TRUE(ListChanges(*index_, no_set).ok());
}

}  // namespace
}  // namespace codingahead::catalog
