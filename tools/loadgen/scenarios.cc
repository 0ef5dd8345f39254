// The built-in scenarios. To add one: write a Prepare function that does its
// set-up over env's control channels and returns MakeUnaryWorkload<...>(...)
// with a fill function, then registry.Add() it in DefaultScenarios().
#include <atomic>
#include <chrono>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "account/v1/account.grpc.pb.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/metadata.h"
#include "testing/v1/testing.grpc.pb.h"
#include "tools/loadgen/scenario.h"

namespace codingahead::loadgen {
namespace {

namespace account_v1 = ::codingahead::account::v1;
namespace catalog_v1 = ::codingahead::catalog::v1;
namespace testing_v1 = ::codingahead::testing::v1;

constexpr char kPassword[] = "loadgen-password-0123456789-abcdef";
// Documentation range (RFC 5737): the pro user's address.
constexpr char kProClientIp[] = "198.51.100.20";

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", status.error_message());
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " answers UNIMPLEMENTED (account service not landed yet)"));
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), message);
}

void SetDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

struct RegisteredUser {
  int64_t account_id = 0;
  std::string token;
};

absl::StatusOr<RegisteredUser> RegisterUser(const Environment& env,
                                            const std::string& service_credential,
                                            const std::string& email,
                                            const std::string& client_ip) {
  auto stub = account_v1::AccountService::NewStub(env.account);
  grpc::ClientContext context;
  SetDeadline(&context, env.setup_timeout);
  context.AddMetadata(common::kServiceCredentialHeader, service_credential);
  context.AddMetadata(common::kClientIpHeader, client_ip);
  account_v1::RegisterRequest request;
  request.set_email(email);
  request.set_password(kPassword);
  request.set_display_name("Load Generator");
  account_v1::RegisterResponse response;
  absl::Status status = FromGrpc(stub->Register(&context, request, &response), "Register");
  if (!status.ok()) return status;
  if (response.session().token().empty()) {
    return absl::InternalError("Register returned no session token");
  }
  return RegisteredUser{response.principal().account_id(), response.session().token()};
}

// A unique mailbox per run, so repeated runs against one suite do not collide.
std::string Email(absl::string_view kind, int n, absl::string_view run_id) {
  return absl::StrCat("loadgen-", kind, "-", run_id, "-", n, "@example.com");
}

// Metadata a front end sends on behalf of a signed-in user.
void AddFrontEndMetadata(grpc::ClientContext* context, const std::string& service_credential,
                         const std::string& token, const std::string& client_ip) {
  context->AddMetadata(common::kServiceCredentialHeader, service_credential);
  context->AddMetadata(common::kClientIpHeader, client_ip);
  context->AddMetadata(common::kAuthorizationHeader, absl::StrCat("Bearer ", token));
}

absl::StatusOr<std::unique_ptr<Workload>> PrepareBaseline(const Environment& env) {
  std::string payload(static_cast<size_t>(std::max(0, env.payload_bytes)), 'x');
  using Async = testing_v1::BaselineService::StubInterface::async_interface;
  return MakeUnaryWorkload<testing_v1::BaselineService, testing_v1::EmptyRequest,
                           testing_v1::EmptyResponse>(
      &Async::Empty,
      [payload](const CallPosition&, grpc::ClientContext*, testing_v1::EmptyRequest* request) {
        if (!payload.empty()) request->set_payload(payload);
      });
}

absl::StatusOr<std::unique_ptr<Workload>> PrepareGetCode(const Environment& env) {
  auto codes = env.codes();
  if (!codes.ok()) return codes.status();
  if (codes->empty()) return absl::FailedPreconditionError("no catalog codes to ask for");
  auto shared = std::make_shared<const std::vector<std::string>>(*std::move(codes));
  using Async = catalog_v1::CatalogService::StubInterface::async_interface;
  return MakeUnaryWorkload<catalog_v1::CatalogService, catalog_v1::GetCodeRequest,
                           catalog_v1::GetCodeResponse>(
      &Async::GetCode,
      [shared](const CallPosition& at, grpc::ClientContext*, catalog_v1::GetCodeRequest* request) {
        request->set_code((*shared)[SpreadIndex(at, shared->size())]);
      });
}

