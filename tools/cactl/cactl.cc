// cactl: the command-line client of the Coding Ahead platform.
//
//   cactl code E0601 --date 2019-06-01     free code header
//   cactl guest                            start a guest session (saved)
//   cactl page E0601                       the metered code page
//   cactl register ann@example.com --name "Ann Lee" --password_stdin
//   cactl quota
//
// Sessions are saved in --session_file; the local run's credentials are read
// from --credentials_dir (scripts/up.sh makes them in var/credentials).
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "account/v1/account.grpc.pb.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/config.h"
#include "common/date.h"
#include "common/metadata.h"
#include "common/status.h"
#include "common/tls.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/catalog/code_set_name.h"
#include "tools/cactl/format.h"

ABSL_FLAG(std::string, catalog_target, "localhost:50051", "Catalog service address");
ABSL_FLAG(std::string, account_target, "localhost:50052", "Account service address");
ABSL_FLAG(bool, json, false, "Print responses as JSON (for scripts)");
ABSL_FLAG(std::string, date, "", "Date of service, YYYY-MM-DD");
ABSL_FLAG(std::string, code_set, "", "Restrict to a code set: hcpcs, cpt, icd10cm");
ABSL_FLAG(double, timeout_seconds, 5, "Deadline of each call");
ABSL_FLAG(std::string, target, "", "For `health`: the address to check (default: the catalog)");
ABSL_FLAG(std::string, credentials_dir, "var/credentials",
          "Folder with service-credential and operator-credential (made by scripts/up.sh)");
ABSL_FLAG(std::string, session_file, "",
          "Where the session token is kept (default: <credentials_dir>/cactl-session)");
ABSL_FLAG(std::string, client_ip, "",
          "End-user address to report (x-client-ip; honoured only with the service credential)");
ABSL_FLAG(std::string, name, "", "Display name, for `register`");
ABSL_FLAG(bool, password_stdin, false, "Read the password from standard input");
ABSL_FLAG(std::string, request_id, "", "Idempotency key for `page` and `question`");
ABSL_FLAG(int, page_size, 0,
          "For `children` (default 50, at most 500) and `changes` (default 100, at most 1000): "
          "items per page");
ABSL_FLAG(std::string, page_token, "",
          "For `children` and `changes`: next_page_token of the previous page");
ABSL_FLAG(std::string, release, "", "For `children`: a release id (default: the newest)");
ABSL_FLAG(std::string, kinds, "",
          "For `changes`: comma-separated added,revised,discontinued (default: all)");
ABSL_FLAG(std::string, reason, "", "Why, for `plan` (written to the audit log)");
ABSL_FLAG(std::string, dos, "", "For `edits`: date of service, YYYY-MM-DD (default: --date)");
ABSL_FLAG(bool, active_only, false, "For `search` and `suggest`: only codes active on the date");
ABSL_FLAG(bool, billable_only, false,
          "For `search` and `suggest`: only billable codes (ICD-10-CM codes of unknown status left "
          "out)");
ABSL_FLAG(int, limit, 0, "For `suggest`: how many completions (default 10, at most 50)");
ABSL_FLAG(std::string, provider, "practitioner",
          "For `edits`: practitioner, hospital (outpatient hospital) or dme (DME supplier)");

