#include "tools/importer/snapshot_builder.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/hash.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "tools/importer/cpt_file_reader.h"
#include "tools/importer/edit_table_builder.h"
#include "tools/importer/hcpcs_record_reader.h"
#include "tools/importer/icd10cm_reader.h"
#include "tools/importer/processing_notes_reader.h"
#include "tools/importer/record_layout_reader.h"
#include "tools/importer/snapshot_io.h"
#include "tools/importer/text_util.h"
#include "tools/importer/transaction_report_reader.h"

namespace codingahead::importer {
namespace {

namespace fs = std::filesystem;
using ::codingahead::catalog::snapshot::v1::CODE_SET_CPT;
using ::codingahead::catalog::snapshot::v1::CODE_SET_HCPCS;
using ::codingahead::catalog::snapshot::v1::CODE_SET_ICD10CM;
using ::codingahead::catalog::snapshot::v1::CodeRecord;
using ::codingahead::catalog::snapshot::v1::FORMAT_VERSION_1;
using ::codingahead::catalog::snapshot::v1::IndexSource;
using ::codingahead::catalog::snapshot::v1::Release;
using ::codingahead::catalog::snapshot::v1::Snapshot;

bool IsYearName(const std::string& name) {
  return name.size() == 4 && std::all_of(name.begin(), name.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

// Reads `path`, records it as a source of `release` under `name`.
absl::StatusOr<std::string> ReadSource(const std::string& path, const std::string& name,
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
  for (const fs::directory_entry& entry : fs::directory_iterator(hcpcs_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && absl::StrContains(absl::AsciiStrToLower(name), "recordlayout") &&
        absl::EndsWithIgnoreCase(name, ".txt") && name > best) {
      best = name;
    }
  }
  if (ec) {
    return absl::NotFoundError(absl::StrCat("cannot list ", hcpcs_dir, ": ", ec.message()));
  }
  if (best.empty()) {
    return absl::NotFoundError(absl::StrCat("no *recordlayout*.txt file in ", hcpcs_dir));
  }
  return best;
}

// The ICD-10-CM release of one fiscal-year folder: tabular CSVs, the three
// index files and, when given, an order file.
absl::Status BuildIcd10cmRelease(const SnapshotBuilderOptions& options, Release& release,
                                 ReleaseStats& stats) {
  absl::StatusOr<Icd10cmSources> sources = DiscoverIcd10cmSources(options.icd10cm_dir);
  if (!sources.ok()) return sources.status();
  const int fy = sources->fiscal_year;
  release.set_id(absl::StrCat("icd10cm-", fy));
  release.set_code_set(CODE_SET_ICD10CM);
  // ICD-10-CM fiscal year FY runs from 1 October of FY-1; CMS/CDC may
  // publish an April 1 update within the year. These files are that update:
  // the release is named for it and takes effect on its own date (FY-04-01),
  // not on 1 October, because its content is the update's and the catalog
  // must not answer for earlier dates of service with wording that was not
  // yet in force. The catalog lets the newest ICD-10-CM release cover dates
  // up to the day before the next 1 October (FY-09-30).
  if (sources->april_update) {
    release.set_label(absl::StrCat("ICD-10-CM FY", fy, " (April 1, ", fy, " update)"));
    release.mutable_effective_date()->set_year(fy);
    release.mutable_effective_date()->set_month(4);
  } else {
    release.set_label(absl::StrCat("ICD-10-CM FY", fy));
    release.mutable_effective_date()->set_year(fy - 1);
    release.mutable_effective_date()->set_month(10);
  }
  release.mutable_effective_date()->set_day(1);

  const std::string& dir = options.icd10cm_dir;
  auto read = [&](const std::string& name) {
    return ReadSource(absl::StrCat(dir, "/", name), name, release);
  };
  absl::StatusOr<std::string> chapters = read(sources->chapters);
  if (!chapters.ok()) return chapters.status();
  absl::StatusOr<std::string> sections = read(sources->sections);
  if (!sections.ok()) return sections.status();
  absl::StatusOr<std::string> categories = read(sources->categories);
  if (!categories.ok()) return categories.status();
  absl::StatusOr<Icd10cmTabular> tabular =
      ReadIcd10cmTabular({sources->chapters, *chapters}, {sources->sections, *sections},
                         {sources->categories, *categories});
  if (!tabular.ok()) return tabular.status();
  for (auto& chapter : tabular->chapters) *release.add_chapters() = std::move(chapter);
  int grouping = 0;
  for (auto& block : tabular->blocks) {
    grouping += block.grouping() ? 1 : 0;
    *release.add_blocks() = std::move(block);
  }
  absl::flat_hash_map<std::string, int> record_of;
  for (auto& category : tabular->categories) {
    record_of[category.code()] = release.records_size();
    *release.add_records() = std::move(category);
  }
  const int category_count = release.records_size();

  int index_codes = 0;
  const std::pair<const std::string*, IndexSource> index_files[] = {
      {&sources->eindex, catalog::snapshot::v1::INDEX_SOURCE_EXTERNAL_CAUSES},
      {&sources->neoplasm, catalog::snapshot::v1::INDEX_SOURCE_NEOPLASM},
      {&sources->drug, catalog::snapshot::v1::INDEX_SOURCE_DRUG}};
  for (const auto& [name, source] : index_files) {
    absl::StatusOr<std::string> data = read(*name);
    if (!data.ok()) return data.status();
    absl::StatusOr<Icd10cmIndex> index = ReadIcd10cmIndex(*name, *data, source);
    if (!index.ok()) return index.status();
    if (!index->version.empty() && index->version != absl::StrCat(fy)) {
      return absl::InvalidArgumentError(absl::StrCat(*name, ":1: <version> is ", index->version,
                                                     " but the folder is fiscal year ", fy));
    }
    for (auto& term : index->terms) {
      index_codes += term.codes_size();
      *release.add_index_terms() = std::move(term);
    }
  }

  int order_codes = 0;
  if (!options.icd10cm_order_file.empty()) {
    const std::string name = fs::path(options.icd10cm_order_file).filename().string();
    absl::StatusOr<std::string> data = ReadSource(options.icd10cm_order_file, name, release);
    if (!data.ok()) return data.status();
    absl::StatusOr<std::vector<CodeRecord>> entries = ReadIcd10cmOrderFile(name, *data);
    if (!entries.ok()) return entries.status();
    order_codes = static_cast<int>(entries->size());
    for (auto& entry : *entries) {
      const std::string category = entry.code().substr(0, 3);
      auto it = record_of.find(category);
      if (it == record_of.end() || it->second >= category_count) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, ":", entry.line_number(), ": ", entry.code(), " belongs to category ", category,
            ", which ", sources->categories, " does not list"));
      }
      if (entry.code().size() == 3) {
        // The category itself: the order file tells whether it is billable.
        CodeRecord& record = *release.mutable_records(it->second);
        record.set_billable(entry.billable());
        record.set_order_number(entry.order_number());
        record.set_short_description(entry.short_description());
        continue;
      }
      const CodeRecord& parent = release.records(it->second);
      entry.set_block(parent.block());
      entry.set_chapter(parent.chapter());
      *release.add_records() = std::move(entry);
    }
  }
  release.set_code_count(release.records_size());