// The queries of services/catalog/testdata/search_queries.tsv (the search
// quality set: words, typos, brand names, abbreviations, codes, prefixes,
// ranges, ICD-10-CM index terms), asked in turn.
constexpr const char* kSearchQueries[] = {"E0100",
                                          "e0601",
                                          "E01",
                                          "t50.1x1",
                                          "T501X1",
                                          "E0100-E0105",
                                          "A00-A09",
                                          "99213",
                                          "0538T",
                                          "G0202",
                                          "cane",
                                          "quad cane",
                                          "commode chair",
                                          "bedside commode",
                                          "diabetic shoes",
                                          "knee brace",
                                          "wheeled walker",
                                          "hospital bed",
                                          "cpm",
                                          "cpm machine knee",
                                          "cpap",
                                          "nebulizer with compressor",
                                          "oxygen concentrator",
                                          "home blood glucose monitor",
                                          "glucose test strips",
                                          "electric breast pump",
                                          "tens unit",
                                          "hoyer lift",
                                          "compression stocking below knee",
                                          "adult diapers",
                                          "lasix injection",
                                          "toradol",
                                          "decadron",
                                          "rocephin",
                                          "avastin",
                                          "pap smear",
                                          "standard wheelchiar",
                                          "nebuliser compressor",
                                          "commode chiar",
                                          "glucse monitor",
                                          "ketorolak injection",
                                          "oxygen concentator",
                                          "standard wheelch",
                                          "breast pu",
                                          "heart failure",
                                          "chf",
                                          "copd",
                                          "kidney stones",
                                          "gallstones",
                                          "shortness of breath",
                                          "type 2 diabetes",
                                          "high blood pressure",
                                          "heart attack",
                                          "gastro-esophageal reflux",
                                          "gastroesophageal reflux",
                                          "gerd",
                                          "shingles",
                                          "chickenpox",
                                          "osteoarthritis knee",
                                          "broken femur",
                                          "furosemide poisoning",
                                          "lasix overdose",
                                          "warfarin adverse effect",
                                          "coumadin underdosing",
                                          "metformin adverse effect",
                                          "tylenol poisoning",
                                          "lung cancer",
                                          "secondary neoplasm lung",
                                          "fall from ladder",
                                          "dog bite",
                                          "bee sting",
                                          "colon cancer"};

absl::StatusOr<std::unique_ptr<Workload>> PrepareSearchCodes(const Environment&) {
  using Async = catalog_v1::CatalogService::StubInterface::async_interface;
  return MakeUnaryWorkload<catalog_v1::CatalogService, catalog_v1::SearchCodesRequest,
                           catalog_v1::SearchCodesResponse>(
      &Async::SearchCodes,
      [](const CallPosition& at, grpc::ClientContext*, catalog_v1::SearchCodesRequest* request) {
        constexpr size_t n = sizeof(kSearchQueries) / sizeof(kSearchQueries[0]);
        request->set_query(kSearchQueries[SpreadIndex(at, n)]);
        request->set_page_size(10);
      });
}

// What a user types on the way to each query: every prefix of 1 to 8
// characters (as-you-type), in turn.
absl::StatusOr<std::unique_ptr<Workload>> PrepareSuggestCodes(const Environment&) {
  auto prefixes = std::make_shared<std::vector<std::string>>();
  for (const char* query : kSearchQueries) {
    const std::string q(query);
    for (size_t n = 1; n <= q.size() && n <= 8; ++n) {
      if (q[n - 1] != ' ') prefixes->push_back(q.substr(0, n));
    }
  }
  using Async = catalog_v1::CatalogService::StubInterface::async_interface;
  return MakeUnaryWorkload<catalog_v1::CatalogService, catalog_v1::SuggestCodesRequest,
                           catalog_v1::SuggestCodesResponse>(
      &Async::SuggestCodes, [prefixes](const CallPosition& at, grpc::ClientContext*,
                                       catalog_v1::SuggestCodesRequest* request) {
        request->set_prefix((*prefixes)[SpreadIndex(at, prefixes->size())]);
      });
}

using PageAsync = catalog_v1::CatalogService::StubInterface::async_interface;

