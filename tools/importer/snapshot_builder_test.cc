#include "tools/importer/snapshot_builder.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/cpt_file_reader.h"
#include "tools/importer/snapshot_io.h"
#include "tools/importer/test_util.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::CODE_SET_CPT;
using ::codingahead::catalog::snapshot::v1::CODE_SET_HCPCS;
using ::codingahead::catalog::snapshot::v1::FORMAT_VERSION_1;
using ::codingahead::catalog::snapshot::v1::Release;
using ::codingahead::importer::testing::CopyFile;
using ::codingahead::importer::testing::HcpcsDir;
using ::codingahead::importer::testing::ScopedTempDir;
using ::codingahead::importer::testing::WriteFile;
using ::testing::HasSubstr;

constexpr char kLayout[] = "HCPCS2019_recordlayout.txt";
constexpr char k2019File[] = "2019/HCPC2019_CONTR_ANWEB.txt";

SnapshotBuilderOptions Options(std::string hcpcs_dir, std::string cpt_file) {
  SnapshotBuilderOptions options;
  options.hcpcs_dir = std::move(hcpcs_dir);
  options.cpt_file = std::move(cpt_file);
  options.clock = [] { return absl::FromUnixSeconds(1700000000); };
  return options;
}

// A data folder holding the layout and the 2019 file copied as `years`.
void MakeHcpcsDir(const ScopedTempDir& dir, const std::vector<int>& years) {
  CopyFile(absl::StrCat(HcpcsDir(), "/", kLayout), dir.Path(kLayout));
  for (int year : years) {
    CopyFile(absl::StrCat(HcpcsDir(), "/", k2019File),
             dir.Path(absl::StrCat(year, "/HCPC", year, "_CONTR_ANWEB.txt")));
  }
}

TEST(DiscoverHcpcsYearsTest, FindsTheThreeSharedYears) {
  absl::StatusOr<std::vector<HcpcsYearSource>> years = DiscoverHcpcsYears(HcpcsDir());
  ASSERT_TRUE(years.ok()) << years.status();
  ASSERT_EQ(years->size(), 3u);
  EXPECT_EQ((*years)[0].year, 2017);
  EXPECT_EQ((*years)[0].record_file, "2017/HCPC17_CONTR_ANWEB.txt");
  EXPECT_EQ((*years)[0].notes_file, "2017/proc_notes_2017.txt");
  EXPECT_EQ((*years)[1].record_file, "2018/HCPC2018_CONTR_ANWEB_disc.txt");
  EXPECT_EQ((*years)[2].year, 2019);
}

TEST(DiscoverHcpcsYearsTest, FutureYearFolderIsImportedWithNoCodeChange) {
  ScopedTempDir dir;
  MakeHcpcsDir(dir, {2019, 2020});
  WriteFile(dir.Path("2021/README.txt"), "not yet published\n");
  WriteFile(dir.Path("notes/HCPC_ANWEB.txt"), "not a year folder\n");

  absl::StatusOr<BuildResult> result = SnapshotBuilder(Options(dir.path(), "")).Build();
  ASSERT_TRUE(result.ok()) << result.status();
  const auto& releases = result->snapshot.releases();
  ASSERT_EQ(releases.size(), 2);
  const Release& future = releases[1];
  EXPECT_EQ(future.id(), "hcpcs-2020");
  EXPECT_EQ(future.label(), "HCPCS 2020 annual");
  EXPECT_EQ(future.effective_date().year(), 2020);
  EXPECT_EQ(future.effective_date().month(), 1);
  EXPECT_EQ(future.effective_date().day(), 1);
  EXPECT_EQ(future.code_count(), 6440);
  EXPECT_EQ(future.modifier_count(), 360);
  EXPECT_EQ(future.sources(0).name(), "2020/HCPC2020_CONTR_ANWEB.txt");
  EXPECT_EQ(future.processing_notes_size(), 0);  // no proc_notes_2020.txt
}

