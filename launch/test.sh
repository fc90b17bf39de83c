#!/usr/bin/env bash
# launch/test.sh - the whole test suite: installs what is missing, builds
# with AddressSanitizer and UndefinedBehaviorSanitizer, runs ctest.
# Extra arguments go to ctest (e.g. -R unit_).
# A test that cannot run here (it needs root, or a missing tool) is
# skipped, and ctest lists it; as root, where this script installs every
# package, none may skip: LC_NO_SKIP=1 makes a skip a failure (set
# LC_NO_SKIP=0 to allow skips, e.g. as root in a container without
# network namespaces).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/launch/deps.sh"
lc_deps test
if [ -z "${LC_NO_SKIP:-}" ]; then
    LC_NO_SKIP=0
    [ "$(id -u)" != 0 ] || LC_NO_SKIP=1
fi
export LC_NO_SKIP
build="$top/build/asan"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DLCLOCK_SANITIZE=ON -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
exec ctest --output-on-failure -j 2 "$@"