// GetCodePage for `users` (each request one of them), across the codes.
std::unique_ptr<Workload> PageWorkload(std::shared_ptr<const std::vector<std::string>> codes,
                                       std::shared_ptr<const std::vector<RegisteredUser>> users,
                                       std::string credential, bool distinct_ips) {
  auto next_ip = std::make_shared<std::atomic<uint64_t>>(0);
  return MakeUnaryWorkload<catalog_v1::CatalogService, catalog_v1::GetCodePageRequest,
                           catalog_v1::GetCodePageResponse>(
      &PageAsync::GetCodePage, [codes, users, credential, distinct_ips, next_ip](
                                   const CallPosition& at, grpc::ClientContext* context,
                                   catalog_v1::GetCodePageRequest* request) {
        const RegisteredUser& user = (*users)[SpreadIndex(at, users->size())];
        std::string ip = distinct_ips ? DistinctClientIp(next_ip->fetch_add(1)) : kProClientIp;
        AddFrontEndMetadata(context, credential, user.token, ip);
        // Codes walk at another stride than users, so pairs vary.
        CallPosition code_at = at;
        code_at.sequence = at.sequence * 7 + static_cast<uint64_t>(at.stream);
        request->set_code((*codes)[SpreadIndex(code_at, codes->size())]);
      });
}

// A registered user moved to the pro (unmetered) plan by the operator.
absl::StatusOr<RegisteredUser> ProUser(const Environment& env, const std::string& credential) {
  auto operator_credential = env.operator_credential();
  if (!operator_credential.ok()) return operator_credential.status();
  std::string run_id = common::NewRandomId().substr(0, 12);
  auto user = RegisterUser(env, credential, Email("pro", 0, run_id), kProClientIp);
  if (!user.ok()) return user.status();

  auto stub = account_v1::AccountService::NewStub(env.account);
  grpc::ClientContext context;
  SetDeadline(&context, env.setup_timeout);
  context.AddMetadata(common::kServiceCredentialHeader, *operator_credential);
  account_v1::ChangePlanRequest change;
  change.set_account_id(user->account_id);
  change.set_plan_id("pro");
  change.set_reason("load generator: pro scenarios");
  account_v1::ChangePlanResponse changed;
  absl::Status status = FromGrpc(stub->ChangePlan(&context, change, &changed), "ChangePlan");
  if (!status.ok()) return status;
  return user;
}

absl::StatusOr<std::unique_ptr<Workload>> PreparePagePro(const Environment& env) {
  auto credential = env.service_credential();
  if (!credential.ok()) return credential.status();
  auto codes = env.codes();
  if (!codes.ok()) return codes.status();
  if (codes->empty()) return absl::FailedPreconditionError("no catalog codes to ask for");
  auto user = ProUser(env, *credential);
  if (!user.ok()) return user.status();
  return PageWorkload(
      std::make_shared<const std::vector<std::string>>(*std::move(codes)),
      std::make_shared<const std::vector<RegisteredUser>>(std::vector<RegisteredUser>{*user}),
      *credential, /*distinct_ips=*/false);
}

// The account's half of a page alone: what the catalog asks per page.
absl::StatusOr<std::unique_ptr<Workload>> PrepareConsumeViewPro(const Environment& env) {
  auto credential = env.service_credential();
  if (!credential.ok()) return credential.status();
  auto codes = env.codes();
  if (!codes.ok()) return codes.status();
  if (codes->empty()) return absl::FailedPreconditionError("no catalog codes to ask for");
  auto user = ProUser(env, *credential);
  if (!user.ok()) return user.status();
  auto shared = std::make_shared<const std::vector<std::string>>(*std::move(codes));
  using Async = account_v1::AccountService::StubInterface::async_interface;
  return MakeUnaryWorkload<account_v1::AccountService, account_v1::ConsumeViewRequest,
                           account_v1::ConsumeViewResponse>(
      &Async::ConsumeView, [shared, token = user->token, credential = *credential](
                               const CallPosition& at, grpc::ClientContext* context,
                               account_v1::ConsumeViewRequest* request) {
        AddFrontEndMetadata(context, credential, token, kProClientIp);
        request->set_code((*shared)[SpreadIndex(at, shared->size())]);
        request->set_code_set("CODE_SET_HCPCS");
      });
}

