#!/usr/bin/env bash
# Builds the importer's libFuzzer targets with clang (address + undefined
# behaviour sanitizers) in their own build folder, then runs each for a
# bounded time. Fails if a fuzzer reports a crash, a sanitizer error, a leak,
# an input slower than the per-input time-out or memory above the limit, or
# if clang/libFuzzer is missing. See docs/fuzzing.md.
#
#   run_fuzzers.sh [--build-dir DIR] [--seconds N] [--jobs N]
#                  [--googleapis-dir DIR] [--only NAME]... [--build-only]
#                  [-- extra libFuzzer flags]
#
# --seconds is per fuzzer (default $IMPORTER_FUZZ_SECONDS or 45); --jobs
# fuzzers run side by side (default: 2, or 1 on a one-core machine). The
# corpus each fuzzer grows is kept in the build folder and reused by the next
# run; crashing inputs are written to <build>/artifacts/.
set -euo pipefail

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$FUZZ_DIR/../../.." && pwd)"
FUZZERS=(fixed_width_fuzzer csv_fuzzer tab_separated_fuzzer xml_fuzzer)

build_dir="$REPO_ROOT/build/tools/importer/fuzz/clang"
seconds="${IMPORTER_FUZZ_SECONDS:-45}"
jobs=2
[ "$(nproc)" -ge 2 ] || jobs=1
googleapis_dir=""
only=()
build_only=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --googleapis-dir) googleapis_dir="$2"; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    --build-only) build_only=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run_fuzzers.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#only[@]} -eq 0 ] || FUZZERS=("${only[@]}")

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# --- What the clang build needs: missing pieces fail the test, loudly. ------
missing=()
command -v clang++ >/dev/null 2>&1 || missing+=("clang++ (package clang)")
command -v cmake >/dev/null 2>&1 || missing+=("cmake (package cmake)")
command -v ninja >/dev/null 2>&1 || missing+=("ninja (package ninja-build)")
command -v protoc >/dev/null 2>&1 || missing+=("protoc (package protobuf-compiler)")
if command -v clang++ >/dev/null 2>&1; then
  runtime_dir="$(clang++ -print-runtime-dir)"
  for lib in fuzzer asan ubsan_standalone; do
    [ -f "$runtime_dir/libclang_rt.$lib-x86_64.a" ] ||
      missing+=("$runtime_dir/libclang_rt.$lib-x86_64.a (package libclang-rt-14-dev)")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  printf 'FAIL: the importer fuzz test cannot build its clang targets; missing:\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  fail "install them with scripts/install-deps.sh"
fi

# --- Build (incremental: ninja rebuilds only what changed). ----------------
if [ ! -f "$build_dir/build.ninja" ]; then
  log "configuring the clang fuzz build in $build_dir"
  args=(-S "$FUZZ_DIR" -B "$build_dir" -G Ninja
        -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=)
  [ -z "$googleapis_dir" ] || args+=(-DGOOGLEAPIS_DIR="$googleapis_dir")
  if command -v ccache >/dev/null 2>&1; then
    args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  mkdir -p "$build_dir"
  cmake "${args[@]}" >"$build_dir/configure.log" 2>&1 || {
    cat "$build_dir/configure.log" >&2
    fail "cmake could not configure the clang fuzz build"
  }
fi
log "building ${FUZZERS[*]}"
build_start=$SECONDS
cmake --build "$build_dir" -j "$(nproc)" --target "${FUZZERS[@]}" ||
  fail "the clang fuzz build failed"
log "build took $((SECONDS - build_start)) s"
[ "$build_only" = 0 ] || exit 0

# --- Seeds: the checked-in excerpts plus the readers' test fixtures. -------
seeds_for() {
  case "$1" in
    fixed_width_fuzzer)
      echo "$REPO_ROOT/services/catalog/testdata/icd10cm_order_sample.txt" ;;
    csv_fuzzer)
      echo "$REPO_ROOT"/tools/importer/testdata/*.csv ;;
    tab_separated_fuzzer)
      echo "$REPO_ROOT"/tools/importer/testdata/*.txt \
           "$REPO_ROOT"/services/catalog/testdata/cpt_*.tsv ;;
  esac
}

run_one() {
  local fuzzer=$1 family=${1%_fuzzer}
  local corpus="$build_dir/corpus/$fuzzer" seeds="$build_dir/seeds/$fuzzer"
  mkdir -p "$corpus" "$seeds" "$build_dir/artifacts"
  rm -f "$seeds"/*
  cp "$FUZZ_DIR/seeds/$family"/* "$seeds"/ 2>/dev/null || true
  for f in $(seeds_for "$fuzzer"); do cp "$f" "$seeds"/; done
  local dict=()
  [ ! -f "$FUZZ_DIR/$family.dict" ] || dict=(-dict="$FUZZ_DIR/$family.dict")
  # -timeout: an input taking longer is a hang; -rss_limit_mb also bounds a
  # single allocation (malloc_limit_mb defaults to it).
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0:${ASAN_OPTIONS:-}" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
    "$build_dir/$fuzzer" "$corpus" "$seeds" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=8192 \
      -artifact_prefix="$build_dir/artifacts/$fuzzer-" -print_final_stats=1 \
      "${extra[@]}" >"$build_dir/$fuzzer.log" 2>&1
}

# A line per fuzzer: executions, executions per second, coverage.
summary() {
  local log=$1
  local execs rate cov ft corp
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
  echo "executions ${execs:-?} (${rate:-?}/s), coverage ${cov:-?} edges, ${ft:-?} features, corpus ${corp:-?}"
}

log "running ${#FUZZERS[@]} fuzzers for ${seconds} s each, $jobs at a time"
run_in_background() {
  local status=0
  run_one "$1" || status=$?
  echo "$status" >"$build_dir/$1.status"
}
for fuzzer in "${FUZZERS[@]}"; do
  [ -x "$build_dir/$fuzzer" ] || fail "no fuzzer $fuzzer in $build_dir"
  rm -f "$build_dir/$fuzzer.status"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_in_background "$fuzzer" &
done
wait

failed=()
for fuzzer in "${FUZZERS[@]}"; do
  logfile="$build_dir/$fuzzer.log"
  status=$(cat "$build_dir/$fuzzer.status" 2>/dev/null || echo "no status")
  if [ "$status" = 0 ]; then
    echo "ok    $fuzzer: $(summary "$logfile")"
  else
    failed+=("$fuzzer")
    echo "FAIL  $fuzzer (exit $status): $(summary "$logfile")"
    echo "----- $logfile (last 60 lines)"
    tail -n 60 "$logfile"
    echo "-----"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  fail "${failed[*]} found a problem; the input is in $build_dir/artifacts/" \
       "(reproduce: $build_dir/<fuzzer> <artifact>)"
fi
echo "all ${#FUZZERS[@]} importer fuzzers ran ${seconds} s each without a finding"