namespace codingahead::cactl {
namespace {

namespace catalog_v1 = ::codingahead::catalog::v1;
namespace account_v1 = ::codingahead::account::v1;

constexpr char kUsage[] =
    "cactl COMMAND [ARGS] [FLAGS]\n\n"
    "Commands:\n"
    "  code CODE [--date YYYY-MM-DD] [--code_set hcpcs|cpt|icd10cm]\n"
    "                          a code's descriptor and status on the date of service (free)\n"
    "  page CODE [--date ...]  the code page: explanation and reference sections (metered)\n"
    "  info                    the loaded releases, edit tables and PFS files with counts\n"
    "  children [PARENT] --code_set icd10cm|hcpcs [--page_size N] [--page_token T]\n"
    "                          browse the hierarchy: chapters, blocks, categories (ICD-10-CM);\n"
    "                          letter sections, ranges, codes (HCPCS)\n"
    "  changes FROM TO [--kinds added,revised,discontinued] [--page_size N] [--page_token T]\n"
    "                          codes added, revised and discontinued between two releases\n"
    "                          (e.g. hcpcs-2018 hcpcs-2019)\n"
    "  search QUERY... [--code_set S] [--date D | --release ID] [--active_only]\n"
    "         [--billable_only] [--page_size N] [--page_token T]\n"
    "                          ranked search: words, misspellings, brand names, a code,\n"
    "                          a code prefix or a range (\"E0100-E0105\", \"A00-A09\")\n"
    "  suggest PREFIX... [--limit N] [--code_set S]\n"
    "                          as-you-type completions of codes and words\n"
    "  edits --dos YYYY-MM-DD [--provider practitioner|hospital|dme] CODE[:UNITS[:MOD,MOD]]...\n"
    "                          NCCI PTP and MUE edits of one claim's lines on a date of\n"
    "                          service (e.g. 99213:1:25 12001:1)\n"
    "  guest                   start a guest session and keep its token\n"
    "  register EMAIL --name NAME [--password_stdin]\n"
    "                          create a free account (a guest session's views carry over)\n"
    "  login EMAIL [--password_stdin]\n"
    "  logout                  end the kept session\n"
    "  quota                   views remaining, without spending any\n"
    "  question [--request_id ID]\n"
    "                          charge one assistant question (what the assistant does per\n"
    "                          question) and show the questions left today\n"
    "  plan ACCOUNT_ID PLAN --reason TEXT\n"
    "                          operator: move an account to another plan\n"
    "  health [SERVICE]        grpc.health.v1 status of --target (exit 0 when SERVING)\n\n"
    "Flags: --json, --catalog_target, --account_target, --credentials_dir, --session_file,\n"
    "       --client_ip, --timeout_seconds\n"
    "mTLS (docs/security.md): --tls_ca_file, --tls_cert_file, --tls_key_file, --tls_server_name\n";

// Exit codes: 2 bad input, 3 not found, 5 allowance exhausted, 6 not logged
// in, 4 anything else.
int Fail(const grpc::Status& status) {
  PrintError(common::FromGrpcStatus(status), std::cerr);
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 2;
    case grpc::StatusCode::NOT_FOUND:
      return 3;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 5;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 6;
    default:
      return 4;
  }
}

void PrintJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  std::cout << out;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(buffer.str()));
}

std::string SessionFile() {
  std::string file = absl::GetFlag(FLAGS_session_file);
  if (!file.empty()) return file;
  return absl::GetFlag(FLAGS_credentials_dir) + "/cactl-session";
}

bool SaveSession(const std::string& token) {
  std::string path = SessionFile();
  std::string tmp = path + ".tmp";
  {
    mode_t old = umask(077);
    std::ofstream out(tmp, std::ios::trunc);
    umask(old);
    if (!out) return false;
    out << token << "\n";
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// Deadline, service credential, end-user address and the kept session.
void Prepare(grpc::ClientContext* context, bool with_session = true,
             const std::string& credential_file = "service-credential") {
  context->set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(absl::GetFlag(FLAGS_timeout_seconds) * 1000)));
  std::string credential =
      ReadFileOrEmpty(absl::GetFlag(FLAGS_credentials_dir) + "/" + credential_file);
  if (!credential.empty()) context->AddMetadata(common::kServiceCredentialHeader, credential);
  if (std::string ip = absl::GetFlag(FLAGS_client_ip); !ip.empty()) {
    context->AddMetadata(common::kClientIpHeader, ip);
  }
  if (with_session) {
    std::string token = ReadFileOrEmpty(SessionFile());
    if (!token.empty()) context->AddMetadata(common::kAuthorizationHeader, "Bearer " + token);
  }
}

