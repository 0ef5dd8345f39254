#!/usr/bin/env bash
# Configures (once) and builds everything incrementally into $BUILD_DIR.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_type="${CODINGAHEAD_BUILD_TYPE:-RelWithDebInfo}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  log "configuring $BUILD_DIR ($build_type)"
  cmake -S "$REPO_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
    -DCA_SHARED_DATA_DIR="$SHARED_DATA_DIR" >/dev/null
fi
jobs=$(build_jobs)
log "building with $jobs jobs"
cmake --build "$BUILD_DIR" -j "$jobs" "$@"
