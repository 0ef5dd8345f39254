#ifndef CODINGAHEAD_TOOLS_IMPORTER_ICD10CM_READER_H_
#define CODINGAHEAD_TOOLS_IMPORTER_ICD10CM_READER_H_

// Readers for the CDC/NCHS ICD-10-CM files: the tabular list's chapters,
// sections (blocks) and categories as CSV, the index and tables as XML, and
// the CMS/CDC order file. Every error is InvalidArgument
// "<file>:<line>: <reason>".

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "catalog/snapshot/v1/snapshot.pb.h"

namespace codingahead::importer {

// One CSV record: its fields (quotes removed, "" unescaped) and the line it
// starts on.
struct CsvRow {
  int line_number = 0;
  std::vector<std::string> fields;
};

// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line
// breaks; CRLF or LF; a UTF-8 BOM is dropped; a file that is not valid UTF-8
// is read as cp1252. Blank lines are skipped. The header is the first row.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view file_name, absl::string_view data);

struct CsvFile {
  std::string name;  // for diagnostics, e.g. "icd10cm-chapters-April-1-2026.csv"
  absl::string_view data;
};

struct Icd10cmTabular {
  std::vector<catalog::snapshot::v1::Chapter> chapters;
  std::vector<catalog::snapshot::v1::Block> blocks;
  // One RECORD_KIND_CODE record per three-character category, with its
  // block and chapter, description as long_description.
  std::vector<catalog::snapshot::v1::CodeRecord> categories;
};

// Reads the three CSV files (`chapter,description`;
// `section_range,chapter,description`;
// `ICD10-CM-CODE,description,section,chapter`), checking headers, shapes,
// uniqueness and that every reference resolves (a category's section exists
// and belongs to the category's chapter). Ranges that hold no category are
// grouping ranges; each block is linked to the smallest grouping range of
// its chapter containing it.
absl::StatusOr<Icd10cmTabular> ReadIcd10cmTabular(const CsvFile& chapters, const CsvFile& sections,
                                                  const CsvFile& categories);

struct Icd10cmIndex {
  std::string version;  // the <version> element, e.g. "2026"
  std::vector<catalog::snapshot::v1::IndexTerm> terms;
};

// Reads one index XML file (Index to External Causes, Neoplasm Table or
// Table of Drugs and Chemicals): every mainTerm and term with its path of
// titles, codes (<code>, <subcat>, and table <cell>s named by their column
// heading; "-" and "--" cells are empty), see and see-also references. A term
// has one <title>; terms nest at most 32 deep.
absl::StatusOr<Icd10cmIndex> ReadIcd10cmIndex(absl::string_view file_name, absl::string_view data,
                                              catalog::snapshot::v1::IndexSource source);

// Normalises an index or order-file code: "C79.8-" -> "C798" with
// `needs_more_characters`; false when it is not shaped like an ICD-10-CM
// code (letter, digit, alphanumeric, then up to 4 alphanumerics).
bool NormalizeIcd10cmCode(absl::string_view written, std::string* code,
                          bool* needs_more_characters);

// The CMS/CDC order file (icd10cm_order_YYYY.txt): columns 1-5 order number,
// 7-13 code without dot (left-aligned), 15 billable flag 0/1, 17-76 short
// description, 78- long description. Columns count bytes (the published
// files are ASCII); descriptions are read as UTF-8, or cp1252 when the file
// is not valid UTF-8. Blank lines are skipped.
absl::StatusOr<std::vector<catalog::snapshot::v1::CodeRecord>> ReadIcd10cmOrderFile(
    absl::string_view file_name, absl::string_view data);

}  // namespace codingahead::importer

#endif  // CODINGAHEAD_TOOLS_IMPORTER_ICD10CM_READER_H_