std::string ReadPassword() {
  std::string password;
  bool tty = isatty(0) && !absl::GetFlag(FLAGS_password_stdin);
  termios old{};
  if (tty) {
    std::cerr << "Password: ";
    tcgetattr(0, &old);
    termios quiet = old;
    quiet.c_lflag &= ~ECHO;
    tcsetattr(0, TCSANOW, &quiet);
  }
  std::getline(std::cin, password);
  if (tty) {
    tcsetattr(0, TCSANOW, &old);
    std::cerr << "\n";
  }
  return password;
}

std::unique_ptr<catalog_v1::CatalogService::Stub> CatalogStub() {
  return catalog_v1::CatalogService::NewStub(
      common::CreateServiceChannelFromFlags(absl::GetFlag(FLAGS_catalog_target)));
}

std::unique_ptr<account_v1::AccountService::Stub> AccountStub() {
  return account_v1::AccountService::NewStub(
      common::CreateServiceChannelFromFlags(absl::GetFlag(FLAGS_account_target)));
}

// Fills the code, date and code set of a request from the arguments.
template <typename Request>
int ParseCodeArgs(const std::vector<std::string>& args, const char* usage, Request* request) {
  if (args.size() != 1) {
    std::cerr << usage;
    return 2;
  }
  request->set_code(args[0]);
  if (std::string date = absl::GetFlag(FLAGS_date); !date.empty()) {
    auto day = common::ParseDay(date);
    if (!day.has_value()) {
      std::cerr << "--date must be a real date written YYYY-MM-DD, e.g. 2019-06-01\n";
      return 2;
    }
    *request->mutable_date_of_service() = common::ToProtoDate(*day);
  }
  if (std::string code_set = absl::GetFlag(FLAGS_code_set); !code_set.empty()) {
    auto parsed = ParseCodeSet(code_set);
    if (!parsed.has_value()) {
      std::cerr << "--code_set must be hcpcs, cpt, icd10cm or icd10pcs\n";
      return 2;
    }
    request->set_code_set(*parsed);
  }
  return 0;
}

template <typename Response, typename Printer>
int Output(const grpc::Status& status, const Response& response, Printer print) {
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(response);
  } else {
    print(response);
  }
  return 0;
}

int CodeCommand(const std::vector<std::string>& args) {
  catalog_v1::GetCodeRequest request;
  if (int bad = ParseCodeArgs(args, "usage: cactl code CODE [--date YYYY-MM-DD]\n", &request)) {
    return bad;
  }
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  catalog_v1::GetCodeResponse response;
  grpc::Status status = CatalogStub()->GetCode(&context, request, &response);
  return Output(status, response, [](const auto& r) { PrintCode(r.code(), std::cout); });
}

int ChildrenCommand(const std::vector<std::string>& args) {
  constexpr char kChildrenUsage[] =
      "usage: cactl children [PARENT] --code_set icd10cm|hcpcs [--page_size N] "
      "[--page_token T] [--release ID]\n";
  if (args.size() > 1) {
    std::cerr << kChildrenUsage;
    return 2;
  }
  catalog_v1::ListChildrenRequest request;
  if (!args.empty()) request.set_parent(args[0]);
  auto code_set = ParseCodeSet(absl::GetFlag(FLAGS_code_set));
  if (!code_set.has_value()) {
    std::cerr << "--code_set must be icd10cm or hcpcs\n" << kChildrenUsage;
    return 2;
  }
  request.set_code_set(*code_set);
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  request.set_release_id(absl::GetFlag(FLAGS_release));
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  catalog_v1::ListChildrenResponse response;
  grpc::Status status = CatalogStub()->ListChildren(&context, request, &response);
  return Output(status, response, [](const auto& r) { PrintChildren(r, std::cout); });
}