// Registers `count` accounts with `parallelism` concurrent Register calls
// (each one argon2id hash on the account's hash pool), each from its own
// address in the upper half of 10.0.0.0/8 starting at `ip_base`.
absl::StatusOr<std::vector<RegisteredUser>> RegisterUsers(
    const Environment& env, const std::string& credential, absl::string_view kind, int count,
    int parallelism, const std::string& run_id, uint64_t ip_base) {
  std::vector<RegisteredUser> users(static_cast<size_t>(count));
  absl::Mutex mu;
  absl::Status first_error;
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < std::min(count, std::max(1, parallelism)); ++w) {
    workers.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        auto user = RegisterUser(env, credential, Email(kind, i, run_id),
                                 DistinctClientIp(ip_base + static_cast<uint64_t>(i)));
        absl::MutexLock lock(&mu);
        if (!user.ok()) {
          if (first_error.ok()) first_error = user.status();
          next = count;
          return;
        }
        users[static_cast<size_t>(i)] = *std::move(user);
      }
    });
  }
  for (auto& w : workers) w.join();
  if (!first_error.ok()) return first_error;
  return users;
}

absl::StatusOr<std::unique_ptr<Workload>> PreparePageFree(const Environment& env) {
  auto credential = env.service_credential();
  if (!credential.ok()) return credential.status();
  auto codes = env.codes();
  if (!codes.ok()) return codes.status();
  if (codes->empty()) return absl::FailedPreconditionError("no catalog codes to ask for");
  int count = std::max(1, env.free_users);

  // Registration hashes a password; a few at a time keeps set-up short
  // without flooding the account service.
  std::string run_id = common::NewRandomId().substr(0, 12);
  auto users =
      RegisterUsers(env, *credential, "free", count, /*parallelism=*/4, run_id, uint64_t{1} << 23);
  if (!users.ok()) return users.status();

  return PageWorkload(std::make_shared<const std::vector<std::string>>(*std::move(codes)),
                      std::make_shared<const std::vector<RegisteredUser>>(*std::move(users)),
                      *credential, /*distinct_ips=*/true);
}

// Login over env.login_users accounts registered here: each call signs one of
// them in with the right password (one argon2id verify on the account's hash
// pool), with the service credential and a distinct x-client-ip, so the
// per-address login throttle never applies (its refusals would show as
// RESOURCE_EXHAUSTED, counted as refusals).
absl::StatusOr<std::unique_ptr<Workload>> PrepareLogin(const Environment& env) {
  auto credential = env.service_credential();
  if (!credential.ok()) return credential.status();
  int count = std::max(1, env.login_users);
  std::string run_id = common::NewRandomId().substr(0, 12);
  // Four at a time keeps the account's two hashing threads busy without
  // queueing behind them for long.
  auto users = RegisterUsers(env, *credential, "login", count, /*parallelism=*/4, run_id,
                             (uint64_t{3} << 22));
  if (!users.ok()) return users.status();
  std::vector<std::string> emails;
  emails.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) emails.push_back(Email("login", i, run_id));
  auto shared = std::make_shared<const std::vector<std::string>>(std::move(emails));
  auto next_ip = std::make_shared<std::atomic<uint64_t>>(0);
  using Async = account_v1::AccountService::StubInterface::async_interface;
  return MakeUnaryWorkload<account_v1::AccountService, account_v1::LoginRequest,
                           account_v1::LoginResponse>(
      &Async::Login,
      [shared, next_ip, credential = *credential](
          const CallPosition& at, grpc::ClientContext* context, account_v1::LoginRequest* request) {
        context->AddMetadata(common::kServiceCredentialHeader, credential);
        context->AddMetadata(common::kClientIpHeader, DistinctClientIp(next_ip->fetch_add(1)));
        request->set_email((*shared)[SpreadIndex(at, shared->size())]);
        request->set_password(kPassword);
      });
}

