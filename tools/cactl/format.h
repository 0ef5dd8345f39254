#ifndef CODINGAHEAD_TOOLS_CACTL_FORMAT_H_
#define CODINGAHEAD_TOOLS_CACTL_FORMAT_H_

#include <optional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "account/v1/account.pb.h"
#include "catalog/v1/catalog.pb.h"

// Human-readable output of cactl (the --json output is the proto's JSON).
namespace codingahead::cactl {

void PrintCode(const catalog::v1::Code& code, std::ostream& out);
void PrintCodePage(const catalog::v1::GetCodePageResponse& page, std::ostream& out);
void PrintQuota(const account::v1::GetQuotaResponse& quota, std::ostream& out);
// One line per node ("A00-A09  Intestinal infectious diseases (A00-A09)  [10]"),
// then how to get the next page.
void PrintChildren(const catalog::v1::ListChildrenResponse& children, std::ostream& out);
// One line per change ("added        C9030  2018-07-01  Injection, ..."),
// the total, and how to get the next page.
void PrintChanges(const catalog::v1::ListChangesResponse& changes, std::ostream& out);
void PrintCatalogInfo(const catalog::v1::GetCatalogInfoResponse& info, std::ostream& out);
// The status, its message and any field violations / quota failures.
void PrintError(const absl::Status& status, std::ostream& out);

std::optional<catalog::v1::CodeSet> ParseCodeSet(const std::string& text);

}  // namespace codingahead::cactl

#endif  // CODINGAHEAD_TOOLS_CACTL_FORMAT_H_
