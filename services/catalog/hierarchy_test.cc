// ListChildren over ICD-10-CM FY2026 and HCPCS from the shared data.
#include "services/catalog/hierarchy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status.h"
#include "services/catalog/icd10cm_test_catalog.h"

namespace codingahead::catalog {
namespace {

using ::testing::HasSubstr;

class HierarchyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = SharedDataCatalogWithIcd10cm();
    ASSERT_NE(index_, nullptr);
  }
  absl::StatusOr<v1::ListChildrenResponse> List(v1::CodeSet code_set, const std::string& parent,
                                                int page_size = 0, const std::string& token = "") {
    v1::ListChildrenRequest request;
    request.set_code_set(code_set);
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return ListChildren(*index_, request);
  }
  // Every child of `parent`, following next_page_token; counts the pages.
  std::vector<v1::HierarchyNode> All(v1::CodeSet code_set, const std::string& parent, int page_size,
                                     int* pages) {
    std::vector<v1::HierarchyNode> nodes;
    std::string token;
    *pages = 0;
    do {
      absl::StatusOr<v1::ListChildrenResponse> page = List(code_set, parent, page_size, token);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      ++*pages;
      for (const auto& n : page->children()) nodes.push_back(n);
      token = page->next_page_token();
    } while (!token.empty() && *pages < 1000);
    return nodes;
  }
  static std::vector<std::string> Fields(const absl::Status& status) {
    std::vector<std::string> fields;
    if (auto bad = common::GetDetail<google::rpc::BadRequest>(status)) {
      for (const auto& v : bad->field_violations()) fields.push_back(v.field());
    }
    return fields;
  }
  std::shared_ptr<const CatalogIndex> index_;
};

TEST_F(HierarchyTest, TopLevelIsThe22ChaptersPagedBy5) {
  int pages = 0;
  std::vector<v1::HierarchyNode> chapters = All(v1::CODE_SET_ICD10CM, "", 5, &pages);
  ASSERT_EQ(chapters.size(), 22u);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(chapters[0].id(), "1");
  EXPECT_EQ(chapters[0].title(), "Certain infectious and parasitic diseases (A00-B99)");
  EXPECT_EQ(chapters[0].kind(), v1::CODE_KIND_GROUP);
  EXPECT_EQ(chapters[0].child_count(), 22);  // chapter 1 has 22 blocks
  EXPECT_EQ(chapters[21].id(), "22");
}

TEST_F(HierarchyTest, EveryBlockAndCategoryIsReachableOnce) {
  int pages = 0;
  int blocks = 0, groupings = 0, categories = 0;
  std::vector<std::string> stack;
  for (const auto& chapter : All(v1::CODE_SET_ICD10CM, "", 500, &pages))
    stack.push_back(chapter.id());
  while (!stack.empty()) {
    std::string parent = stack.back();
    stack.pop_back();
    for (const auto& node : All(v1::CODE_SET_ICD10CM, parent, 500, &pages)) {
      if (node.kind() == v1::CODE_KIND_GROUP) {
        bool holds_categories = false;
        for (const auto& c : All(v1::CODE_SET_ICD10CM, node.id(), 500, &pages)) {
          holds_categories = holds_categories || c.kind() == v1::CODE_KIND_CODE;
        }
        holds_categories ? ++blocks : ++groupings;
        stack.push_back(node.id());
      } else {
        ++categories;
      }
    }
  }
  EXPECT_EQ(blocks, 285);
  EXPECT_EQ(groupings, 12);
  EXPECT_EQ(categories, 1918);
}

TEST_F(HierarchyTest, Chapter1BlocksAndCategoriesOfA00A09) {
  int pages = 0;
  std::vector<v1::HierarchyNode> blocks = All(v1::CODE_SET_ICD10CM, "1", 7, &pages);
  ASSERT_EQ(blocks.size(), 22u);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(blocks[0].id(), "A00-A09");
  EXPECT_EQ(blocks[0].child_count(), 10);
  std::vector<v1::HierarchyNode> categories = All(v1::CODE_SET_ICD10CM, "a00-a09", 3, &pages);
  ASSERT_EQ(categories.size(), 10u);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(categories[0].id(), "A00");
  EXPECT_EQ(categories[0].title(), "Cholera");
  EXPECT_EQ(categories[9].id(), "A09");
}

