#!/usr/bin/env bash
# launch/test.sh - the whole test suite: installs what is missing, builds
# with AddressSanitizer and UndefinedBehaviorSanitizer, runs ctest.
# Extra arguments go to ctest (e.g. -R unit_).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/launch/deps.sh"
lc_deps test
build="$top/build/asan"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DLCLOCK_SANITIZE=ON -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
exec ctest --output-on-failure -j 2 "$@"
