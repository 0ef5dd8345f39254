#ifndef CODINGAHEAD_TOOLS_LOADGEN_CPU_H_
#define CODINGAHEAD_TOOLS_LOADGEN_CPU_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

// CPU time used by processes, for "CPU per request" figures.
namespace codingahead::loadgen {

// User + system CPU of this process (all threads), in microseconds, from
// getrusage(RUSAGE_SELF). Children are not included.
int64_t SelfCpuMicros();

// utime + stime in clock ticks from the text of /proc/<pid>/stat, or nullopt
// when it does not parse. The command name (field 2) may hold spaces and
// parentheses, so fields are counted from the last ')'.
std::optional<int64_t> ParseProcStatCpuTicks(absl::string_view stat);

// User + system CPU of process `pid` in microseconds (all threads), from
// /proc/<pid>/stat; nullopt when the process is gone or unreadable.
std::optional<int64_t> ProcessCpuMicros(pid_t pid);

// The machine, for reports: "model name" from /proc/cpuinfo, online CPUs and
// MemTotal.
struct MachineInfo {
  std::string cpu_model;
  int cpus = 0;
  int64_t memory_bytes = 0;
  std::string kernel;
};
MachineInfo DescribeMachine();

// The 1, 5 and 15 minute load averages from /proc/loadavg ("1.42 1.02
// 1.14"), to tell a quiet machine from a busy one in a report.
std::string LoadAverage();

}  // namespace codingahead::loadgen

#endif  // CODINGAHEAD_TOOLS_LOADGEN_CPU_H_
