// Fuzzes the comma-separated readers: the ICD-10-CM tabular files
// (chapters, sections, categories), the MUE tables and the PFS RVU file.
// The three tabular files come from one input split at 0x1E (ASCII record
// separator, never in a real file): chapters, sections, categories.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "tools/importer/edit_file_util.h"
#include "tools/importer/fuzz/fuzz_util.h"
#include "tools/importer/icd10cm_reader.h"
#include "tools/importer/mue_reader.h"
#include "tools/importer/pfs_rvu_reader.h"

namespace codingahead::importer::fuzz {
namespace {

void FuzzCsv(absl::string_view input) {
  std::vector<absl::string_view> parts = absl::StrSplit(input, absl::MaxSplits('\x1E', 2));
  parts.resize(3);
  if (absl::StatusOr<Icd10cmTabular> tabular = ReadIcd10cmTabular(
          {"chapters.csv", parts[0]}, {"sections.csv", parts[1]}, {"categories.csv", parts[2]});
      tabular.ok()) {
    RequireRoundTripAll(tabular->chapters);
    RequireRoundTripAll(tabular->blocks);
    RequireRoundTripAll(tabular->categories);
  }
  (void)ParseCsv("any.csv", input);
  if (absl::StatusOr<MueFile> mue = ReadMueFile("mue.csv", input); mue.ok()) {
    RequireRoundTripAll(mue->limits);
  }
  if (absl::StatusOr<PfsRvuFile> rvu = ReadPfsRvuFile("PPRRVU.csv", input); rvu.ok()) {
    RequireRoundTripAll(rvu->records);
  }
}

}  // namespace
}  // namespace codingahead::importer::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  codingahead::importer::fuzz::FuzzCsv(codingahead::importer::fuzz::AsBytes(data, size));
  return 0;
}
