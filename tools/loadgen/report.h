#ifndef CODINGAHEAD_TOOLS_LOADGEN_REPORT_H_
#define CODINGAHEAD_TOOLS_LOADGEN_REPORT_H_

#include <string>
#include <vector>

#include "tools/loadgen/cpu.h"
#include "tools/loadgen/stats.h"

// The human table and the JSON lines a run prints.
namespace codingahead::loadgen {

// How the run was made, repeated in every JSON object so one line stands
// alone.
struct RunInfo {
  int streams = 0;
  int channels = 0;
  double warmup_seconds = 0;
  double duration_seconds = 0;
  uint64_t requests = 0;  // count mode when > 0
  int rounds = 0;
  std::string targets;  // "spawned" or "external"
  // Level and access-log sampling of the processes the load generator
  // started (baseline, and the suite with --spawn_suite).
  std::string log_level;
  double access_log_sample_rate = 0;
  MachineInfo machine;
  std::string started_at;  // RFC 3339 UTC
  // /proc/loadavg when the session started and ended: other work on the
  // machine shows here.
  std::string load_average_start;
  std::string load_average_end;
};

// A fixed-width table: one row per scenario beside its baseline.
std::string FormatTable(const RunInfo& info, const std::vector<ScenarioSummary>& summaries);

// One JSON object (no trailing newline) for one scenario.
std::string FormatJson(const RunInfo& info, const ScenarioSummary& summary);

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_REPORT_H_