// ValidateSession of one registered user's token (sent in the metadata, as
// the catalog does for every page).
absl::StatusOr<std::unique_ptr<Workload>> PrepareValidateSession(const Environment& env) {
  auto credential = env.service_credential();
  if (!credential.ok()) return credential.status();
  std::string run_id = common::NewRandomId().substr(0, 12);
  auto user = RegisterUser(env, *credential, Email("session", 0, run_id), kProClientIp);
  if (!user.ok()) return user.status();
  using Async = account_v1::AccountService::StubInterface::async_interface;
  return MakeUnaryWorkload<account_v1::AccountService, account_v1::ValidateSessionRequest,
                           account_v1::ValidateSessionResponse>(
      &Async::ValidateSession,
      [token = user->token, credential = *credential](
          const CallPosition&, grpc::ClientContext* context, account_v1::ValidateSessionRequest*) {
        AddFrontEndMetadata(context, credential, token, kProClientIp);
      });
}

// CheckEdits claims against the fixture tables of tools/importer/testdata
// (2026 Q1; ca-import --edits_quarter=2026Q1): PTP pairs denied and
// bypassed, MUE line and date-of-service edits, lines without any edit.
// "CODE:UNITS[:MOD,MOD]" per line, as `cactl edits` takes them.
struct EditsClaim {
  catalog_v1::ProviderType provider;
  const char* lines;
};
constexpr EditsClaim kEditsClaims[] = {
    {catalog_v1::PROVIDER_TYPE_PRACTITIONER, "99213:1:25 12001:1"},
    {catalog_v1::PROVIDER_TYPE_PRACTITIONER, "29881:1:LT 29877:1:RT 20610:1:RT 99213:1:25"},
    {catalog_v1::PROVIDER_TYPE_PRACTITIONER, "29881:1:LT 29877:1:LT 88305:4 88305:6 36415:1"},
    {catalog_v1::PROVIDER_TYPE_PRACTITIONER,
     "11042:1 97597:1:59 96372:2 96372:3 J1100:10 99213:1:25 64450:1 20550:1"},
    {catalog_v1::PROVIDER_TYPE_PRACTITIONER,
     "99291:1:25 36556:1 93000:1 93005:1 10061:1 10060:1:59 97110:4 97140:2 20610:2 20610:3 "
     "12001:1 99213:2"},
    {catalog_v1::PROVIDER_TYPE_OUTPATIENT_HOSPITAL, "96374:1 96372:5 36415:2 99213:1:25 12001:1"},
    {catalog_v1::PROVIDER_TYPE_OUTPATIENT_HOSPITAL, "29881:1:RT 29877:1:LT J1100:130"},
    {catalog_v1::PROVIDER_TYPE_DME_SUPPLIER, "E0601:2 K0001:1 K0001:2 A4253:2 A4253:2"},
};

absl::StatusOr<std::unique_ptr<Workload>> PrepareCheckEdits(const Environment& env) {
  auto requests = std::make_shared<std::vector<catalog_v1::CheckEditsRequest>>();
  // Each claim on a few dates of the quarter (the 64450/20550 edit ends on
  // 1 February, 96372/99211 starts on 1 March).
  const int days[][2] = {{1, 15}, {2, 1}, {2, 27}, {3, 2}, {3, 31}};
  for (const EditsClaim& claim : kEditsClaims) {
    for (const auto& [month, day] : days) {
      catalog_v1::CheckEditsRequest& request = requests->emplace_back();
      request.set_provider_type(claim.provider);
      request.mutable_date_of_service()->set_year(2026);
      request.mutable_date_of_service()->set_month(month);
      request.mutable_date_of_service()->set_day(day);
      for (absl::string_view text : absl::StrSplit(claim.lines, ' ', absl::SkipEmpty())) {
        std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
        catalog_v1::ClaimLine& line = *request.add_lines();
        line.set_code(std::string(parts[0]));
        int units = 1;
        if (parts.size() > 1 && !absl::SimpleAtoi(parts[1], &units)) {
          return absl::InternalError(absl::StrCat("bad claim line ", text));
        }
        line.set_units(units);
        if (parts.size() > 2) {
          for (absl::string_view m : absl::StrSplit(parts[2], ',')) {
            line.add_modifiers(std::string(m));
          }
        }
      }
    }
  }
  // One call first: a catalog without the fixture tables answers
  // FAILED_PRECONDITION, which would make every measured call an error.
  auto stub = catalog_v1::CatalogService::NewStub(env.catalog);
  grpc::ClientContext context;
  SetDeadline(&context, env.setup_timeout);
  catalog_v1::CheckEditsResponse response;
  grpc::Status probe = stub->CheckEdits(&context, requests->front(), &response);
  if (!probe.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "CheckEdits probe failed (", probe.error_message(),
        "); the catalog needs the 2026 Q1 fixture tables of tools/importer/testdata "
        "(ca-import --edits_quarter=2026Q1 ..., as --spawn_suite does with --edits_dir)"));
  }
  std::shared_ptr<const std::vector<catalog_v1::CheckEditsRequest>> shared = std::move(requests);
  using Async = catalog_v1::CatalogService::StubInterface::async_interface;
  return MakeUnaryWorkload<catalog_v1::CatalogService, catalog_v1::CheckEditsRequest,
                           catalog_v1::CheckEditsResponse>(
      &Async::CheckEdits, [shared](const CallPosition& at, grpc::ClientContext*,
                                   catalog_v1::CheckEditsRequest* request) {
        *request = (*shared)[SpreadIndex(at, shared->size())];
      });
}

}  // namespace

