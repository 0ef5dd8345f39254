#include "tools/importer/cpt_file_reader.h"

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tools/importer/cp1252.h"
#include "tools/importer/hcpcs_record_reader.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::CodeRecord;
using ::codingahead::catalog::snapshot::v1::RECORD_KIND_CODE;

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

bool IsValidUtf8(absl::string_view data) {
  size_t i = 0;
  while (i < data.size()) {
    const auto lead = static_cast<unsigned char>(data[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    int extra;
    char32_t cp;
    if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      cp = lead & 0x07;
    } else {
      return false;
    }
    if (i + extra >= data.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cont = static_cast<unsigned char>(data[i + k]);
      if ((cont & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cont & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

absl::StatusOr<CptFile> ReadCptFile(absl::string_view file_name, absl::string_view data,
                                    bool placeholder) {
  if (absl::StartsWith(data, kUtf8Bom)) data.remove_prefix(kUtf8Bom.size());
  const std::string text = IsValidUtf8(data) ? std::string(data) : Cp1252ToUtf8(data);
  CptFile result;
  std::map<std::string, int> line_of;
  const std::vector<absl::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    const absl::string_view line = lines[i];
    auto error = [&](absl::string_view reason) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ":", line_number, ": ", reason));
    };
    if (IsBlank(line) || absl::StartsWith(line, "#")) {
      ++result.skipped_lines;
      continue;
    }
    const size_t tab = line.find('\t');
    if (tab == absl::string_view::npos) {
      return error("expected \"code<TAB>descriptor\"");
    }
    const std::string code(absl::StripAsciiWhitespace(line.substr(0, tab)));
    if (!IsCptShapedCode(code)) {
      return error(absl::StrCat("'", absl::CHexEscape(code),
                                "' is not a CPT code (NNNNN, NNNNF, NNNNT or "
                                "NNNNU)"));
    }
    const std::string descriptor = CollapseWhitespace(line.substr(tab + 1));
    if (descriptor.empty()) return error(absl::StrCat(code, " has no descriptor"));
    auto [it, inserted] = line_of.emplace(code, line_number);
    if (!inserted) {
      return error(absl::StrCat(code, " already listed on line ", it->second));
    }
    CodeRecord& record = result.records.emplace_back();
    record.set_code(code);
    record.set_kind(RECORD_KIND_CODE);
    record.set_long_description(placeholder ? absl::StrCat(kPlaceholderMark, ": ", descriptor)
                                            : descriptor);
    record.set_line_number(line_number);
  }
  return result;
}

}  // namespace codingahead::importer
