#include "tools/loadgen/stats.h"

#include <algorithm>
#include <set>

namespace codingahead::loadgen {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return (values[mid - 1] + values[mid]) / 2;
}

double Ratio(double numerator, double denominator) {
  if (!(denominator > 0)) return 0;
  return numerator / denominator;
}

RunMedians MediansOf(const std::vector<RunResult>& runs) {
  RunMedians m;
  m.runs = static_cast<int>(runs.size());
  if (runs.empty()) return m;
  auto median_of = [&](auto field) {
    std::vector<double> values;
    for (const RunResult& r : runs) values.push_back(field(r));
    return Median(std::move(values));
  };
  m.qps = median_of([](const RunResult& r) { return r.Qps(); });
  m.p50_us = median_of([](const RunResult& r) { return r.LatencyMicros(50); });
  m.p90_us = median_of([](const RunResult& r) { return r.LatencyMicros(90); });
  m.p99_us = median_of([](const RunResult& r) { return r.LatencyMicros(99); });
  m.p999_us = median_of([](const RunResult& r) { return r.LatencyMicros(99.9); });
  // CPU figures only over the runs that know them.
  auto known_median = [&](auto field) {
    std::vector<double> values;
    for (const RunResult& r : runs) {
      if (double v = field(r); v >= 0) values.push_back(v);
    }
    return values.empty() ? -1.0 : Median(std::move(values));
  };
  m.client_cpu_us_per_req =
      known_median([](const RunResult& r) { return r.client_cpu_us_per_req; });
  m.server_cpu_us_per_req =
      known_median([](const RunResult& r) { return r.server_cpu_us_per_req; });
  std::set<std::string> processes;
  for (const RunResult& r : runs) {
    for (const auto& [name, _] : r.server_cpu_us_per_req_by_process) processes.insert(name);
  }
  for (const std::string& name : processes) {
    m.server_cpu_us_per_req_by_process[name] = known_median([&](const RunResult& r) {
      auto it = r.server_cpu_us_per_req_by_process.find(name);
      return it == r.server_cpu_us_per_req_by_process.end() ? -1.0 : it->second;
    });
  }
  for (const RunResult& r : runs) {
    m.requests += r.requests;
    m.ok += r.ok;
    m.refusals += r.refusals;
    m.errors += r.errors;
    for (const auto& [code, count] : r.by_code) m.by_code[code] += count;
  }
  return m;
}

ScenarioSummary Summarize(const std::string& name, const std::vector<RunResult>& runs,
                          const std::vector<RunResult>& baseline_runs) {
  ScenarioSummary s;
  s.name = name;
  s.measured = !runs.empty();
  s.scenario = MediansOf(runs);
  s.baseline = MediansOf(baseline_runs);
  s.qps_ratio = Ratio(s.scenario.qps, s.baseline.qps);
  s.p99_ratio = Ratio(s.scenario.p99_us, s.baseline.p99_us);
  for (const RunResult& r : runs) {
    s.run_qps.push_back(r.Qps());
    s.run_p99_us.push_back(r.LatencyMicros(99));
  }
  if (runs.size() == baseline_runs.size()) {
    for (size_t i = 0; i < runs.size(); ++i) {
      s.pair_qps_ratios.push_back(Ratio(runs[i].Qps(), baseline_runs[i].Qps()));
      s.pair_p99_ratios.push_back(
          Ratio(runs[i].LatencyMicros(99), baseline_runs[i].LatencyMicros(99)));
    }
  }
  return s;
}

}  // namespace codingahead::loadgen
