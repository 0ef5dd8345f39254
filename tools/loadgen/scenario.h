#ifndef CODINGAHEAD_TOOLS_LOADGEN_SCENARIO_H_
#define CODINGAHEAD_TOOLS_LOADGEN_SCENARIO_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// Named, data-driven scenarios. A scenario is a row in a registry: which
// service it drives, which server processes its CPU is charged to, and a
// Prepare function that does the set-up (accounts, code lists) and returns a
// Workload that issues one asynchronous call at a time per stream.
//
// Adding a scenario is one registry.Add({...}) in scenarios.cc with a Prepare
// function, usually a few lines on top of UnaryWorkload.
namespace codingahead::loadgen {

// One outstanding-call slot, owned by one stream and reused for each of its
// calls (so the request and response live as long as the call).
class Call {
 public:
  virtual ~Call() = default;
  // Starts the stream's `sequence`-th call with `context` (fresh, deadline
  // already set). `done` runs exactly once, on a gRPC thread, when it ends.
  virtual void Start(grpc::ClientContext* context, uint64_t sequence,
                     std::function<void(const grpc::Status&)> done) = 0;
};

// A prepared scenario. Shared by every stream; NewCall is called before the
// run starts, from one thread.
class Workload {
 public:
  virtual ~Workload() = default;
  // A call slot for stream `stream` (0..streams-1) over `channel`.
  virtual std::unique_ptr<Call> NewCall(int stream, int streams,
                                        const std::shared_ptr<grpc::Channel>& channel) = 0;
};

// Which server a scenario's streams talk to.
// kChain: a second baseline process that forwards each call to the first
// (two hops, no store): the reference for multi-hop scenarios.
enum class Target { kBaseline, kCatalog, kAccount, kChain };

// What Prepare may use. Set-up calls go over the control channels; the
// measured calls go over the run's own channels (Workload::NewCall).
struct Environment {
  std::shared_ptr<grpc::Channel> catalog;
  std::shared_ptr<grpc::Channel> account;
  // Loaders, so only the scenarios that need them read the files (and fail
  // with a reason when they are missing).
  std::function<absl::StatusOr<std::string>()> service_credential;
  std::function<absl::StatusOr<std::string>()> operator_credential;
  // Codes present in the catalog's newest release, in a stable order.
  std::function<absl::StatusOr<std::vector<std::string>>()> codes;
  int free_users = 32;     // accounts GetCodePage.free registers
  int login_users = 1000;  // accounts Login registers (one argon2id hash each)
  int payload_bytes = 0;   // baseline request payload
  absl::Duration setup_timeout = absl::Seconds(10);
};

struct ScenarioSpec {
  std::string name;         // selected with --scenarios
  std::string description;  // one line for the report
  Target target = Target::kBaseline;
  // Server processes whose CPU is charged to this scenario ("baseline",
  // "catalog", "account", "redis"), where their pids are known.
  std::vector<std::string> server_processes;
  std::function<absl::StatusOr<std::unique_ptr<Workload>>(const Environment&)> prepare;
};

class ScenarioRegistry {
 public:
  // InvalidArgument for an empty name or a missing prepare function,
  // AlreadyExists for a name already registered.
  absl::Status Add(ScenarioSpec spec);
  const ScenarioSpec* Find(absl::string_view name) const;
  // Registration order.
  std::vector<std::string> Names() const;
  // The scenarios named in a comma-separated list, in the list's order,
  // duplicates dropped; "all" selects every one. InvalidArgument naming the
  // known scenarios when a name is unknown or the list is empty.
  absl::StatusOr<std::vector<const ScenarioSpec*>> Select(absl::string_view list) const;

 private:
  std::vector<ScenarioSpec> specs_;
};

inline constexpr char kBaselineScenario[] = "baseline";

// The built-in scenarios: baseline, GetCode, GetCodePage.pro, chain2,
// ConsumeView.pro, GetCodePage.free, ValidateSession, Login.
ScenarioRegistry DefaultScenarios();

// Where a call sits in the run: which stream, and its sequence number there.
struct CallPosition {
  int stream = 0;
  int streams = 1;
  uint64_t sequence = 0;
};

// A Workload for one unary RPC of a generated `Service`: `method` is the
// callback-API method of the stub's async interface, `fill` sets a call's
// request and metadata from its position. For GetCode:
//   using Async = catalog::v1::CatalogService::StubInterface::async_interface;
//   MakeUnaryWorkload<catalog::v1::CatalogService, catalog::v1::GetCodeRequest,
//                     catalog::v1::GetCodeResponse>(
//       &Async::GetCode, [codes](const CallPosition& at, grpc::ClientContext*,
//                                catalog::v1::GetCodeRequest* request) {
//         request->set_code(codes[SpreadIndex(at, codes.size())]);
//       });
template <typename Service, typename Request, typename Response>
class UnaryWorkload : public Workload {
 public:
  using AsyncInterface = typename Service::StubInterface::async_interface;
  using Method = void (AsyncInterface::*)(grpc::ClientContext*, const Request*, Response*,
                                          std::function<void(grpc::Status)>);
  using Fill = std::function<void(const CallPosition&, grpc::ClientContext*, Request*)>;

  UnaryWorkload(Method method, Fill fill) : method_(method), fill_(std::move(fill)) {}

  std::unique_ptr<Call> NewCall(int stream, int streams,
                                const std::shared_ptr<grpc::Channel>& channel) override {
    return std::make_unique<UnaryCall>(Service::NewStub(channel), this, stream, streams);
  }

 private:
  class UnaryCall : public Call {
   public:
    UnaryCall(std::unique_ptr<typename Service::Stub> stub, UnaryWorkload* workload, int stream,
              int streams)
        : stub_(std::move(stub)), workload_(workload) {
      position_.stream = stream;
      position_.streams = streams;
    }
    void Start(grpc::ClientContext* context, uint64_t sequence,
               std::function<void(const grpc::Status&)> done) override {
      position_.sequence = sequence;
      request_.Clear();
      response_.Clear();
      workload_->fill_(position_, context, &request_);
      (stub_->async()->*(workload_->method_))(
          context, &request_, &response_,
          [done = std::move(done)](grpc::Status status) { done(status); });
    }

   private:
    std::unique_ptr<typename Service::Stub> stub_;
    UnaryWorkload* workload_;
    CallPosition position_;
    Request request_;
    Response response_;
  };

  Method method_;
  Fill fill_;
};

template <typename Service, typename Request, typename Response>
std::unique_ptr<Workload> MakeUnaryWorkload(
    typename UnaryWorkload<Service, Request, Response>::Method method,
    typename UnaryWorkload<Service, Request, Response>::Fill fill) {
  return std::make_unique<UnaryWorkload<Service, Request, Response>>(method, std::move(fill));
}

// Spreads streams over a list: the index of a stream's n-th item among
// `size` items, so that streams start at different places and each walks the
// whole list.
size_t SpreadIndex(const CallPosition& at, size_t size);

// A distinct IPv4 address in 10.0.0.0/8 for each n (wrapping after 2^24 - 2).
std::string DistinctClientIp(uint64_t n);

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_SCENARIO_H_
