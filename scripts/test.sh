#!/usr/bin/env bash
# The one command that runs every test: installs what is missing, builds, and
# runs unit and integration tests with ctest. Integration tests start their
# own Redis and PostgreSQL on free ports in temporary folders and stop them
# afterwards, even on failure; nothing needs to be running beforehand.
# Extra arguments go to ctest (e.g. scripts/test.sh -R catalog).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$REPO_ROOT/scripts/install-deps.sh"
"$REPO_ROOT/scripts/build.sh"

cd "$BUILD_DIR"
log "running tests"
# Two at a time: the integration tests start real servers and the machine
# may have only two cores.
ctest --output-on-failure --timeout 600 -j "${CODINGAHEAD_TEST_JOBS:-2}" "$@"
