#include "common/executor.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/synchronization/notification.h"

namespace codingahead::common {
namespace {

TEST(ThreadPoolTest, RunsEveryScheduledItemBeforeDestruction) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(4);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(pool.TrySchedule([&] { ++ran; }));
  }
  EXPECT_EQ(ran.load(), 1000);
}

TEST(ThreadPoolTest, RefusesWorkBeyondTheQueueBound) {
  absl::Notification release;
  ThreadPool pool(1, /*max_queued=*/2);
  absl::Notification started;
  ASSERT_TRUE(pool.TrySchedule([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  EXPECT_TRUE(pool.TrySchedule([] {}));
  EXPECT_TRUE(pool.TrySchedule([] {}));
  EXPECT_FALSE(pool.TrySchedule([] {}));
  EXPECT_EQ(pool.queued(), 2u);
  release.Notify();
}

TEST(ThreadPoolTest, WorkRunsOnPoolThreadsNotTheCaller) {
  ThreadPool pool(2);
  absl::Notification done;
  std::thread::id worker;
  ASSERT_TRUE(pool.TrySchedule([&] {
    worker = std::this_thread::get_id();
    done.Notify();
  }));
  done.WaitForNotification();
  EXPECT_NE(worker, std::this_thread::get_id());
}

}  // namespace
}  // namespace codingahead::common