ScenarioRegistry DefaultScenarios() {
  ScenarioRegistry registry;
  auto add = [&registry](ScenarioSpec spec) {
    absl::Status status = registry.Add(std::move(spec));
    if (!status.ok()) std::abort();  // a programming error in this table
  };
  add({kBaselineScenario,
       "BaselineService.Empty: the gRPC stack alone (separate process)",
       Target::kBaseline,
       {"baseline"},
       PrepareBaseline});
  add({"GetCode",
       "CatalogService.GetCode across the newest release's codes",
       Target::kCatalog,
       {"catalog"},
       PrepareGetCode});
  add({"SearchCodes",
       "CatalogService.SearchCodes over the 72 queries of the search quality set "
       "(page of 10)",
       Target::kCatalog,
       {"catalog"},
       PrepareSearchCodes});
  add({"SuggestCodes",
       "CatalogService.SuggestCodes over the 1-8 character prefixes of the search quality "
       "set's queries",
       Target::kCatalog,
       {"catalog"},
       PrepareSuggestCodes});
  add({"CheckEdits",
       "CatalogService.CheckEdits over 40 claims (2-12 lines; practitioner, outpatient "
       "hospital, DME) against the fixture NCCI PTP and MUE tables of 2026 Q1",
       Target::kCatalog,
       {"catalog"},
       PrepareCheckEdits});
  add({"GetCodePage.pro",
       "CatalogService.GetCodePage, one pro (unmetered) user across many "
       "codes: "
       "catalog -> account ConsumeView -> Redis script",
       Target::kCatalog,
       {"catalog", "account", "redis"},
       PreparePagePro});
  add({"chain2",
       "BaselineService.Empty through a second baseline process that calls "
       "the first with the services' outbound helper: two bare hops",
       Target::kChain,
       {"chain", "baseline"},
       PrepareBaseline});
  add({"ConsumeView.pro",
       "AccountService.ConsumeView called directly for one pro user: the "
       "account's half of a page (session check in one Redis script)",
       Target::kAccount,
       {"account", "redis"},
       PrepareConsumeViewPro});
  add({"GetCodePage.free",
       "CatalogService.GetCodePage, many free users, a distinct x-client-ip "
       "per request; "
       "exhausted allowances are counted as refusals",
       Target::kCatalog,
       {"catalog", "account", "redis"},
       PreparePageFree});
  add({"ValidateSession",
       "AccountService.ValidateSession of one registered user's token (in the "
       "metadata): one Redis round trip",
       Target::kAccount,
       {"account", "redis"},
       PrepareValidateSession});
  add({"Login",
       "AccountService.Login over --login_users registered accounts, a distinct "
       "x-client-ip per call: one argon2id verify (m=19 MiB, t=2, p=1) each; "
       "compare with the argon2 reference",
       Target::kAccount,
       {"account", "redis"},
       PrepareLogin});
  return registry;
}

}  // namespace codingahead::loadgen
