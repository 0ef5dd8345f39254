#include "tools/importer/import_command.h"

#include <filesystem>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/snapshot_io.h"
#include "tools/importer/test_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::importer::testing::CopyFile;
using ::codingahead::importer::testing::HcpcsDir;
using ::codingahead::importer::testing::HcpcsLine;
using ::codingahead::importer::testing::ScopedTempDir;
using ::codingahead::importer::testing::WriteFile;
using ::testing::HasSubstr;

TEST(RunImportTest, WritesSnapshotAndCurrentAndPrintsOneLinePerRelease) {
  ScopedTempDir out;
  ImportOptions options;
  options.builder.hcpcs_dir = HcpcsDir();
  options.builder.cpt_file = CA_CPT_SAMPLE_FILE;
  options.out_dir = out.path();
  std::ostringstream summary;
  ASSERT_TRUE(RunImport(options, summary).ok());
  const std::string text = summary.str();
  EXPECT_THAT(text, HasSubstr("hcpcs-2019       records=6800 codes=6440 "
                              "modifiers=360 continuation_lines=4822 "
                              "skipped_lines=8"));
  EXPECT_THAT(text, HasSubstr("cpt-sample-2019"));
  EXPECT_THAT(text, HasSubstr("elapsed_ms="));

  absl::StatusOr<std::string> current = ResolveCurrentSnapshot(out.path());
  ASSERT_TRUE(current.ok()) << current.status();
  absl::StatusOr<catalog::snapshot::v1::Snapshot> snapshot = ReadSnapshot(*current);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(snapshot->releases_size(), 4);
  EXPECT_THAT(text, HasSubstr(snapshot->snapshot_id()));
}

TEST(RunImportTest, FailingInputWritesNothing) {
  ScopedTempDir data;
  ScopedTempDir out;
  CopyFile(absl::StrCat(HcpcsDir(), "/HCPCS2019_recordlayout.txt"),
           data.Path("HCPCS2019_recordlayout.txt"));
  CopyFile(absl::StrCat(HcpcsDir(), "/2019/HCPC2019_CONTR_ANWEB.txt"),
           data.Path("2019/HCPC2019_CONTR_ANWEB.txt"));
  WriteFile(data.Path("2020/HCPC2020_CONTR_ANWEB.txt"),
            HcpcsLine({{1, "A0001"}, {11, "3"}}) + "\r\n" + HcpcsLine({{1, "A0001"}, {11, "9"}}) +
                "\r\n");
  ImportOptions options;
  options.builder.hcpcs_dir = data.path();
  options.out_dir = out.Path("catalog");
  std::ostringstream summary;
  absl::Status status = RunImport(options, summary);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "2020/HCPC2020_CONTR_ANWEB.txt:2: record id '9' is not 3, 4, 7 "
            "or 8");
  EXPECT_FALSE(std::filesystem::exists(out.Path("catalog")));
  EXPECT_EQ(summary.str(), "");
}

TEST(RunImportTest, OutDirIsRequired) {
  ImportOptions options;
  options.builder.hcpcs_dir = HcpcsDir();
  std::ostringstream summary;
  EXPECT_EQ(RunImport(options, summary).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace codingahead::importer