  stats.release_id = release.id();
  stats.records = release.records_size();
  stats.codes = release.code_count();
  stats.details =
      absl::StrCat("chapters=", release.chapters_size(), " blocks=", release.blocks_size(),
                   " grouping_ranges=", grouping, " categories=", category_count,
                   " index_terms=", release.index_terms_size(), " index_codes=", index_codes,
                   " order_file_codes=", order_codes);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<HcpcsYearSource>> DiscoverHcpcsYears(const std::string& hcpcs_dir) {
  std::vector<HcpcsYearSource> years;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(hcpcs_dir, ec)) {
    const std::string year_name = entry.path().filename().string();
    if (!entry.is_directory() || !IsYearName(year_name)) continue;
    HcpcsYearSource source;
    source.dir = entry.path().string();
    (void)absl::SimpleAtoi(year_name, &source.year);
    std::error_code inner;
    for (const fs::directory_entry& file : fs::directory_iterator(entry.path(), inner)) {
      const std::string name = file.path().filename().string();
      if (!file.is_regular_file()) continue;
      if (absl::StrContains(name, "ANWEB") && absl::EndsWithIgnoreCase(name, ".txt")) {
        if (!source.record_file.empty()) {
          return absl::FailedPreconditionError(absl::StrCat("two HCPCS record files in ",
                                                            source.dir, ": ", source.record_file,
                                                            " and ", year_name, "/", name));
        }
        source.record_file = absl::StrCat(year_name, "/", name);
      } else if (name == absl::StrCat("proc_notes_", year_name, ".txt")) {
        source.notes_file = absl::StrCat(year_name, "/", name);
      } else if (absl::EndsWithIgnoreCase(name, ".prn") &&
                 absl::StrContains(absl::AsciiStrToLower(name), "change")) {
        if (!source.transactions_file.empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("two HCPCS transaction reports in ", source.dir, ": ",
                           source.transactions_file, " and ", year_name, "/", name));
        }
        source.transactions_file = absl::StrCat(year_name, "/", name);
      }
    }
    if (inner) {
      return absl::NotFoundError(absl::StrCat("cannot list ", source.dir, ": ", inner.message()));
    }
    if (!source.record_file.empty()) years.push_back(std::move(source));
  }
  if (ec) {
    return absl::NotFoundError(absl::StrCat("cannot list ", hcpcs_dir, ": ", ec.message()));
  }
  if (years.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no YYYY/ folder with an *ANWEB*.txt file in ", hcpcs_dir));
  }
  std::sort(years.begin(), years.end(),
            [](const auto& a, const auto& b) { return a.year < b.year; });
  return years;
}

