#include "common/raw_unary_call.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/unknown_field_set.h"

namespace codingahead::common {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// Nested messages deeper than this are not inspected (protobuf's own parser
// stops at 100; requests here nest two or three levels).
constexpr int kMaxDepth = 32;

bool IsValidUtf8(const std::string& bytes) {
  return google::protobuf::internal::IsStructurallyValidUTF8(bytes.data(),
                                                             static_cast<int>(bytes.size()));
}

void Inspect(const Descriptor& descriptor, const UnknownFieldSet& fields, const std::string& prefix,
             int depth, BadRequestBuilder* bad) {
  std::map<int, int> seen;  // field number -> occurrences so far, for "[i]"
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& wire = fields.field(i);
    const FieldDescriptor* field = descriptor.FindFieldByNumber(wire.number());
    if (field == nullptr) continue;  // unknown fields are kept, not refused
    std::string path = absl::StrCat(prefix, field->name());
    if (field->is_repeated()) absl::StrAppend(&path, "[", seen[wire.number()]++, "]");
    // A known field sent with another wire type is kept as unknown by
    // protobuf, not refused; packed scalars need no look either.
    if (wire.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (!IsValidUtf8(wire.length_delimited())) bad->Add(path, "must be valid UTF-8");
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE && depth < kMaxDepth) {
      UnknownFieldSet nested;
      if (!nested.ParseFromString(wire.length_delimited())) {
        bad->Add(path, "is not a well-formed message");
        continue;
      }
      Inspect(*field->message_type(), nested, absl::StrCat(path, "."), depth + 1, bad);
    }
  }
}

}  // namespace

absl::Status DiagnoseUnparsableRequest(const Descriptor& descriptor, absl::string_view wire) {
  const std::string message = absl::StrCat("request is not a valid ", descriptor.full_name());
  BadRequestBuilder bad;
  UnknownFieldSet fields;
  if (!fields.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    bad.Add("", "the request bytes are not a well-formed protocol buffer message");
    return bad.Build(message);
  }
  Inspect(descriptor, fields, "", 0, &bad);
  if (bad.empty()) bad.Add("", "the request bytes do not parse as this message");
  return bad.Build(message);
}

}  // namespace codingahead::common
