#include "tools/loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace codingahead::loadgen {

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

size_t LatencyHistogram::BucketIndex(uint64_t value) {
  value = std::min(value, kMaxValue);
  if (value < kSubBucketCount) return static_cast<size_t>(value);
  int top_bit = 63 - std::countl_zero(value);  // >= kSubBucketBits
  int shift = top_bit - (kSubBucketBits - 1);
  uint64_t mantissa = value >> shift;  // in [kSubBucketHalf, kSubBucketCount)
  return kSubBucketCount + static_cast<size_t>(top_bit - kSubBucketBits) * kSubBucketHalf +
         static_cast<size_t>(mantissa - kSubBucketHalf);
}

uint64_t LatencyHistogram::BucketLowest(size_t index) {
  if (index < kSubBucketCount) return index;
  size_t above = index - kSubBucketCount;
  int top_bit = kSubBucketBits + static_cast<int>(above / kSubBucketHalf);
  uint64_t mantissa = kSubBucketHalf + above % kSubBucketHalf;
  return mantissa << (top_bit - (kSubBucketBits - 1));
}

uint64_t LatencyHistogram::BucketHighest(size_t index) {
  if (index < kSubBucketCount) return index;
  if (index + 1 >= kBucketCount) return kMaxValue;
  return BucketLowest(index + 1) - 1;
}

void LatencyHistogram::Record(uint64_t value) {
  ++counts_[BucketIndex(value)];
  if (count_ == 0 || value < min_) min_ = value;
  if (value > max_) max_ = value;
  ++count_;
  sum_ += value;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void LatencyHistogram::Clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = min_ = max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::Mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / count_);
}

uint64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  if (rank == count_) return max_;  // the largest sample is known exactly
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      uint64_t low = BucketLowest(i);
      uint64_t middle = low + (BucketHighest(i) - low) / 2;
      return std::clamp(middle, min(), max_);
    }
  }
  return max_;
}

}  // namespace codingahead::loadgen
