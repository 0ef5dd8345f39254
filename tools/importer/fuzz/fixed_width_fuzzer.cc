// Fuzzes the fixed-width readers: the HCPCS contractor records, the HCPCS
// record layout, transaction report and processing notes, and the ICD-10-CM
// order file. Every input goes through each reader, as ca-import reads the
// file from disk; a crash, sanitizer report, time-out or a record the
// snapshot could not carry fails the run.

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "tools/importer/cp1252.h"
#include "tools/importer/cpt_file_reader.h"
#include "tools/importer/fuzz/fuzz_util.h"
#include "tools/importer/hcpcs_record_reader.h"
#include "tools/importer/icd10cm_reader.h"
#include "tools/importer/processing_notes_reader.h"
#include "tools/importer/record_layout_reader.h"
#include "tools/importer/transaction_report_reader.h"

namespace codingahead::importer::fuzz {
namespace {

void FuzzFixedWidth(absl::string_view input) {
  if (!IsValidUtf8(Cp1252ToUtf8(input))) Fail("Cp1252ToUtf8 made invalid UTF-8", input);

  if (absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("HCPC_CONTR_ANWEB.txt", input); file.ok()) {
    RequireRoundTripAll(file->records);
  }
  if (absl::StatusOr<RecordLayout> layout = ReadRecordLayout("recordlayout.txt", input);
      layout.ok()) {
    RequireRoundTripAll(BuildCodeTables(*layout));
    (void)CheckLayoutAgrees(*layout, "recordlayout.txt");
  }
  if (auto entries = ReadTransactionReport("ChangesbyAction.prn", input); entries.ok()) {
    RequireRoundTripAll(*entries);
  }
  if (auto notes = ReadProcessingNotes("proc_notes.txt", input); notes.ok()) {
    RequireRoundTripAll(*notes);
  }
  if (auto records = ReadIcd10cmOrderFile("icd10cm_order.txt", input); records.ok()) {
    RequireRoundTripAll(*records);
  }
}

}  // namespace
}  // namespace codingahead::importer::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  codingahead::importer::fuzz::FuzzFixedWidth(codingahead::importer::fuzz::AsBytes(data, size));
  return 0;
}