TEST(DiscoverHcpcsYearsTest, TwoRecordFilesInOneYearFail) {
  ScopedTempDir dir;
  MakeHcpcsDir(dir, {2019});
  WriteFile(dir.Path("2019/HCPC2019_ANWEB_copy.txt"), "");
  EXPECT_EQ(DiscoverHcpcsYears(dir.path()).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(DiscoverHcpcsYearsTest, FolderWithoutYearsIsNotFound) {
  ScopedTempDir dir;
  EXPECT_EQ(DiscoverHcpcsYears(dir.path()).status().code(), absl::StatusCode::kNotFound);
}

TEST(SnapshotBuilderTest, BuildsAllReleasesFromSharedDataAndCptSample) {
  absl::StatusOr<BuildResult> result =
      SnapshotBuilder(Options(HcpcsDir(), CA_CPT_SAMPLE_FILE)).Build();
  ASSERT_TRUE(result.ok()) << result.status();
  const auto& snapshot = result->snapshot;
  EXPECT_EQ(snapshot.format_version(), FORMAT_VERSION_1);
  EXPECT_EQ(snapshot.snapshot_id(), ComputeSnapshotId(snapshot));
  EXPECT_EQ(snapshot.created_at().seconds(), 1700000000);
  ASSERT_EQ(snapshot.releases_size(), 4);

  struct Expected {
    const char* id;
    int year, codes, modifiers, skipped, notes;
  };
  const Expected expected[] = {{"hcpcs-2017", 2017, 6155, 343, 0, 211},
                               {"hcpcs-2018", 2018, 6205, 354, 11, 216},
                               {"hcpcs-2019", 2019, 6440, 360, 8, 218}};
  for (int i = 0; i < 3; ++i) {
    const Release& r = snapshot.releases(i);
    EXPECT_EQ(r.id(), expected[i].id);
    EXPECT_EQ(r.code_set(), CODE_SET_HCPCS);
    EXPECT_EQ(r.label(), absl::StrCat("HCPCS ", expected[i].year, " annual"));
    EXPECT_EQ(r.effective_date().year(), expected[i].year);
    EXPECT_EQ(r.code_count(), expected[i].codes);
    EXPECT_EQ(r.modifier_count(), expected[i].modifiers);
    EXPECT_EQ(r.skipped_line_count(), expected[i].skipped);
    EXPECT_EQ(r.records_size(), expected[i].codes + expected[i].modifiers);
    EXPECT_EQ(r.processing_notes_size(), expected[i].notes);
    EXPECT_FALSE(r.placeholder());
    ASSERT_EQ(r.sources_size(), 4);  // records, notes, transaction report, layout
    for (const auto& source : r.sources()) {
      absl::StatusOr<std::string> bytes =
          ReadFileToString(absl::StrCat(HcpcsDir(), "/", source.name()));
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      EXPECT_EQ(source.sha256(), common::Sha256::HexDigest(*bytes));
      EXPECT_EQ(source.size_bytes(), static_cast<int64_t>(bytes->size()));
    }
    EXPECT_THAT(r.sources(2).name(), ::testing::HasSubstr(".prn"));
    EXPECT_GT(r.transactions_size(), 6400);
    EXPECT_EQ(r.sources(3).name(), kLayout);
  }

  const Release& cpt = snapshot.releases(3);
  EXPECT_EQ(cpt.id(), "cpt-sample-2019");
  EXPECT_EQ(cpt.code_set(), CODE_SET_CPT);
  EXPECT_TRUE(cpt.placeholder());
  EXPECT_EQ(cpt.effective_date().year(), 2019);
  EXPECT_EQ(cpt.effective_date().month(), 1);
  EXPECT_EQ(cpt.effective_date().day(), 1);
  EXPECT_EQ(cpt.sources(0).name(), "cpt_sample.tsv");
  bool saw_0538t = false, saw_99213 = false;
  for (const auto& record : cpt.records()) {
    EXPECT_THAT(record.long_description(), HasSubstr(std::string(kPlaceholderMark)));
    saw_0538t |= record.code() == "0538T";
    saw_99213 |= record.code() == "99213";
  }
  EXPECT_TRUE(saw_0538t);
  EXPECT_TRUE(saw_99213);

  EXPECT_GE(snapshot.code_tables_size(), 10);
  ASSERT_EQ(result->stats.size(), 4u);
  EXPECT_EQ(result->stats[1].repaired_asc_dates, 5);
}

TEST(SnapshotBuilderTest, SnapshotIdIsStableAndFollowsInputs) {
  const auto build = [](bool placeholder) {
    SnapshotBuilderOptions options = Options(HcpcsDir(), CA_CPT_SAMPLE_FILE);
    options.cpt_placeholder = placeholder;
    absl::StatusOr<BuildResult> result = SnapshotBuilder(options).Build();
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->snapshot.snapshot_id() : std::string();
  };
  const std::string first = build(true);
  EXPECT_EQ(first.size(), 16u);
  EXPECT_EQ(build(true), first);
  EXPECT_NE(build(false), first);  // "cpt-2019" instead of "cpt-sample-2019"
}

TEST(SnapshotBuilderTest, LicensedCptFileIsNotMarked) {
  ScopedTempDir dir;
  WriteFile(dir.Path("licensed.txt"), "99213\tLicensed descriptor\n");
  SnapshotBuilderOptions options = Options("", dir.Path("licensed.txt"));
  options.cpt_placeholder = false;
  absl::StatusOr<BuildResult> result = SnapshotBuilder(options).Build();
  ASSERT_TRUE(result.ok()) << result.status();
  const Release& cpt = result->snapshot.releases(0);
  EXPECT_EQ(cpt.id(), "cpt-2019");
  EXPECT_FALSE(cpt.placeholder());
  EXPECT_EQ(cpt.records(0).long_description(), "Licensed descriptor");
}

TEST(SnapshotBuilderTest, MalformedLineInAnyYearFailsTheWholeBuild) {
  ScopedTempDir dir;
  MakeHcpcsDir(dir, {2019});
  WriteFile(dir.Path("2020/HCPC2020_CONTR_ANWEB.txt"),
            "Disclaimer\r\n" + testing::HcpcsLine({{1, "A0001"}, {11, "3"}, {12, "Ok"}}) + "\r\n" +
                testing::HcpcsLine({{1, "A0002"}, {11, "3"}, {277, "2019"}}) + "\r\n");
  absl::StatusOr<BuildResult> result = SnapshotBuilder(Options(dir.path(), "")).Build();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(),
            "2020/HCPC2020_CONTR_ANWEB.txt:3: action_effective_date '2019' is "
            "not a valid YYYYMMDD date");
}

TEST(SnapshotBuilderTest, MissingLayoutFileFails) {
  ScopedTempDir dir;
  CopyFile(absl::StrCat(HcpcsDir(), "/", k2019File), dir.Path(k2019File));
  EXPECT_EQ(SnapshotBuilder(Options(dir.path(), "")).Build().status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace codingahead::importer
