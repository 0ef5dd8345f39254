#ifndef CODINGAHEAD_COMMON_EXECUTOR_H_
#define CODINGAHEAD_COMMON_EXECUTOR_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace codingahead::common {

// A fixed pool of threads for blocking work — store calls, password hashing —
// so gRPC reactor threads never block. Handlers schedule the work and finish
// their reactor from the pool thread.
class ThreadPool {
 public:
  // `max_queued`: work beyond this many waiting items is refused by
  // TrySchedule (callers answer RESOURCE_EXHAUSTED / UNAVAILABLE instead of
  // queueing without bound).
  ThreadPool(int threads, size_t max_queued = 10000);
  // Runs what is queued, then joins the threads.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // False when the queue is full or the pool is stopping; `work` is then
  // not run.
  [[nodiscard]] bool TrySchedule(std::function<void()> work);

  size_t queued() const;

 private:
  void Loop();

  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_EXECUTOR_H_