absl::StatusOr<Icd10cmSources> DiscoverIcd10cmSources(const std::string& icd10cm_dir) {
  Icd10cmSources sources;
  fs::path folder_path = fs::path(icd10cm_dir).lexically_normal();
  if (folder_path.filename().empty()) folder_path = folder_path.parent_path();  // "2026/"
  const std::string folder = folder_path.filename().string();
  if (!IsYearName(folder) || !absl::SimpleAtoi(folder, &sources.fiscal_year)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the ICD-10-CM folder must be named after its fiscal year (e.g. icd10cm/2026): ",
        icd10cm_dir));
  }
  struct Slot {
    const char* word;
    const char* extension;
    std::string* name;
  };
  Slot slots[] = {
      {"chapters", ".csv", &sources.chapters},     {"sections", ".csv", &sources.sections},
      {"categories", ".csv", &sources.categories}, {"eindex", ".xml", &sources.eindex},
      {"neoplasm", ".xml", &sources.neoplasm},     {"drug", ".xml", &sources.drug}};
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(icd10cm_dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    const std::string lower = absl::AsciiStrToLower(name);
    for (Slot& slot : slots) {
      if (!absl::StrContains(lower, slot.word) || !absl::EndsWith(lower, slot.extension)) continue;
      if (!slot.name->empty()) {
        return absl::FailedPreconditionError(absl::StrCat("two ICD-10-CM ", slot.word, " files in ",
                                                          icd10cm_dir, ": ", *slot.name, " and ",
                                                          name));
      }
      *slot.name = name;
    }
  }
  if (ec) {
    return absl::NotFoundError(absl::StrCat("cannot list ", icd10cm_dir, ": ", ec.message()));
  }
  bool april = true;
  for (const Slot& slot : slots) {
    if (slot.name->empty()) {
      return absl::NotFoundError(
          absl::StrCat("no ICD-10-CM *", slot.word, "*", slot.extension, " file in ", icd10cm_dir));
    }
    april = april && absl::StrContains(absl::AsciiStrToLower(*slot.name),
                                       absl::StrCat("april-1-", sources.fiscal_year));
  }
  sources.april_update = april;
  return sources;
}

SnapshotBuilder::SnapshotBuilder(SnapshotBuilderOptions options) : options_(std::move(options)) {}

