#include "tools/loadgen/scenario.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace codingahead::loadgen {

absl::Status ScenarioRegistry::Add(ScenarioSpec spec) {
  if (spec.name.empty()) return absl::InvalidArgumentError("scenario without a name");
  if (spec.name.find(',') != std::string::npos || spec.name == "all") {
    return absl::InvalidArgumentError(absl::StrCat("bad scenario name: ", spec.name));
  }
  if (!spec.prepare) {
    return absl::InvalidArgumentError(absl::StrCat("scenario ", spec.name, " has no prepare"));
  }
  if (Find(spec.name) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("scenario ", spec.name, " registered twice"));
  }
  specs_.push_back(std::move(spec));
  return absl::OkStatus();
}

const ScenarioSpec* ScenarioRegistry::Find(absl::string_view name) const {
  for (const ScenarioSpec& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> ScenarioRegistry::Names() const {
  std::vector<std::string> names;
  for (const ScenarioSpec& spec : specs_) names.push_back(spec.name);
  return names;
}

absl::StatusOr<std::vector<const ScenarioSpec*>> ScenarioRegistry::Select(
    absl::string_view list) const {
  std::vector<const ScenarioSpec*> selected;
  std::set<std::string> seen;
  for (absl::string_view raw : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    absl::string_view name = absl::StripAsciiWhitespace(raw);
    if (name == "all") {
      for (const ScenarioSpec& spec : specs_) {
        if (seen.insert(spec.name).second) selected.push_back(&spec);
      }
      continue;
    }
    const ScenarioSpec* spec = Find(name);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown scenario \"", name, "\"; known: ", absl::StrJoin(Names(), ",")));
    }
    if (seen.insert(spec->name).second) selected.push_back(spec);
  }
  if (selected.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no scenario selected; known: ", absl::StrJoin(Names(), ",")));
  }
  return selected;
}

size_t SpreadIndex(const CallPosition& at, size_t size) {
  if (size == 0) return 0;
  int streams = at.streams > 0 ? at.streams : 1;
  uint64_t offset = static_cast<uint64_t>(at.stream) * size / static_cast<uint64_t>(streams);
  return static_cast<size_t>((offset + at.sequence) % size);
}

std::string DistinctClientIp(uint64_t n) {
  // 10.0.0.1 .. 10.255.255.254: skip the network and broadcast addresses.
  uint32_t host = static_cast<uint32_t>(n % ((uint64_t{1} << 24) - 2)) + 1;
  return absl::StrCat("10.", (host >> 16) & 0xff, ".", (host >> 8) & 0xff, ".", host & 0xff);
}

}  // namespace codingahead::loadgen
