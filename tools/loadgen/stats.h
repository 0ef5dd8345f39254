#ifndef CODINGAHEAD_TOOLS_LOADGEN_STATS_H_
#define CODINGAHEAD_TOOLS_LOADGEN_STATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/loadgen/histogram.h"

// What one timed run measured, and how alternated runs are summarised against
// the baseline run beside them.
namespace codingahead::loadgen {

// One timed run of one scenario (warm-up excluded).
struct RunResult {
  double seconds = 0;     // the measured window
  uint64_t requests = 0;  // calls completed in the window, any status
  uint64_t ok = 0;
  uint64_t refusals = 0;  // RESOURCE_EXHAUSTED: an allowance or throttle said no
  uint64_t errors = 0;    // every other non-OK status
  // Non-OK calls by status name ("RESOURCE_EXHAUSTED", "UNAVAILABLE", ...).
  std::map<std::string, uint64_t> by_code;
  LatencyHistogram latency_ns;  // every completed call in the window
  // CPU (user + system) per completed call, in microseconds; negative when
  // not known (no server pid).
  double client_cpu_us_per_req = -1;
  double server_cpu_us_per_req = -1;
  std::map<std::string, double> server_cpu_us_per_req_by_process;

  double Qps() const { return seconds > 0 ? requests / seconds : 0; }
  // Percentile of the latency in microseconds.
  double LatencyMicros(double percentile) const {
    return latency_ns.Percentile(percentile) / 1000.0;
  }
};

// The median of `values` (mean of the two middle ones for an even count);
// 0 for none.
double Median(std::vector<double> values);

// `numerator / denominator`, or 0 when the denominator is not positive (no
// baseline measured), so a report never shows inf or NaN.
double Ratio(double numerator, double denominator);

// The medians a report shows for a set of runs.
struct RunMedians {
  int runs = 0;
  double qps = 0;
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double client_cpu_us_per_req = -1;
  double server_cpu_us_per_req = -1;
  std::map<std::string, double> server_cpu_us_per_req_by_process;
  // Summed over the runs.
  uint64_t requests = 0;
  uint64_t ok = 0;
  uint64_t refusals = 0;
  uint64_t errors = 0;
  std::map<std::string, uint64_t> by_code;
};
RunMedians MediansOf(const std::vector<RunResult>& runs);

// One scenario's report line: medians of its runs, medians of the baseline
// runs alternated with them, and the ratios of the two.
struct ScenarioSummary {
  std::string name;
  std::string description;
  bool measured = false;
  std::string not_measured_reason;  // when !measured
  RunMedians scenario;
  RunMedians baseline;
  double qps_ratio = 0;  // scenario.qps / baseline.qps
  double p99_ratio = 0;  // scenario.p99_us / baseline.p99_us
  // Per alternated pair (same round), for spotting drift.
  std::vector<double> pair_qps_ratios;
  std::vector<double> pair_p99_ratios;
  std::vector<double> run_qps;
  std::vector<double> run_p99_us;
};

// Summarises `runs` against `baseline_runs`; when both have the same length,
// they are treated as alternated pairs (baseline_runs[i] ran just before
// runs[i]).
ScenarioSummary Summarize(const std::string& name, const std::vector<RunResult>& runs,
                          const std::vector<RunResult>& baseline_runs);

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_STATS_H_
