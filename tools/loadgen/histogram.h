#ifndef CODINGAHEAD_TOOLS_LOADGEN_HISTOGRAM_H_
#define CODINGAHEAD_TOOLS_LOADGEN_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace codingahead::loadgen {

// A log-linear (HDR-like) histogram of non-negative integers, used for
// latencies in nanoseconds. Memory is fixed (kBucketCount counters, about
// 35 KB) whatever the number of samples. Values below 2^kSubBucketBits are
// counted exactly; above, each power of two is split into
// 2^(kSubBucketBits-1) equal buckets, so a reported value is within
// 1/2^(kSubBucketBits-1) (0.8 %) of a recorded one. Values of 2^kMaxValueBits
// or more (18 minutes in nanoseconds) are counted in the top bucket.
//
// Not thread-safe: keep one per thread or stream and Merge() at the end.
class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 8;
  static constexpr int kMaxValueBits = 40;
  static constexpr size_t kSubBucketCount = size_t{1} << kSubBucketBits;
  static constexpr size_t kSubBucketHalf = kSubBucketCount / 2;
  static constexpr size_t kBucketCount =
      kSubBucketCount + (kMaxValueBits - kSubBucketBits) * kSubBucketHalf;
  static constexpr uint64_t kMaxValue = (uint64_t{1} << kMaxValueBits) - 1;

  LatencyHistogram();

  void Record(uint64_t value);
  void Merge(const LatencyHistogram& other);
  void Clear();

  uint64_t count() const { return count_; }
  // Exact smallest and largest recorded values (0 when empty).
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double Mean() const;

  // The value at percentile `p` (0..100): the bucket holding the
  // ceil(p/100 * count)-th smallest sample, reported as the bucket's middle
  // and clamped to [min(), max()]; the exact max() for the last sample. 0
  // when empty.
  uint64_t Percentile(double p) const;

  // Bucket arithmetic, exposed for tests.
  static size_t BucketIndex(uint64_t value);
  static uint64_t BucketLowest(size_t index);
  static uint64_t BucketHighest(size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = 0;
  uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_HISTOGRAM_H_
