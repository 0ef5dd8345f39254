#include "services/catalog/content_store.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace codingahead::catalog {
namespace {

namespace snapshot_v1 = ::codingahead::catalog::snapshot::v1;

std::string Key(snapshot_v1::CodeSet code_set, const std::string& code) {
  return absl::StrCat(static_cast<int>(code_set), ":", code);
}

bool ParseCodeSet(absl::string_view text, snapshot_v1::CodeSet* code_set) {
  if (text == "HCPCS")
    *code_set = snapshot_v1::CODE_SET_HCPCS;
  else if (text == "CPT")
    *code_set = snapshot_v1::CODE_SET_CPT;
  else if (text == "ICD10CM")
    *code_set = snapshot_v1::CODE_SET_ICD10CM;
  else if (text == "ICD10PCS")
    *code_set = snapshot_v1::CODE_SET_ICD10PCS;
  else
    return false;
  return true;
}

}  // namespace

absl::StatusOr<ContentStore> ContentStore::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read content file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path);
}

absl::StatusOr<ContentStore> ContentStore::Parse(const std::string& text, const std::string& name) {
  ContentStore store;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::ConsumeSuffix(&line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (absl::ConsumePrefix(&line, "#notice:")) {
      store.notice_ = std::string(absl::StripAsciiWhitespace(line));
      continue;
    }
    if (absl::StartsWith(line, "#")) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    auto fail = [&](absl::string_view reason) {
      return absl::InvalidArgumentError(absl::StrCat(name, ":", line_number, ": ", reason));
    };
    if (fields.size() != 3) return fail("expected code<TAB>code set<TAB>text");
    snapshot_v1::CodeSet code_set;
    if (!ParseCodeSet(fields[1], &code_set)) {
      return fail(absl::StrCat("unknown code set '", fields[1], "'"));
    }
    std::string code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(fields[0]));
    absl::string_view body = absl::StripAsciiWhitespace(fields[2]);
    if (code.empty() || body.empty()) return fail("empty code or text");
    if (!store.entries_.emplace(Key(code_set, code), std::string(body)).second) {
      return fail(absl::StrCat("second entry for ", code));
    }
  }
  if (!store.entries_.empty() && store.notice_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": no #notice: line"));
  }
  return store;
}

const std::string* ContentStore::CommonLanguage(snapshot_v1::CodeSet code_set,
                                                const std::string& code) const {
  auto it = entries_.find(Key(code_set, code));
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace codingahead::catalog
