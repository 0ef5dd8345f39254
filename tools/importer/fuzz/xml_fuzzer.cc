// Fuzzes the ICD-10-CM index XML reader (Index to External Causes, Neoplasm
// Table, Table of Drugs and Chemicals share one reader).

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "tools/importer/fuzz/fuzz_util.h"
#include "tools/importer/icd10cm_reader.h"

namespace codingahead::importer::fuzz {
namespace {

void FuzzIndexXml(absl::string_view input) {
  absl::StatusOr<Icd10cmIndex> index =
      ReadIcd10cmIndex("icd10cm-index.xml", input, catalog::snapshot::v1::INDEX_SOURCE_NEOPLASM);
  if (index.ok()) RequireRoundTripAll(index->terms);
}

}  // namespace
}  // namespace codingahead::importer::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  codingahead::importer::fuzz::FuzzIndexXml(codingahead::importer::fuzz::AsBytes(data, size));
  return 0;
}