absl::StatusOr<BuildResult> SnapshotBuilder::Build() const {
  if (options_.hcpcs_dir.empty() && options_.cpt_file.empty() && options_.icd10cm_dir.empty() &&
      !HasEditTableFiles(options_)) {
    return absl::InvalidArgumentError(
        "nothing to import: no HCPCS folder, "
        "no CPT file, no ICD-10-CM folder and no edit table given");
  }
  if (options_.icd10cm_dir.empty() && !options_.icd10cm_order_file.empty()) {
    return absl::InvalidArgumentError(
        "an ICD-10-CM order file needs the ICD-10-CM folder it belongs to");
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
    absl::StatusOr<RecordLayout> layout = ReadRecordLayout(*layout_name, *layout_data);
    if (!layout.ok()) return layout.status();
    if (absl::Status s = CheckLayoutAgrees(*layout, *layout_name); !s.ok()) {
      return s;
    }
    for (auto& table : BuildCodeTables(*layout)) {
      *snapshot.add_code_tables() = std::move(table);
    }

    absl::StatusOr<std::vector<HcpcsYearSource>> years = DiscoverHcpcsYears(dir);
    if (!years.ok()) return years.status();
    for (const HcpcsYearSource& year : *years) {
      const absl::Time start = options_.clock();
      Release& release = *snapshot.add_releases();
      release.set_id(absl::StrCat("hcpcs-", year.year));
      release.set_code_set(CODE_SET_HCPCS);
      release.set_label(absl::StrCat("HCPCS ", year.year, " annual"));
      SetJanuaryFirst(year.year, release.mutable_effective_date());

      absl::StatusOr<std::string> data =
          ReadSource(absl::StrCat(dir, "/", year.record_file), year.record_file, release);
      if (!data.ok()) return data.status();
      absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords(year.record_file, *data);
      if (!file.ok()) return file.status();
      const HcpcsFileCounts& counts = file->counts;
      release.set_code_count(counts.code_first_lines);
      release.set_modifier_count(counts.modifier_first_lines);
      release.set_continuation_line_count(counts.continuation_lines);
      release.set_skipped_line_count(counts.skipped_leading_lines +
                                     counts.skipped_trailing_blank_lines);
      release.mutable_records()->Reserve(static_cast<int>(file->records.size()));
      for (auto& record : file->records) {
        *release.add_records() = std::move(record);
      }

      if (!year.notes_file.empty()) {
        absl::StatusOr<std::string> notes_data =
            ReadSource(absl::StrCat(dir, "/", year.notes_file), year.notes_file, release);
        if (!notes_data.ok()) return notes_data.status();
        absl::StatusOr<std::vector<catalog::snapshot::v1::ProcessingNote>> notes =
            ReadProcessingNotes(year.notes_file, *notes_data);
        if (!notes.ok()) return notes.status();
        for (auto& note : *notes) {
          *release.add_processing_notes() = std::move(note);
        }
      }
      if (!year.transactions_file.empty()) {
        absl::StatusOr<std::string> report_data = ReadSource(
            absl::StrCat(dir, "/", year.transactions_file), year.transactions_file, release);
        if (!report_data.ok()) return report_data.status();
        absl::StatusOr<std::vector<catalog::snapshot::v1::TransactionEntry>> entries =
            ReadTransactionReport(year.transactions_file, *report_data);
        if (!entries.ok()) return entries.status();
        release.mutable_transactions()->Reserve(static_cast<int>(entries->size()));
        for (auto& entry : *entries) *release.add_transactions() = std::move(entry);
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
      if (release.transactions_size() > 0) {
        stats.details = absl::StrCat("transactions=", release.transactions_size());
      }
      stats.elapsed = options_.clock() - start;
    }
  }

  if (!options_.cpt_file.empty()) {
    const absl::Time start = options_.clock();
    Release& release = *snapshot.add_releases();
    const int year = options_.cpt_year;
    const bool placeholder = options_.cpt_placeholder;
    release.set_id(placeholder ? absl::StrCat("cpt-sample-", year) : absl::StrCat("cpt-", year));
    release.set_code_set(CODE_SET_CPT);
    release.set_label(placeholder ? absl::StrCat("CPT ", year,
                                                 " sample (platform placeholder "
                                                 "wording)")
                                  : absl::StrCat("CPT ", year, " annual"));
    SetJanuaryFirst(year, release.mutable_effective_date());
    release.set_placeholder(placeholder);
    const std::string name = fs::path(options_.cpt_file).filename().string();
    absl::StatusOr<std::string> data = ReadSource(options_.cpt_file, name, release);
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

  if (!options_.icd10cm_dir.empty()) {
    const absl::Time start = options_.clock();
    Release& release = *snapshot.add_releases();
    ReleaseStats& stats = result.stats.emplace_back();
    if (absl::Status s = BuildIcd10cmRelease(options_, release, stats); !s.ok()) {
      return s;
    }
    stats.elapsed = options_.clock() - start;
  }

  if (absl::Status s = AddEditTables(options_, snapshot, result.edit_stats); !s.ok()) return s;

  snapshot.set_snapshot_id(ComputeSnapshotId(snapshot));
  const absl::Time now = options_.clock();
  snapshot.mutable_created_at()->set_seconds(absl::ToUnixSeconds(now));
  snapshot.mutable_created_at()->set_nanos(static_cast<int32_t>(
      (now - absl::FromUnixSeconds(absl::ToUnixSeconds(now))) / absl::Nanoseconds(1)));
  return result;
}

}  // namespace codingahead::importer
