#!/usr/bin/env bash
# launch/deb.sh [BUILD_DIR] - the Debian package of lclock: installs what
# is missing (launch/deps.sh), builds lclock for /usr in BUILD_DIR
# (default build/deb), runs cpack and prints the path of the .deb on its
# last line. Install it with: sudo apt install ./lclock_VERSION_ARCH.deb
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
me=deb.sh
build=${1:-$top/build/deb}
log=$build/deb.log

case "$build" in --help|-h) sed -n '2,5s/^# //p' "$0"; exit 0 ;; -*)
    echo "$me: unknown option '$build' (usage: launch/deb.sh [BUILD_DIR])" >&2; exit 2 ;; esac
# shellcheck source=launch/deps.sh
. "$top/launch/deps.sh"
lc_deps deb || exit 1
mkdir -p "$build"
echo "$me: building $build (output in $log)" >&2
if ! { cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
            -DCMAKE_INSTALL_PREFIX=/usr \
        && cmake --build "$build" -j "$(nproc)" \
        && (cd "$build" && cpack -G DEB); } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "$me: failed; the whole output is in $log" >&2
    exit 1
fi
deb=$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' "$log" | tail -n 1)
[ -f "$deb" ] || { echo "$me: cpack named no .deb; see $log" >&2; exit 1; }
echo "$deb"
