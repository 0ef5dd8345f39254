#include "tools/importer/snapshot_builder.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "tools/importer/cpt_file_reader.h"
#include "tools/importer/hcpcs_record_reader.h"
#include "tools/importer/processing_notes_reader.h"
#include "tools/importer/record_layout_reader.h"
#include "common/hash.h"
#include "tools/importer/snapshot_io.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

namespace fs = std::filesystem;
using ::codingahead::catalog::snapshot::v1::CODE_SET_CPT;
using ::codingahead::catalog::snapshot::v1::CODE_SET_HCPCS;
using ::codingahead::catalog::snapshot::v1::FORMAT_VERSION_1;
using ::codingahead::catalog::snapshot::v1::Release;
using ::codingahead::catalog::snapshot::v1::Snapshot;

bool IsYearName(const std::string& name) {
  return name.size() == 4 && std::all_of(name.begin(), name.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

// Reads `path`, records it as a source of `release` under `name`.
absl::StatusOr<std::string> ReadSource(const std::string& path,
                                       const std::string& name,
                                       Release& release) {
  absl::StatusOr<std::string> data = ReadFileToString(path);
  if (!data.ok()) return data.status();
  auto* source = release.add_sources();
  source->set_name(name);
  source->set_sha256(common::Sha256::HexDigest(*data));
  source->set_size_bytes(static_cast<int64_t>(data->size()));
  return data;
}

void SetJanuaryFirst(int year, google::type::Date* date) {
  date->set_year(year);
  date->set_month(1);
  date->set_day(1);
}

absl::StatusOr<std::string> FindLayoutFile(const std::string& hcpcs_dir) {
  std::string best;
  std::error_code ec;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(hcpcs_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() &&
        absl::StrContains(absl::AsciiStrToLower(name), "recordlayout") &&
        absl::EndsWithIgnoreCase(name, ".txt") && name > best) {
      best = name;
    }
  }
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("cannot list ", hcpcs_dir, ": ", ec.message()));
  }
  if (best.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no *recordlayout*.txt file in ", hcpcs_dir));
  }
  return best;
}

}  // namespace

absl::StatusOr<std::vector<HcpcsYearSource>> DiscoverHcpcsYears(
    const std::string& hcpcs_dir) {
  std::vector<HcpcsYearSource> years;
  std::error_code ec;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(hcpcs_dir, ec)) {
    const std::string year_name = entry.path().filename().string();
    if (!entry.is_directory() || !IsYearName(year_name)) continue;
    HcpcsYearSource source;
    source.dir = entry.path().string();
    (void)absl::SimpleAtoi(year_name, &source.year);
    std::error_code inner;
    for (const fs::directory_entry& file :
         fs::directory_iterator(entry.path(), inner)) {
      const std::string name = file.path().filename().string();
      if (!file.is_regular_file()) continue;
      if (absl::StrContains(name, "ANWEB") &&
          absl::EndsWithIgnoreCase(name, ".txt")) {
        if (!source.record_file.empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("two HCPCS record files in ", source.dir, ": ",
                           source.record_file, " and ", year_name, "/", name));
        }
        source.record_file = absl::StrCat(year_name, "/", name);
      } else if (name == absl::StrCat("proc_notes_", year_name, ".txt")) {
        source.notes_file = absl::StrCat(year_name, "/", name);
      }
    }
    if (inner) {
      return absl::NotFoundError(
          absl::StrCat("cannot list ", source.dir, ": ", inner.message()));
    }
    if (!source.record_file.empty()) years.push_back(std::move(source));
  }
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("cannot list ", hcpcs_dir, ": ", ec.message()));
  }
  if (years.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no YYYY/ folder with an *ANWEB*.txt file in ", hcpcs_dir));
  }
  std::sort(years.begin(), years.end(),
            [](const auto& a, const auto& b) { return a.year < b.year; });
  return years;
}

SnapshotBuilder::SnapshotBuilder(SnapshotBuilderOptions options)
    : options_(std::move(options)) {}