int ChangesCommand(const std::vector<std::string>& args) {
  constexpr char kChangesUsage[] =
      "usage: cactl changes FROM_RELEASE TO_RELEASE [--kinds added,revised,discontinued] "
      "[--page_size N] [--page_token T]\n";
  if (args.size() != 2) {
    std::cerr << kChangesUsage;
    return 2;
  }
  catalog_v1::ListChangesRequest request;
  request.set_from_release_id(args[0]);
  request.set_to_release_id(args[1]);
  if (const std::string set = absl::GetFlag(FLAGS_code_set); !set.empty()) {
    auto code_set = ParseCodeSet(set);
    if (!code_set.has_value()) {
      std::cerr << "unknown --code_set " << set << "\n" << kChangesUsage;
      return 2;
    }
    request.set_code_set(*code_set);
  }
  for (absl::string_view kind :
       absl::StrSplit(absl::GetFlag(FLAGS_kinds), ',', absl::SkipEmpty())) {
    kind = absl::StripAsciiWhitespace(kind);
    if (kind == "added") {
      request.add_kinds(catalog_v1::ListChangesRequest::CHANGE_KIND_ADDED);
    } else if (kind == "revised") {
      request.add_kinds(catalog_v1::ListChangesRequest::CHANGE_KIND_REVISED);
    } else if (kind == "discontinued") {
      request.add_kinds(catalog_v1::ListChangesRequest::CHANGE_KIND_DISCONTINUED);
    } else {
      std::cerr << "unknown kind '" << kind << "' in --kinds\n" << kChangesUsage;
      return 2;
    }
  }
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  catalog_v1::ListChangesResponse response;
  grpc::Status status = CatalogStub()->ListChanges(&context, request, &response);
  return Output(status, response, [](const auto& r) { PrintChanges(r, std::cout); });
}

// The filter of `search` and `suggest` from the flags; 2 on bad input.
int ParseSearchFilter(catalog_v1::SearchFilter* filter) {
  if (std::string set = absl::GetFlag(FLAGS_code_set); !set.empty()) {
    auto code_set = ParseCodeSet(set);
    if (!code_set.has_value()) {
      std::cerr << "--code_set must be hcpcs, cpt, icd10cm or icd10pcs\n";
      return 2;
    }
    filter->add_code_sets(*code_set);
  }
  if (std::string date = absl::GetFlag(FLAGS_date); !date.empty()) {
    auto day = common::ParseDay(date);
    if (!day.has_value()) {
      std::cerr << "--date must be a real date written YYYY-MM-DD, e.g. 2019-06-01\n";
      return 2;
    }
    *filter->mutable_date_of_service() = common::ToProtoDate(*day);
  }
  filter->set_release_id(absl::GetFlag(FLAGS_release));
  filter->set_active_only(absl::GetFlag(FLAGS_active_only));
  filter->set_billable_only(absl::GetFlag(FLAGS_billable_only));
  return 0;
}

int SearchCommand(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "usage: cactl search QUERY... [--code_set S] [--date D | --release ID] "
                 "[--active_only] [--billable_only] [--page_size N] [--page_token T]\n";
    return 2;
  }
  catalog_v1::SearchCodesRequest request;
  request.set_query(absl::StrJoin(args, " "));
  if (int bad = ParseSearchFilter(request.mutable_filter())) return bad;
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  catalog_v1::SearchCodesResponse response;
  grpc::Status status = CatalogStub()->SearchCodes(&context, request, &response);
  return Output(status, response, [](const catalog_v1::SearchCodesResponse& r) {
    std::cout << "Searched for: " << r.interpreted_query() << " (about " << r.total_size()
              << " matches";
    for (const auto& facet : r.facets()) {
      std::cout << "; " << catalog::CodeSetName(facet.code_set()) << " " << facet.count();
    }
    std::cout << ")\n";
    for (const auto& hit : r.hits()) {
      std::cout << absl::StrFormat("%-9s %-10s %7.2f  ", hit.code().code(),
                                   catalog::CodeSetName(hit.code().code_set()), hit.score())
                << hit.highlighted_snippet() << "\n";
      if (!hit.matched_index_term().empty()) {
        std::cout << "                              via " << hit.matched_index_term() << "\n";
      }
      if (hit.code().incomplete()) {
        std::cout << "                              incomplete: " << hit.code().incomplete_reason()
                  << "\n";
      }
    }
    if (!r.next_page_token().empty()) {
      std::cout << "More: --page_token " << r.next_page_token() << "\n";
    }
  });
}

