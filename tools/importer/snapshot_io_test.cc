#include "tools/importer/snapshot_io.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tools/importer/test_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::CODE_SET_HCPCS;
using ::codingahead::catalog::snapshot::v1::FORMAT_VERSION_1;
using ::codingahead::catalog::snapshot::v1::FORMAT_VERSION_UNSPECIFIED;
using ::codingahead::catalog::snapshot::v1::FormatVersion;
using ::codingahead::catalog::snapshot::v1::Snapshot;
using ::codingahead::importer::testing::ScopedTempDir;
using ::codingahead::importer::testing::WriteFile;

Snapshot SmallSnapshot(const std::string& digest) {
  Snapshot snapshot;
  snapshot.set_format_version(FORMAT_VERSION_1);
  auto* release = snapshot.add_releases();
  release->set_id("hcpcs-2019");
  release->set_code_set(CODE_SET_HCPCS);
  release->set_label("HCPCS 2019 annual");
  release->mutable_effective_date()->set_year(2019);
  release->mutable_effective_date()->set_month(1);
  release->mutable_effective_date()->set_day(1);
  auto* source = release->add_sources();
  source->set_name("2019/HCPC2019_CONTR_ANWEB.txt");
  source->set_sha256(digest);
  source->set_size_bytes(42);
  auto* record = release->add_records();
  record->set_code("G0202");
  record->set_long_description("Screening mammography, bilateral");
  record->mutable_termination_date()->set_year(2017);
  auto* table = snapshot.add_code_tables();
  table->set_field("coverage_code");
  (*table->mutable_meanings())["C"] = "Carrier judgment";
  snapshot.set_snapshot_id(ComputeSnapshotId(snapshot));
  snapshot.mutable_created_at()->set_seconds(1700000000);
  return snapshot;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(SnapshotIdTest, IsSixteenHexDigitsOfReleaseIdsAndDigests) {
  const Snapshot a = SmallSnapshot("aa");
  EXPECT_EQ(a.snapshot_id().size(), 16u);
  EXPECT_EQ(a.snapshot_id(), a.snapshot_id().substr(0, 16));
  EXPECT_NE(a.snapshot_id(), SmallSnapshot("bb").snapshot_id());
  Snapshot renamed = a;
  renamed.mutable_releases(0)->set_id("hcpcs-2020");
  EXPECT_NE(ComputeSnapshotId(renamed), a.snapshot_id());
  Snapshot relabelled = a;  // labels and records do not enter the id
  relabelled.mutable_releases(0)->set_label("other");
  EXPECT_EQ(ComputeSnapshotId(relabelled), a.snapshot_id());
}

TEST(SnapshotIoTest, WriteThenReadRoundTripsThroughCurrent) {
  ScopedTempDir dir;
  const Snapshot snapshot = SmallSnapshot("aa");
  absl::StatusOr<std::string> path = WriteSnapshot(snapshot, dir.path());
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, dir.Path("snapshots/" + snapshot.snapshot_id() + ".pb"));
  EXPECT_EQ(ReadAll(dir.Path("CURRENT")), snapshot.snapshot_id() + ".pb\n");

  absl::StatusOr<std::string> current = ResolveCurrentSnapshot(dir.path());
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(*current, *path);
  absl::StatusOr<Snapshot> read = ReadSnapshot(*current);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), snapshot.SerializeAsString());
  EXPECT_EQ(read->releases(0).records(0).code(), "G0202");
  EXPECT_EQ(read->code_tables(0).meanings().at("C"), "Carrier judgment");
}

TEST(SnapshotIoTest, NewSnapshotReplacesCurrentAndLeavesNoTemporaryFiles) {
  ScopedTempDir dir;
  const Snapshot first = SmallSnapshot("aa");
  const Snapshot second = SmallSnapshot("bb");
  ASSERT_TRUE(WriteSnapshot(first, dir.path()).ok());
  ASSERT_TRUE(WriteSnapshot(second, dir.path()).ok());
  absl::StatusOr<std::string> current = ResolveCurrentSnapshot(dir.path());
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(*current, dir.Path("snapshots/" + second.snapshot_id() + ".pb"));
  // The older snapshot stays readable for replicas still loading it.
  EXPECT_TRUE(std::filesystem::exists(dir.Path("snapshots/" + first.snapshot_id() + ".pb")));
  int entries = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    EXPECT_NE(entry.path().filename().string()[0], '.') << entry.path();
    ++entries;
  }
  EXPECT_EQ(entries, 4);  // CURRENT, snapshots/, two .pb files
}

TEST(SnapshotIoTest, ReadRefusesOtherFormatVersions) {
  ScopedTempDir dir;
  for (int version : {0, 2}) {
    Snapshot snapshot = SmallSnapshot("aa");
    snapshot.set_format_version(static_cast<FormatVersion>(version));
    const std::string path = dir.Path(absl::StrCat("v", version, ".pb"));
    WriteFile(path, snapshot.SerializeAsString());
    absl::StatusOr<Snapshot> read = ReadSnapshot(path);
    EXPECT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition)
        << version << ": " << read.status();
  }
}

TEST(SnapshotIoTest, WriteRefusesWrongVersionOrUnsafeId) {
  ScopedTempDir dir;
  Snapshot snapshot = SmallSnapshot("aa");
  snapshot.set_format_version(FORMAT_VERSION_UNSPECIFIED);
  EXPECT_EQ(WriteSnapshot(snapshot, dir.path()).status().code(),
            absl::StatusCode::kInvalidArgument);
  snapshot = SmallSnapshot("aa");
  snapshot.set_snapshot_id("../../etc/passwd");
  EXPECT_EQ(WriteSnapshot(snapshot, dir.path()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir.Path("CURRENT")));
}

TEST(SnapshotIoTest, MissingOrCorruptFilesAreReported) {
  ScopedTempDir dir;
  EXPECT_EQ(ResolveCurrentSnapshot(dir.path()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadSnapshot(dir.Path("nope.pb")).status().code(), absl::StatusCode::kNotFound);

  WriteFile(dir.Path("CURRENT"), "../outside.pb\n");
  EXPECT_EQ(ResolveCurrentSnapshot(dir.path()).status().code(), absl::StatusCode::kDataLoss);
  WriteFile(dir.Path("CURRENT"), "0123456789abcdef.pb\n");
  EXPECT_EQ(ResolveCurrentSnapshot(dir.path()).status().code(), absl::StatusCode::kNotFound);

  WriteFile(dir.Path("garbage.pb"), "\xff\xff\xff not a protobuf");
  EXPECT_EQ(ReadSnapshot(dir.Path("garbage.pb")).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace codingahead::importer
