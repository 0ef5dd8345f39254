// Release swap without a restart: concurrent readers over loopback gRPC while
// the snapshot is swapped repeatedly, and the CURRENT watcher.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "services/catalog/catalog_service.h"
#include "services/catalog/snapshot_watcher.h"
#include "tools/importer/snapshot_builder.h"
#include "tools/importer/snapshot_io.h"

namespace codingahead::catalog {
namespace {

// The shared data with and without the CPT sample: two real snapshots.
struct TwoSnapshots {
  snapshot_v1::Snapshot with_cpt;
  snapshot_v1::Snapshot without_cpt;
};

const TwoSnapshots& Snapshots() {
  static const TwoSnapshots* snapshots = [] {
    auto* out = new TwoSnapshots();
    importer::SnapshotBuilderOptions options;
    options.hcpcs_dir = std::string(CA_SHARED_DATA_DIR) + "/hcpcs";
    auto without = importer::SnapshotBuilder(options).Build();
    EXPECT_TRUE(without.ok()) << without.status();
    if (without.ok()) out->without_cpt = std::move(without->snapshot);
    options.cpt_file = std::string(CA_CPT_SAMPLE_FILE);
    auto with = importer::SnapshotBuilder(options).Build();
    EXPECT_TRUE(with.ok()) << with.status();
    if (with.ok()) out->with_cpt = std::move(with->snapshot);
    return out;
  }();
  return *snapshots;
}

std::shared_ptr<const CatalogIndex> Index(const snapshot_v1::Snapshot& snapshot) {
  auto index = CatalogIndex::Build(snapshot, absl::Now());
  EXPECT_TRUE(index.ok()) << index.status();
  return index.ok() ? *index : nullptr;
}

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ca-swap-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  return pattern;
}

TEST(SnapshotSwapTest, ConcurrentReadersSeeOneSnapshotOrTheOtherAcrossFiftySwaps) {
  const TwoSnapshots& snapshots = Snapshots();
  ASSERT_NE(snapshots.with_cpt.snapshot_id(), snapshots.without_cpt.snapshot_id());
  auto a = Index(snapshots.with_cpt);
  auto b = Index(snapshots.without_cpt);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::string id_a = a->snapshot().snapshot_id();
  const std::string id_b = b->snapshot().snapshot_id();
  const int releases_a = a->snapshot().releases_size();
  const int releases_b = b->snapshot().releases_size();
  ASSERT_NE(releases_a, releases_b);

  CatalogHolder holder(a);
  CatalogServiceImpl service(&holder, std::make_shared<ContentStore>(), AccountClientConfig{},
                             /*credentials=*/nullptr);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(port, 0);
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());

  std::atomic<bool> done{false};
  std::atomic<int> calls{0}, failures{0}, inconsistent{0}, seen_a{0}, seen_b{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 6; ++t) {
    readers.emplace_back([&, t] {
      auto stub = v1::CatalogService::NewStub(channel);
      while (!done.load()) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        if (t % 2 == 0) {
          v1::GetCatalogInfoResponse info;
          grpc::Status status = stub->GetCatalogInfo(&context, {}, &info);
          ++calls;
          if (!status.ok()) {
            ++failures;
            continue;
          }
          // One snapshot's id with that snapshot's releases, never a mix.
          if (info.snapshot_id() == id_a && info.releases_size() == releases_a) {
            ++seen_a;
          } else if (info.snapshot_id() == id_b && info.releases_size() == releases_b) {
            ++seen_b;
          } else {
            ++inconsistent;
          }
        } else {
          v1::GetCodeRequest request;
          request.set_code("G0202");
          request.mutable_date_of_service()->set_year(2018);
          request.mutable_date_of_service()->set_month(1);
          request.mutable_date_of_service()->set_day(2);
          v1::GetCodeResponse response;
          grpc::Status status = stub->GetCode(&context, request, &response);
          ++calls;
          if (!status.ok()) {
            ++failures;
          } else if (response.code().status().kind() != v1::CODE_STATUS_TERMINATED) {
            ++inconsistent;
          }
        }
      }
    });
  }
  // Let the readers get going, then swap 50 times.
  while (calls.load() < 20) absl::SleepFor(absl::Milliseconds(1));
  for (int i = 0; i < 50; ++i) {
    const int before = calls.load();
    holder.Swap(i % 2 == 0 ? b : a);
    // Each snapshot serves some calls before the next swap.
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (calls.load() < before + 6 && absl::Now() < deadline) {
      absl::SleepFor(absl::Microseconds(200));
    }
  }
  done = true;
  for (auto& reader : readers) reader.join();
  server->Shutdown();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(seen_a.load(), 0);
  EXPECT_GT(seen_b.load(), 0);
  EXPECT_GT(calls.load(), 300);
  // 50 swaps starting from `a`: `a` again at the end.
  EXPECT_EQ(holder.Current()->snapshot().snapshot_id(), id_a);
}

TEST(SnapshotSwapTest, WatcherSwapsWhenCurrentChangesAndKeepsServingOnABadSnapshot) {
  const TwoSnapshots& snapshots = Snapshots();
  const std::string dir = MakeTempDir();
  auto path_a = importer::WriteSnapshot(snapshots.with_cpt, dir);
  ASSERT_TRUE(path_a.ok()) << path_a.status();
  auto a = LoadSnapshotIndex(*path_a);
  ASSERT_TRUE(a.ok()) << a.status();
  CatalogHolder holder(*a);
  SnapshotWatcher watcher(&holder, dir, *path_a);

  // CURRENT unchanged: nothing to do.
  auto checked = watcher.CheckOnce();
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_FALSE(*checked);

  // A new import: swapped in.
  auto path_b = importer::WriteSnapshot(snapshots.without_cpt, dir);
  ASSERT_TRUE(path_b.ok());
  checked = watcher.CheckOnce();
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_TRUE(*checked);
  EXPECT_EQ(holder.Current()->snapshot().snapshot_id(), snapshots.without_cpt.snapshot_id());
  EXPECT_EQ(watcher.loaded_path(), *path_b);

  // CURRENT names a file that does not parse: logged, the serving one kept.
  {
    std::ofstream bad(dir + "/snapshots/0123456789abcdef.pb", std::ios::binary);
    bad << "not a snapshot";
  }
  {
    std::ofstream current(dir + "/CURRENT");
    current << "0123456789abcdef.pb\n";
  }
  checked = watcher.CheckOnce();
  EXPECT_FALSE(checked.ok());
  EXPECT_EQ(holder.Current()->snapshot().snapshot_id(), snapshots.without_cpt.snapshot_id());
  // Not retried while CURRENT still names it.
  EXPECT_FALSE(watcher.CheckOnce().ok());
  EXPECT_EQ(watcher.swaps(), 1);

  // CURRENT removed: kept as well.
  std::filesystem::remove(dir + "/CURRENT");
  EXPECT_FALSE(watcher.CheckOnce().ok());
  EXPECT_EQ(holder.Current()->snapshot().snapshot_id(), snapshots.without_cpt.snapshot_id());

  // The background thread picks up the next import by itself.
  watcher.Start(absl::Milliseconds(20));
  ASSERT_TRUE(importer::WriteSnapshot(snapshots.with_cpt, dir).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (holder.Current()->snapshot().snapshot_id() != snapshots.with_cpt.snapshot_id() &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(holder.Current()->snapshot().snapshot_id(), snapshots.with_cpt.snapshot_id());
  watcher.Stop();
  EXPECT_EQ(watcher.swaps(), 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace codingahead::catalog