int SuggestCommand(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "usage: cactl suggest PREFIX... [--limit N] [--code_set S]\n";
    return 2;
  }
  catalog_v1::SuggestCodesRequest request;
  request.set_prefix(absl::StrJoin(args, " "));
  if (int bad = ParseSearchFilter(request.mutable_filter())) return bad;
  request.set_limit(absl::GetFlag(FLAGS_limit));
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  catalog_v1::SuggestCodesResponse response;
  grpc::Status status = CatalogStub()->SuggestCodes(&context, request, &response);
  return Output(status, response, [](const catalog_v1::SuggestCodesResponse& r) {
    for (const auto& s : r.suggestions()) {
      std::cout << s.text();
      if (!s.code().empty())
        std::cout << "  " << catalog::CodeSetName(s.code_set()) << "  " << s.description();
      std::cout << "\n";
    }
  });
}

void PrintEdits(const catalog_v1::CheckEditsRequest& request,
                const catalog_v1::CheckEditsResponse& response, std::ostream& out) {
  // Lines are numbered from 1 here, in argument order (the API counts from 0).
  auto line = [&](int index) {
    return absl::StrCat("line ", index + 1, " ", request.lines(index).code());
  };
  auto day = [](const google::type::Date& d) {
    return common::FormatDay(common::FromProtoDate(d));
  };
  out << "Edit tables: " << absl::StrJoin(response.release_ids(), ", ") << "\n";
  for (const catalog_v1::PtpFinding& f : response.ptp_findings()) {
    out << "PTP  " << line(f.column2_line()) << " (column 2) with " << line(f.column1_line())
        << " (column 1): modifier indicator " << f.modifier_indicator() << ", ";
    if (!f.denied()) {
      out << "bypassed by modifier " << f.bypassing_modifier();
    } else if (f.modifier_indicator() == 0) {
      out << "DENIED (no modifier allowed)";
    } else {
      out << "DENIED (no qualifying modifier)";
    }
    out << "\n     " << f.rationale() << "; in force from " << day(f.effective_date());
    if (f.has_deletion_date()) out << ", deleted as of " << day(f.deletion_date());
    out << "\n";
  }
  for (const catalog_v1::MueFinding& f : response.mue_findings()) {
    std::vector<std::string> lines;
    for (int l : f.lines()) lines.push_back(absl::StrCat(l + 1));
    out << "MUE  " << f.code() << ": " << f.units_billed() << " units billed, " << f.units_allowed()
        << " allowed; DENIED line" << (lines.size() == 1 ? " " : "s ") << absl::StrJoin(lines, ", ")
        << "\n     MAI " << f.adjudication_text() << "; " << f.rationale() << "\n";
  }
  if (response.ptp_findings().empty() && response.mue_findings().empty()) {
    out << "No PTP or MUE edit applies.\n";
  }
}

