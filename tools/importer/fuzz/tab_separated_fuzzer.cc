// Fuzzes the tab-separated readers: the licensed CPT descriptor file (with
// and without the placeholder mark) and the NCCI PTP edit tables.

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "tools/importer/cpt_file_reader.h"
#include "tools/importer/edit_file_util.h"
#include "tools/importer/fuzz/fuzz_util.h"
#include "tools/importer/ncci_ptp_reader.h"

namespace codingahead::importer::fuzz {
namespace {

void FuzzTabSeparated(absl::string_view input) {
  if (!IsValidUtf8(EditFileText(input))) Fail("EditFileText made invalid UTF-8", input);
  for (bool placeholder : {false, true}) {
    if (absl::StatusOr<CptFile> cpt = ReadCptFile("cpt.tsv", input, placeholder); cpt.ok()) {
      RequireRoundTripAll(cpt->records);
    }
  }
  if (absl::StatusOr<PtpFile> ptp = ReadNcciPtpFile("ncci_ptp.txt", input); ptp.ok()) {
    RequireRoundTripAll(ptp->edits);
  }
}

}  // namespace
}  // namespace codingahead::importer::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  codingahead::importer::fuzz::FuzzTabSeparated(codingahead::importer::fuzz::AsBytes(data, size));
  return 0;
}
