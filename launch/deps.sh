# shellcheck shell=bash
# launch/deps.sh - install the Debian packages lclock needs, when missing.
# Sourced by the launchers: lc_deps run|deb|test (deb: what launch/deb.sh
# needs besides; test: everything, the .deb's tools included)
lc_deps () {
    local want="cmake pkg-config gcc make libczmq-dev libzmq3-dev libjansson-dev gnuplot-nox scdoc"
    local deb="dpkg-dev file"   #  cpack's dpkg-shlibdeps, and file(1) it runs
    [ "${1:-run}" = deb ] && want="$want $deb"
    [ "${1:-run}" = test ] && want="$want $deb libcmocka-dev iproute2 procps jq man-db openssh-server openssh-client bsdutils python3 mount dpkg"
    local missing=() pkg
    for pkg in $want; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local cmd="apt-get install -y ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then
        echo "lclock: installing ${missing[*]}" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
            || { echo "lclock: install failed; run: $cmd" >&2; return 1; }
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        echo "lclock: installing ${missing[*]}" >&2
        { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
            || { echo "lclock: install failed; run: sudo $cmd" >&2; return 1; }
    else
        echo "lclock: missing Debian packages: ${missing[*]}" >&2
        echo "lclock: install them with: sudo apt-get update && sudo $cmd" >&2
        return 1
    fi
}
