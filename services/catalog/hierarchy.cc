#include "services/catalog/hierarchy.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/hash.h"
#include "common/status.h"
#include "services/catalog/code_set_name.h"

namespace codingahead::catalog {
namespace {

constexpr size_t kMaxParentLength = 16;
constexpr size_t kMaxPageTokenLength = 512;
constexpr char kTokenVersion[] = "c1";

v1::HierarchyNode Node(std::string id, std::string title, v1::CodeKind kind) {
  v1::HierarchyNode node;
  node.set_id(std::move(id));
  node.set_title(std::move(title));
  node.set_kind(kind);
  return node;
}

bool IsHcpcsCode(const std::string& code) {
  return code.size() == 5 && absl::ascii_isupper(static_cast<unsigned char>(code[0])) &&
         std::all_of(code.begin() + 1, code.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

// "E0601" -> "E0600-E0699".
std::string HcpcsRange(const std::string& code) {
  const int number = (code[1] - '0') * 1000 + (code[2] - '0') * 100;
  return absl::StrFormat("%c%04d-%c%04d", code[0], number, code[0], number + 99);
}

std::string TokenPayload(v1::CodeSet code_set, const std::string& release_id,
                         const std::string& parent, int offset) {
  return absl::StrCat(kTokenVersion, "|", static_cast<int>(code_set), "|", release_id, "|", parent,
                      "|", offset);
}

std::string TokenCheck(const std::string& payload) {
  return common::Sha256::HexDigest(absl::StrCat("ca-list-children|", payload)).substr(0, 16);
}

std::string MakePageToken(v1::CodeSet code_set, const std::string& release_id,
                          const std::string& parent, int offset) {
  const std::string payload = TokenPayload(code_set, release_id, parent, offset);
  return absl::WebSafeBase64Escape(absl::StrCat(payload, "|", TokenCheck(payload)));
}

// The offset a token resumes at; InvalidArgument (field violation) when the
// token is malformed, tampered with, or belongs to another listing.
absl::StatusOr<int> ParsePageToken(const std::string& token, v1::CodeSet code_set,
                                   const std::string& release_id, const std::string& parent) {
  auto invalid = [](absl::string_view why) {
    return common::InvalidArgumentError("invalid ListChildren request",
                                        {{"page_token", std::string(why)}});
  };
  std::string decoded;
  if (token.size() > kMaxPageTokenLength || !absl::WebSafeBase64Unescape(token, &decoded)) {
    return invalid("not a page token returned by ListChildren");
  }
  const size_t bar = decoded.rfind('|');
  if (bar == std::string::npos || TokenCheck(decoded.substr(0, bar)) != decoded.substr(bar + 1)) {
    return invalid("not a page token returned by ListChildren");
  }
  std::vector<std::string> parts = absl::StrSplit(decoded.substr(0, bar), '|');
  int offset = 0;
  if (parts.size() != 5 || parts[0] != kTokenVersion || !absl::SimpleAtoi(parts[4], &offset) ||
      offset <= 0) {
    return invalid("not a page token returned by ListChildren");
  }
  if (parts[1] != absl::StrCat(static_cast<int>(code_set)) || parts[2] != release_id ||
      parts[3] != parent) {
    return invalid(
        "the page token belongs to another listing (code set, release or parent differ); "
        "start again without a page token");
  }
  return offset;
}

}  // namespace

std::string HcpcsSectionTitle(char letter) {
  switch (letter) {
    case 'A':
      return "Transportation services, medical and surgical supplies, miscellaneous and "
             "experimental";
    case 'B':
      return "Enteral and parenteral therapy";
    case 'C':
      return "Outpatient prospective payment system (temporary hospital OPPS codes)";
    case 'D':
      return "Dental procedures";
    case 'E':
      return "Durable medical equipment";
    case 'G':
      return "Procedures and professional services (temporary)";
    case 'H':
      return "Alcohol and drug abuse treatment and mental health services";
    case 'J':
      return "Drugs administered other than oral method, chemotherapy drugs";
    case 'K':
      return "Temporary codes for durable medical equipment";
    case 'L':
      return "Orthotic and prosthetic procedures and devices";
    case 'M':
      return "Medical services";
    case 'P':
      return "Pathology and laboratory services";
    case 'Q':
      return "Temporary codes (Q codes)";
    case 'R':
      return "Diagnostic radiology services";
    case 'S':
      return "Temporary national codes (non-Medicare)";
    case 'T':
      return "National codes established for state Medicaid agencies";
    case 'U':
      return "Coronavirus diagnostic panel and laboratory testing";
    case 'V':
      return "Vision, hearing and speech-language pathology services";
    default:
      return absl::StrCat("HCPCS Level II ", std::string(1, letter), " codes");
  }
}

std::unique_ptr<const Hierarchy> Hierarchy::Build(const snapshot_v1::Release& release) {
  auto hierarchy = std::unique_ptr<Hierarchy>(new Hierarchy());
  auto& children = hierarchy->children_;
  if (release.code_set() == snapshot_v1::CODE_SET_ICD10CM) {
    for (const auto& chapter : release.chapters()) {
      // (No reference into `children` is kept across an insertion: a
      // flat_hash_map moves its values when it grows.)
      children[""].push_back(Node(chapter.id(), chapter.title(), v1::CODE_KIND_GROUP));
      children[chapter.id()];
    }
    for (const auto& block : release.blocks()) {
      const std::string& parent =
          block.parent_range().empty() ? block.chapter() : block.parent_range();
      children[parent].push_back(Node(block.range(), block.title(), v1::CODE_KIND_GROUP));
      children[block.range()];
    }
    // Categories in file order, then order-file codes by order number.
    std::vector<const snapshot_v1::CodeRecord*> codes;
    for (const auto& record : release.records()) {
      if (record.code().size() == 3) {
        children[record.block()].push_back(Node(record.code(), record.long_description(),
                                                record.billable() == snapshot_v1::BILLABLE_NO
                                                    ? v1::CODE_KIND_GROUP
                                                    : v1::CODE_KIND_CODE));
        children[record.code()];
      } else {
        codes.push_back(&record);
      }
    }
    std::stable_sort(codes.begin(), codes.end(), [](const auto* a, const auto* b) {
      return a->order_number() < b->order_number();
    });
    for (const auto* record : codes) {
      children[record->code().substr(0, 3)].push_back(Node(
          DisplayCode(snapshot_v1::CODE_SET_ICD10CM, record->code()), record->long_description(),
          record->billable() == snapshot_v1::BILLABLE_NO ? v1::CODE_KIND_GROUP
                                                         : v1::CODE_KIND_CODE));
      children[record->code()];
    }
  } else if (release.code_set() == snapshot_v1::CODE_SET_HCPCS) {
    std::vector<const snapshot_v1::CodeRecord*> codes;
    for (const auto& record : release.records()) {
      if (record.kind() == snapshot_v1::RECORD_KIND_CODE && IsHcpcsCode(record.code())) {
        codes.push_back(&record);
      }
    }
    if (codes.empty()) return nullptr;
    std::sort(codes.begin(), codes.end(),
              [](const auto* a, const auto* b) { return a->code() < b->code(); });
    for (const auto* record : codes) {
      const std::string letter(1, record->code()[0]);
      const std::string range = HcpcsRange(record->code());
      if (!children.contains(letter)) {
        children[""].push_back(Node(letter, HcpcsSectionTitle(letter[0]), v1::CODE_KIND_GROUP));
        children[letter];
      }
      if (!children.contains(range)) {
        children[letter].push_back(Node(range, absl::StrCat("HCPCS ", range), v1::CODE_KIND_GROUP));
        children[range];
      }
      const std::string& title = record->long_description().empty() ? record->short_description()
                                                                    : record->long_description();
      children[range].push_back(Node(record->code(), title, v1::CODE_KIND_CODE));
      children[record->code()];
    }
  } else {
    return nullptr;
  }
  // Counts, now that every list is complete.
  for (auto& [parent, nodes] : children) {
    for (auto& node : nodes) {
      auto it = children.find(node.id());
      const int count = it == children.end() ? 0 : static_cast<int>(it->second.size());
      node.set_child_count(count);
      node.set_has_children(count > 0);
    }
  }
  return hierarchy;
}

const std::vector<v1::HierarchyNode>* Hierarchy::Children(const std::string& parent) const {
  auto it = children_.find(parent);
  return it == children_.end() ? nullptr : &it->second;
}

absl::StatusOr<v1::ListChildrenResponse> ListChildren(const CatalogIndex& index,
                                                      const v1::ListChildrenRequest& request) {
  common::BadRequestBuilder errors;
  const v1::CodeSet code_set = request.code_set();
  if (code_set != v1::CODE_SET_ICD10CM && code_set != v1::CODE_SET_HCPCS) {
    errors.Add("code_set", code_set == v1::CODE_SET_UNSPECIFIED
                               ? "code_set is required: CODE_SET_ICD10CM or CODE_SET_HCPCS"
                               : "only CODE_SET_ICD10CM and CODE_SET_HCPCS have a hierarchy");
  }
  std::string parent;
  const absl::string_view raw_parent = absl::StripAsciiWhitespace(request.parent());
  if (raw_parent.size() > kMaxParentLength) {
    errors.Add("parent", absl::StrCat("at most ", kMaxParentLength, " characters"));
  } else {
    for (char c : raw_parent) {
      if (c == '.') continue;  // "A00.0" names the code A000
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
        errors.Add("parent",
                   "a chapter (\"1\"), block (\"A00-A09\"), category (\"A00\"), letter "
                   "section (\"E\") or range (\"E0100-E0199\"): letters, digits, '-' and '.'");
        break;
      }
      parent.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
  }
  if (request.page_size() < 0 || request.page_size() > kMaxChildrenPageSize) {
    errors.Add("page_size", absl::StrCat("must be between 0 (default ", kDefaultChildrenPageSize,
                                         ") and ", kMaxChildrenPageSize));
  }
  if (request.release_id().size() > 64) errors.Add("release_id", "at most 64 characters");
  if (absl::Status invalid = errors.Build("invalid ListChildren request"); !invalid.ok()) {
    return invalid;
  }

  const auto api_to_snapshot = static_cast<snapshot_v1::CodeSet>(code_set);
  const std::vector<ReleaseInfo>& releases = index.Releases(api_to_snapshot);
  const ReleaseInfo* release = nullptr;
  if (request.release_id().empty()) {
    if (!releases.empty()) release = &releases.back();
  } else {
    for (const auto& info : releases) {
      if (info.release->id() == request.release_id()) release = &info;
    }
    if (release == nullptr) {
      return absl::NotFoundError(absl::StrCat("No ", CodeSetName(code_set), " release ",
                                              request.release_id(), " is loaded."));
    }
  }
  if (release == nullptr) {
    return absl::NotFoundError(absl::StrCat("No ", CodeSetName(code_set), " release is loaded."));
  }
  const Hierarchy* hierarchy = index.HierarchyOf(*release);
  const std::vector<v1::HierarchyNode>* nodes =
      hierarchy == nullptr ? nullptr : hierarchy->Children(parent);
  if (nodes == nullptr) {
    return absl::NotFoundError(absl::StrCat(CodeSetName(code_set), " release ",
                                            release->release->id(), " has no node \"", parent,
                                            "\"."));
  }
  int offset = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<int> parsed =
        ParsePageToken(request.page_token(), code_set, release->release->id(), parent);
    if (!parsed.ok()) return parsed.status();
    offset = *parsed;
  }
  const int size = request.page_size() == 0 ? kDefaultChildrenPageSize : request.page_size();
  v1::ListChildrenResponse response;
  const int total = static_cast<int>(nodes->size());
  const int end = std::min(total, offset + size);
  for (int i = offset; i < end; ++i) *response.add_children() = (*nodes)[i];
  if (end < total) {
    response.set_next_page_token(MakePageToken(code_set, release->release->id(), parent, end));
  }
  return response;
}

}  // namespace codingahead::catalog