int EditsCommand(const std::vector<std::string>& args) {
  constexpr char kEditsUsage[] =
      "usage: cactl edits --dos YYYY-MM-DD [--provider practitioner|hospital|dme] "
      "CODE[:UNITS[:MOD[,MOD...]]]...\n"
      "  e.g. cactl edits --dos=2026-01-15 --provider=practitioner 99213:1:25 12001:1\n";
  if (args.empty()) {
    std::cerr << kEditsUsage;
    return 2;
  }
  catalog_v1::CheckEditsRequest request;
  std::string date = absl::GetFlag(FLAGS_dos);
  if (date.empty()) date = absl::GetFlag(FLAGS_date);
  auto parsed_day = common::ParseDay(date);
  if (!parsed_day.has_value()) {
    std::cerr << "--dos must be a real date written YYYY-MM-DD, e.g. 2026-01-15\n" << kEditsUsage;
    return 2;
  }
  *request.mutable_date_of_service() = common::ToProtoDate(*parsed_day);
  const std::string provider = absl::AsciiStrToLower(absl::GetFlag(FLAGS_provider));
  if (provider == "practitioner") {
    request.set_provider_type(catalog_v1::PROVIDER_TYPE_PRACTITIONER);
  } else if (provider == "hospital" || provider == "outpatient_hospital" || provider == "oph") {
    request.set_provider_type(catalog_v1::PROVIDER_TYPE_OUTPATIENT_HOSPITAL);
  } else if (provider == "dme" || provider == "dme_supplier") {
    request.set_provider_type(catalog_v1::PROVIDER_TYPE_DME_SUPPLIER);
  } else {
    std::cerr << "--provider must be practitioner, hospital or dme\n" << kEditsUsage;
    return 2;
  }
  for (const std::string& arg : args) {
    std::vector<std::string> parts = absl::StrSplit(arg, ':');
    catalog_v1::ClaimLine& line = *request.add_lines();
    line.set_code(parts[0]);
    int units = 1;
    if (parts.size() > 1 && !absl::SimpleAtoi(parts[1], &units)) {
      std::cerr << "units in '" << arg << "' must be a whole number\n" << kEditsUsage;
      return 2;
    }
    line.set_units(units);
    for (size_t i = 2; i < parts.size(); ++i) {
      for (absl::string_view m : absl::StrSplit(parts[i], ',', absl::SkipEmpty())) {
        line.add_modifiers(std::string(m));
      }
    }
  }
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  catalog_v1::CheckEditsResponse response;
  grpc::Status status = CatalogStub()->CheckEdits(&context, request, &response);
  return Output(status, response, [&request](const auto& r) { PrintEdits(request, r, std::cout); });
}

int PageCommand(const std::vector<std::string>& args) {
  catalog_v1::GetCodePageRequest request;
  if (int bad = ParseCodeArgs(args, "usage: cactl page CODE [--date YYYY-MM-DD]\n", &request)) {
    return bad;
  }
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  grpc::ClientContext context;
  Prepare(&context);
  catalog_v1::GetCodePageResponse response;
  grpc::Status status = CatalogStub()->GetCodePage(&context, request, &response);
  return Output(status, response, [](const auto& r) { PrintCodePage(r, std::cout); });
}

int InfoCommand() {
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  catalog_v1::GetCatalogInfoResponse response;
  grpc::Status status =
      CatalogStub()->GetCatalogInfo(&context, catalog_v1::GetCatalogInfoRequest(), &response);
  return Output(status, response, [](const auto& r) { PrintCatalogInfo(r, std::cout); });
}

int GuestCommand() {
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  account_v1::StartGuestSessionResponse response;
  grpc::Status status =
      AccountStub()->StartGuestSession(&context, account_v1::StartGuestSessionRequest(), &response);
  if (!status.ok()) return Fail(status);
  if (!SaveSession(response.session().token())) {
    std::cerr << "cannot write " << SessionFile() << "\n";
    return 4;
  }
  std::cout << "Guest session started; token kept in " << SessionFile() << "\n";
  return 0;
}

int RegisterCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "usage: cactl register EMAIL --name NAME [--password_stdin]\n";
    return 2;
  }
  account_v1::RegisterRequest request;
  request.set_email(args[0]);
  request.set_display_name(absl::GetFlag(FLAGS_name));
  request.set_password(ReadPassword());
  request.set_request_id(common::NewRandomId());
  grpc::ClientContext context;
  Prepare(&context);  // a guest session carries its views over
  account_v1::RegisterResponse response;
  grpc::Status status = AccountStub()->Register(&context, request, &response);
  if (!status.ok()) return Fail(status);
  SaveSession(response.session().token());
  std::cout << "Registered " << response.principal().email() << " ("
            << response.principal().plan().display_name() << " plan). "
            << response.views().message() << "\n";
  return 0;
}

int LoginCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "usage: cactl login EMAIL [--password_stdin]\n";
    return 2;
  }
  account_v1::LoginRequest request;
  request.set_email(args[0]);
  request.set_password(ReadPassword());
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  account_v1::LoginResponse response;
  grpc::Status status = AccountStub()->Login(&context, request, &response);
  if (!status.ok()) return Fail(status);
  SaveSession(response.session().token());
  std::cout << "Logged in as " << response.principal().email() << "\n";
  return 0;
}

int LogoutCommand() {
  grpc::ClientContext context;
  Prepare(&context);
  account_v1::LogoutResponse response;
  grpc::Status status = AccountStub()->Logout(&context, account_v1::LogoutRequest(), &response);
  std::remove(SessionFile().c_str());
  if (!status.ok()) return Fail(status);
  std::cout << "Logged out\n";
  return 0;
}

int QuotaCommand() {
  grpc::ClientContext context;
  Prepare(&context);
  account_v1::GetQuotaResponse response;
  grpc::Status status = AccountStub()->GetQuota(&context, account_v1::GetQuotaRequest(), &response);
  return Output(status, response, [](const auto& r) { PrintQuota(r, std::cout); });
}

int QuestionCommand() {
  grpc::ClientContext context;
  Prepare(&context);
  account_v1::ConsumeQuestionRequest request;
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  account_v1::ConsumeQuestionResponse response;
  grpc::Status status = AccountStub()->ConsumeQuestion(&context, request, &response);
  return Output(status, response,
                [](const auto& r) { std::cout << r.questions().message() << "\n"; });
}

int PlanCommand(const std::vector<std::string>& args) {
  int64_t account_id = 0;
  if (args.size() != 2 || !absl::SimpleAtoi(args[0], &account_id)) {
    std::cerr << "usage: cactl plan ACCOUNT_ID PLAN --reason TEXT\n";
    return 2;
  }
  account_v1::ChangePlanRequest request;
  request.set_account_id(account_id);
  request.set_plan_id(args[1]);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false, "operator-credential");
  account_v1::ChangePlanResponse response;
  grpc::Status status = AccountStub()->ChangePlan(&context, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << "Account " << account_id << " is now on the "
            << response.principal().plan().display_name() << " plan\n";
  return 0;
}

int HealthCommand(const std::vector<std::string>& args) {
  std::string target = absl::GetFlag(FLAGS_target);
  if (target.empty()) target = absl::GetFlag(FLAGS_catalog_target);
  auto stub = grpc::health::v1::Health::NewStub(common::CreateServiceChannelFromFlags(target));
  grpc::ClientContext context;
  Prepare(&context, /*with_session=*/false);
  grpc::health::v1::HealthCheckRequest request;
  if (!args.empty()) request.set_service(args[0]);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace
}  // namespace codingahead::cactl

int main(int argc, char** argv) {
  using namespace codingahead::cactl;  // NOLINT: the command table below
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> positional = codingahead::common::ParseFlagsWithEnv(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  std::string command = args.front();
  args.erase(args.begin());
  if (command == "code") return CodeCommand(args);
  if (command == "page") return PageCommand(args);
  if (command == "info") return InfoCommand();
  if (command == "children") return ChildrenCommand(args);
  if (command == "changes") return ChangesCommand(args);
  if (command == "edits") return EditsCommand(args);
  if (command == "search") return SearchCommand(args);
  if (command == "suggest") return SuggestCommand(args);
  if (command == "guest") return GuestCommand();
  if (command == "register") return RegisterCommand(args);
  if (command == "login") return LoginCommand(args);
  if (command == "logout") return LogoutCommand();
  if (command == "quota") return QuotaCommand();
  if (command == "question") return QuestionCommand();
  if (command == "plan") return PlanCommand(args);
  if (command == "health") return HealthCommand(args);
  std::cerr << "unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
