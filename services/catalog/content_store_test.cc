#include "services/catalog/content_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace codingahead::catalog {
namespace {

using ::testing::HasSubstr;

TEST(ContentStoreTest, ShippedFileLoads) {
  auto store = ContentStore::LoadFile(CA_CONTENT_FILE);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_GT(store->size(), 5u);
  EXPECT_THAT(store->notice(), HasSubstr("©"));
  ASSERT_NE(store->CommonLanguage(snapshot::v1::CODE_SET_HCPCS, "E0601"), nullptr);
  EXPECT_EQ(store->CommonLanguage(snapshot::v1::CODE_SET_CPT, "E0601"), nullptr);
}

TEST(ContentStoreTest, MalformedLineNamesFileAndLine) {
  auto store = ContentStore::Parse("#notice: (c) us\nE0601\tHCPCS\tok\nE0602 only two\tHCPCS\n",
                                   "content.tsv");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("content.tsv:3"));
}

TEST(ContentStoreTest, UnknownCodeSetAndDuplicatesFail) {
  EXPECT_THAT(ContentStore::Parse("#notice: n\nE0601\tXYZ\ttext\n", "f").status().message(),
              HasSubstr("unknown code set"));
  EXPECT_THAT(
      ContentStore::Parse("#notice: n\nE0601\tHCPCS\ta\ne0601\tHCPCS\tb\n", "f").status().message(),
      HasSubstr("second entry"));
}

TEST(ContentStoreTest, EntriesNeedANotice) {
  EXPECT_FALSE(ContentStore::Parse("E0601\tHCPCS\ttext\n", "f").ok());
  EXPECT_TRUE(ContentStore::Parse("# nothing yet\n", "f").ok());
}

}  // namespace
}  // namespace codingahead::catalog
