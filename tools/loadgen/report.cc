#include "tools/loadgen/report.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/log.h"

namespace codingahead::loadgen {
namespace {

std::string Quoted(absl::string_view text) {
  std::string out = "\"";
  common::AppendJsonEscaped(text, &out);
  out += "\"";
  return out;
}

// Numbers with a sensible precision; JSON has no NaN or infinity.
std::string Number(double value) {
  if (!std::isfinite(value)) return "null";
  return absl::StrFormat("%.6g", value);
}

// CPU figures are negative when unknown.
std::string CpuOrNull(double value) { return value < 0 ? "null" : Number(value); }

std::string CpuCell(double value) { return value < 0 ? "-" : absl::StrFormat("%.1f", value); }

std::string NumberArray(const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (double v : values) parts.push_back(Number(v));
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

std::string CodeMap(const std::map<std::string, uint64_t>& codes) {
  std::vector<std::string> parts;
  for (const auto& [name, count] : codes) parts.push_back(absl::StrCat(Quoted(name), ":", count));
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

std::string CpuMap(const std::map<std::string, double>& cpu) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : cpu) {
    parts.push_back(absl::StrCat(Quoted(name), ":", CpuOrNull(value)));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

std::string Medians(const RunMedians& m) {
  return absl::StrCat("{\"runs\":", m.runs, ",\"qps\":", Number(m.qps),
                      ",\"p50_us\":", Number(m.p50_us), ",\"p90_us\":", Number(m.p90_us),
                      ",\"p99_us\":", Number(m.p99_us), ",\"p999_us\":", Number(m.p999_us),
                      ",\"cpu_us_per_req\":{\"client\":", CpuOrNull(m.client_cpu_us_per_req),
                      ",\"server\":", CpuOrNull(m.server_cpu_us_per_req),
                      ",\"server_by_process\":", CpuMap(m.server_cpu_us_per_req_by_process), "}",
                      ",\"requests\":", m.requests, ",\"ok\":", m.ok, ",\"refusals\":", m.refusals,
                      ",\"errors\":", m.errors, ",\"errors_by_code\":", CodeMap(m.by_code), "}");
}

std::string CodesCell(const std::map<std::string, uint64_t>& codes) {
  std::vector<std::string> parts;
  for (const auto& [name, count] : codes) {
    if (name != "RESOURCE_EXHAUSTED") parts.push_back(absl::StrCat(name, "=", count));
  }
  return parts.empty() ? "0" : absl::StrJoin(parts, ",");
}

}  // namespace

std::string FormatTable(const RunInfo& info, const std::vector<ScenarioSummary>& summaries) {
  std::string out = absl::StrFormat(
      "machine: %d CPUs, %s, %.1f GiB; %s\n"
      "load: %d streams over %d channels, warm-up %.1fs, %s, %d alternated "
      "round(s); medians\n"
      "processes started here: log level %s, access log sample rate %g; "
      "targets: %s\n"
      "load average: %s at start, %s at end\n\n",
      info.machine.cpus, info.machine.cpu_model,
      static_cast<double>(info.machine.memory_bytes) / (1024.0 * 1024 * 1024), info.machine.kernel,
      info.streams, info.channels, info.warmup_seconds,
      info.requests > 0 ? absl::StrCat(info.requests, " requests per run")
                        : absl::StrFormat("%.1fs per run", info.duration_seconds),
      info.rounds, info.log_level, info.access_log_sample_rate, info.targets,
      info.load_average_start, info.load_average_end);
  absl::StrAppendFormat(&out, "%-18s %10s %9s %9s %9s %9s %9s %9s %9s %8s %8s  %s\n", "scenario",
                        "qps", "p50 us", "p90 us", "p99 us", "p99.9 us", "cli us/r", "srv us/r",
                        "refusals", "qps x", "p99 x", "errors");
  for (const ScenarioSummary& s : summaries) {
    if (!s.measured) {
      absl::StrAppendFormat(&out, "%-18s not measured: %s\n", s.name, s.not_measured_reason);
      continue;
    }
    const RunMedians& m = s.scenario;
    absl::StrAppendFormat(&out,
                          "%-18s %10.0f %9.0f %9.0f %9.0f %9.0f %9s %9s %9d %8.2f %8.2f  %s\n",
                          s.name, m.qps, m.p50_us, m.p90_us, m.p99_us, m.p999_us,
                          CpuCell(m.client_cpu_us_per_req), CpuCell(m.server_cpu_us_per_req),
                          m.refusals, s.qps_ratio, s.p99_ratio, CodesCell(m.by_code));
    if (s.name != "baseline") {
      const RunMedians& b = s.baseline;
      absl::StrAppendFormat(&out, "%-18s %10.0f %9.0f %9.0f %9.0f %9.0f %9s %9s\n", "  baseline",
                            b.qps, b.p50_us, b.p90_us, b.p99_us, b.p999_us,
                            CpuCell(b.client_cpu_us_per_req), CpuCell(b.server_cpu_us_per_req));
    }
  }
  return out;
}

std::string FormatJson(const RunInfo& info, const ScenarioSummary& s) {
  std::string out =
      absl::StrCat("{\"scenario\":", Quoted(s.name), ",\"description\":", Quoted(s.description),
                   ",\"measured\":", s.measured ? "true" : "false");
  if (!s.measured)
    absl::StrAppend(&out, ",\"not_measured_reason\":", Quoted(s.not_measured_reason));
  const RunMedians& m = s.scenario;
  absl::StrAppend(&out, ",\"qps\":", Number(m.qps), ",\"p50_us\":", Number(m.p50_us),
                  ",\"p90_us\":", Number(m.p90_us), ",\"p99_us\":", Number(m.p99_us),
                  ",\"p999_us\":", Number(m.p999_us),
                  ",\"cpu_us_per_req\":{\"client\":", CpuOrNull(m.client_cpu_us_per_req),
                  ",\"server\":", CpuOrNull(m.server_cpu_us_per_req),
                  ",\"server_by_process\":", CpuMap(m.server_cpu_us_per_req_by_process), "}",
                  ",\"requests\":", m.requests, ",\"ok\":", m.ok, ",\"refusals\":", m.refusals,
                  ",\"errors\":", m.errors, ",\"errors_by_code\":", CodeMap(m.by_code));
  absl::StrAppend(
      &out, ",\"baseline_qps\":", Number(s.baseline.qps),
      ",\"baseline_p99_us\":", Number(s.baseline.p99_us), ",\"qps_ratio\":", Number(s.qps_ratio),
      ",\"p99_ratio\":", Number(s.p99_ratio), ",\"baseline\":", Medians(s.baseline),
      ",\"runs\":{\"qps\":", NumberArray(s.run_qps), ",\"p99_us\":", NumberArray(s.run_p99_us),
      ",\"pair_qps_ratios\":", NumberArray(s.pair_qps_ratios),
      ",\"pair_p99_ratios\":", NumberArray(s.pair_p99_ratios), "}");
  absl::StrAppend(&out, ",\"run\":{\"streams\":", info.streams, ",\"channels\":", info.channels,
                  ",\"warmup_seconds\":", Number(info.warmup_seconds),
                  ",\"duration_seconds\":", Number(info.duration_seconds),
                  ",\"requests\":", info.requests, ",\"rounds\":", info.rounds,
                  ",\"targets\":", Quoted(info.targets), ",\"log_level\":", Quoted(info.log_level),
                  ",\"access_log_sample_rate\":", Number(info.access_log_sample_rate),
                  ",\"started_at\":", Quoted(info.started_at),
                  ",\"load_average_start\":", Quoted(info.load_average_start),
                  ",\"load_average_end\":", Quoted(info.load_average_end),
                  ",\"machine\":{\"cpus\":", info.machine.cpus,
                  ",\"cpu_model\":", Quoted(info.machine.cpu_model),
                  ",\"memory_bytes\":", info.machine.memory_bytes,
                  ",\"kernel\":", Quoted(info.machine.kernel), "}}}");
  return out;
}

}  // namespace codingahead::loadgen