absl::StatusOr<BuildResult> SnapshotBuilder::Build() const {
  if (options_.hcpcs_dir.empty() && options_.cpt_file.empty()) {
    return absl::InvalidArgumentError(
        "nothing to import: no HCPCS folder "
        "and no CPT file given");
  }
  BuildResult result;
  Snapshot& snapshot = result.snapshot;
  snapshot.set_format_version(FORMAT_VERSION_1);

  if (!options_.hcpcs_dir.empty()) {
    const std::string& dir = options_.hcpcs_dir;
    absl::StatusOr<std::string> layout_name = FindLayoutFile(dir);
    if (!layout_name.ok()) return layout_name.status();
    absl::StatusOr<std::string> layout_data =
        ReadFileToString(absl::StrCat(dir, "/", *layout_name));
    if (!layout_data.ok()) return layout_data.status();
    absl::StatusOr<RecordLayout> layout =
        ReadRecordLayout(*layout_name, *layout_data);
    if (!layout.ok()) return layout.status();
    if (absl::Status s = CheckLayoutAgrees(*layout, *layout_name); !s.ok()) {
      return s;
    }
    for (auto& table : BuildCodeTables(*layout)) {
      *snapshot.add_code_tables() = std::move(table);
    }

    absl::StatusOr<std::vector<HcpcsYearSource>> years =
        DiscoverHcpcsYears(dir);
    if (!years.ok()) return years.status();
    for (const HcpcsYearSource& year : *years) {
      const absl::Time start = options_.clock();
      Release& release = *snapshot.add_releases();
      release.set_id(absl::StrCat("hcpcs-", year.year));
      release.set_code_set(CODE_SET_HCPCS);
      release.set_label(absl::StrCat("HCPCS ", year.year, " annual"));
      SetJanuaryFirst(year.year, release.mutable_effective_date());

      absl::StatusOr<std::string> data = ReadSource(
          absl::StrCat(dir, "/", year.record_file), year.record_file, release);
      if (!data.ok()) return data.status();
      absl::StatusOr<HcpcsFile> file =
          ReadHcpcsRecords(year.record_file, *data);
      if (!file.ok()) return file.status();
      const HcpcsFileCounts& counts = file->counts;
      release.set_code_count(counts.code_first_lines);
      release.set_modifier_count(counts.modifier_first_lines);
      release.set_continuation_line_count(counts.continuation_lines);
      release.set_skipped_line_count(counts.skipped_leading_lines +
                                     counts.skipped_trailing_blank_lines);
      release.mutable_records()->Reserve(
          static_cast<int>(file->records.size()));
      for (auto& record : file->records) {
        *release.add_records() = std::move(record);
      }

      if (!year.notes_file.empty()) {
        absl::StatusOr<std::string> notes_data = ReadSource(
            absl::StrCat(dir, "/", year.notes_file), year.notes_file, release);
        if (!notes_data.ok()) return notes_data.status();
        absl::StatusOr<std::vector<catalog::snapshot::v1::ProcessingNote>>
            notes = ReadProcessingNotes(year.notes_file, *notes_data);
        if (!notes.ok()) return notes.status();
        for (auto& note : *notes) {
          *release.add_processing_notes() = std::move(note);
        }
      }
      // The layout the records were read with is a source of the release.
      auto* layout_source = release.add_sources();
      layout_source->set_name(*layout_name);
      layout_source->set_sha256(common::Sha256::HexDigest(*layout_data));
      layout_source->set_size_bytes(static_cast<int64_t>(layout_data->size()));

      ReleaseStats& stats = result.stats.emplace_back();
      stats.release_id = release.id();
      stats.records = release.records_size();
      stats.codes = release.code_count();
      stats.modifiers = release.modifier_count();
      stats.continuation_lines = release.continuation_line_count();
      stats.skipped_lines = release.skipped_line_count();
      stats.processing_notes = release.processing_notes_size();
      stats.dropped_cpt_codes = counts.dropped_cpt_codes;
      stats.repaired_asc_dates = counts.repaired_asc_dates;
      stats.elapsed = options_.clock() - start;
    }
  }

  if (!options_.cpt_file.empty()) {
    const absl::Time start = options_.clock();
    Release& release = *snapshot.add_releases();
    const int year = options_.cpt_year;
    const bool placeholder = options_.cpt_placeholder;
    release.set_id(placeholder ? absl::StrCat("cpt-sample-", year)
                               : absl::StrCat("cpt-", year));
    release.set_code_set(CODE_SET_CPT);
    release.set_label(placeholder
                          ? absl::StrCat("CPT ", year,
                                         " sample (platform placeholder "
                                         "wording)")
                          : absl::StrCat("CPT ", year, " annual"));
    SetJanuaryFirst(year, release.mutable_effective_date());
    release.set_placeholder(placeholder);
    const std::string name = fs::path(options_.cpt_file).filename().string();
    absl::StatusOr<std::string> data =
        ReadSource(options_.cpt_file, name, release);
    if (!data.ok()) return data.status();
    absl::StatusOr<CptFile> file = ReadCptFile(name, *data, placeholder);
    if (!file.ok()) return file.status();
    release.set_code_count(static_cast<int>(file->records.size()));
    release.set_skipped_line_count(file->skipped_lines);
    for (auto& record : file->records) {
      *release.add_records() = std::move(record);
    }
    ReleaseStats& stats = result.stats.emplace_back();
    stats.release_id = release.id();
    stats.records = release.records_size();
    stats.codes = release.code_count();
    stats.skipped_lines = release.skipped_line_count();
    stats.elapsed = options_.clock() - start;
  }

  snapshot.set_snapshot_id(ComputeSnapshotId(snapshot));
  const absl::Time now = options_.clock();
  snapshot.mutable_created_at()->set_seconds(absl::ToUnixSeconds(now));
  snapshot.mutable_created_at()->set_nanos(static_cast<int32_t>(
      (now - absl::FromUnixSeconds(absl::ToUnixSeconds(now))) /
      absl::Nanoseconds(1)));
  return result;
}

}  // namespace codingahead::importer