TEST_F(HierarchyTest, GroupingRangeNestsBlocks) {
  int pages = 0;
  std::vector<v1::HierarchyNode> chapter2 = All(v1::CODE_SET_ICD10CM, "2", 50, &pages);
  ASSERT_FALSE(chapter2.empty());
  EXPECT_EQ(chapter2[0].id(), "C00-C96");
  std::vector<v1::HierarchyNode> malignant = All(v1::CODE_SET_ICD10CM, "C00-C96", 50, &pages);
  ASSERT_FALSE(malignant.empty());
  EXPECT_EQ(malignant[0].id(), "C00-C75");
}

TEST_F(HierarchyTest, HcpcsLettersRangesAndCodes) {
  int pages = 0;
  std::vector<v1::HierarchyNode> letters = All(v1::CODE_SET_HCPCS, "", 0, &pages);
  ASSERT_FALSE(letters.empty());
  const v1::HierarchyNode* e = nullptr;
  for (const auto& l : letters) {
    if (l.id() == "E") e = &l;
  }
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->title(), "Durable medical equipment");
  std::vector<v1::HierarchyNode> ranges = All(v1::CODE_SET_HCPCS, "E", 0, &pages);
  ASSERT_FALSE(ranges.empty());
  EXPECT_EQ(ranges[0].id(), "E0100-E0199");
  std::vector<v1::HierarchyNode> codes = All(v1::CODE_SET_HCPCS, "E0600-E0699", 4, &pages);
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(static_cast<int>(codes.size()), ranges[5].id() == "E0600-E0699"
                                                ? ranges[5].child_count()
                                                : static_cast<int>(codes.size()));
  bool has_e0601 = false;
  for (const auto& c : codes) {
    EXPECT_EQ(c.id().substr(0, 3), "E06");
    has_e0601 = has_e0601 || c.id() == "E0601";
  }
  EXPECT_TRUE(has_e0601);
  EXPECT_EQ(pages, static_cast<int>((codes.size() + 3) / 4));
}

TEST_F(HierarchyTest, TokenFromAnotherParentIsInvalidArgument) {
  absl::StatusOr<v1::ListChildrenResponse> first = List(v1::CODE_SET_ICD10CM, "1", 5);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());
  absl::StatusOr<v1::ListChildrenResponse> other =
      List(v1::CODE_SET_ICD10CM, "2", 5, first->next_page_token());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(other.status()), ::testing::ElementsAre("page_token"));
  EXPECT_THAT(other.status().ToString(), HasSubstr("another listing"));
  absl::StatusOr<v1::ListChildrenResponse> other_set =
      List(v1::CODE_SET_HCPCS, "", 5, first->next_page_token());
  EXPECT_EQ(other_set.status().code(), absl::StatusCode::kInvalidArgument);
  std::string tampered = first->next_page_token();
  tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(List(v1::CODE_SET_ICD10CM, "1", 5, tampered).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(List(v1::CODE_SET_ICD10CM, "1", 5, "not a token!").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(HierarchyTest, BadRequestsNameTheirFields) {
  absl::StatusOr<v1::ListChildrenResponse> bad = List(v1::CODE_SET_ICD10CM, "", 501);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(bad.status()), ::testing::ElementsAre("page_size"));
  bad = List(v1::CODE_SET_UNSPECIFIED, "A0$", -1);
  EXPECT_THAT(Fields(bad.status()),
              ::testing::UnorderedElementsAre("code_set", "parent", "page_size"));
  EXPECT_EQ(List(v1::CODE_SET_CPT, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HierarchyTest, UnknownParentOrReleaseIsNotFound) {
  EXPECT_EQ(List(v1::CODE_SET_ICD10CM, "99").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(List(v1::CODE_SET_ICD10CM, "E0100-E0199").status().code(), absl::StatusCode::kNotFound);
  v1::ListChildrenRequest request;
  request.set_code_set(v1::CODE_SET_ICD10CM);
  request.set_release_id("icd10cm-2019");
  EXPECT_EQ(ListChildren(*index_, request).status().code(), absl::StatusCode::kNotFound);
  request.set_release_id("icd10cm-2026");
  EXPECT_TRUE(ListChildren(*index_, request).ok());
}

TEST_F(HierarchyTest, CategoryWithoutLoadedCodesHasNoChildren) {
  absl::StatusOr<v1::ListChildrenResponse> children = List(v1::CODE_SET_ICD10CM, "A00");
  ASSERT_TRUE(children.ok()) << children.status();
  EXPECT_EQ(children->children_size(), 0);
  EXPECT_TRUE(children->next_page_token().empty());
}

}  // namespace
}  // namespace codingahead::catalog
